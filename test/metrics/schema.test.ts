import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {SCHEMA_NAMES} from '../../src/metrics/catalog.js';
import {addEvent, BucketTotals, closeShare, compileColumns, compiled, openShare, stateOf} from '../../src/metrics/schema.js';
import {defineKpi, defineStat, type SessionFacts} from '../../src/metrics/define.js';
import {UNKNOWN} from '../../src/metrics/stats.js';
import {TURNS} from '../../src/metrics/session-facts.js';
import {PyCrash, type PyDict, type PyValue} from '../../src/py/value.js';
import {pyDict} from '../support/py-dict.js';
import {REFERENCE_DIR, REPO} from '../support/python.js';

const event = (type: PyValue, data?: PyValue): PyDict => pyDict({event_type: type, ...(data === undefined ? {} : {data})});
const facts = (extra: Partial<SessionFacts> = {}): SessionFacts => ({start: null, turns: 0, user: null, model: UNKNOWN, ...extra});

/** Stats made for the test, so that what each reads and steps on is known exactly. */
const seen = defineStat<string[], string[]>({
  name: 'test:seen',
  reads: {events: {foo: ['k'], bar: []}},
  init: () => [],
  on: {
    foo: (s, data) => [...s, `foo ${String(data.k)}`],
    bar: (s, data) => [...s, `bar with ${Object.keys(data).length} keys`],
  },
  close: (s, f) => [...s, `closed after ${f.turns} turns`],
  initBucket: () => [],
  merge: (bucket, s) => [...bucket, ...s],
});
const counted = defineStat<number, number>({
  name: 'test:counted',
  reads: {events: {bar: [], baz: []}},
  init: () => 0,
  on: {bar: n => n + 1},
  initBucket: () => 0,
  merge: (bucket, n) => bucket + n,
});
const model = defineStat<PyValue, PyValue[]>({
  name: 'test:model',
  reads: {row: ['messages', 'model_name']},
  init: () => null,
  close: (_s, f) => f.model.value,
  initBucket: () => [],
  merge: (bucket, m) => [...bucket, m],
});
const columns = [
  defineKpi({column: 'seen', description: '', stats: [seen], cell: b => b.get(seen).join('|')}),
  defineKpi({column: 'counted', description: '', stats: [counted, seen], cell: b => String(b.get(counted))}),
  defineKpi({column: 'model', description: '', stats: [model], cell: b => b.get(model).join('|')}),
];
const schema = compileColumns('v1', columns);

describe('compileColumns', () => {
  it('takes each stat once, in the order columns first use it, with its index', () => {
    expect(schema.stats.map(s => s.name)).toEqual(['test:seen', 'test:counted', 'test:model']);
    expect([...schema.index]).toEqual([['test:seen', 0], ['test:counted', 1], ['test:model', 2]]);
    expect(schema.header).toEqual(['bucket', 'seen', 'counted', 'model']);
  });

  it('dispatches each event type to the steps of the stats that read it, in stat order', () => {
    const steps = (type: string) => schema.dispatch.get(type)?.steps.map(s => s.index);
    expect(steps('foo')).toEqual([0]);
    expect(steps('bar')).toEqual([0, 1]);
    // Read but without a step of its own: an entry that does nothing.
    expect(steps('baz')).toEqual([]);
    expect(schema.dispatch.has('qux')).toBe(false);
  });

  it('reads an event\'s data only for a type some stat reads a data key of', () => {
    expect(schema.dispatch.get('foo')!.readsData).toBe(true);
    expect(schema.dispatch.get('bar')!.readsData).toBe(false);
  });

  it('tells parse to keep the keys every run reads plus those the stats read, and the row fields they read', () => {
    expect([...schema.parse.eventKeys].sort()).toEqual(['data', 'event_type', 'k', 'timestamp']);
    // Messages are folded one at a time, not kept whole.
    expect(schema.parse.rowFields).toEqual(['model_name']);
    expect(schema.parse.messages).toBe(TURNS);
    expect(schema.facts).toEqual({start: false, turns: true, user: false, model: true});
    const noRows = compileColumns('v1', [columns[1]!]);
    expect(noRows.parse.messages).toBeUndefined();
    expect(noRows.facts).toEqual({start: false, turns: false, user: false, model: false});
  });

  it('makes one stat of two made alike (same name)', () => {
    const twice = compileColumns('v1', [
      defineKpi({column: 'a', description: '', stats: [defineStat({...counted})], cell: () => ''}),
      defineKpi({column: 'b', description: '', stats: [defineStat({...counted})], cell: () => ''}),
    ]);
    expect(twice.stats).toHaveLength(1);
  });
});

describe('compiled', () => {
  /** The header line of a CSV the reference (v1) or the upstream script (v2) wrote for the fixtures. */
  const oracleHeader = (name: string) => {
    const csv = join(REPO, 'fixtures', 'expected', ...(name === 'v1' ? [] : [name]), 'stdin', 'hourly', '2026-04-22', '13.csv');
    return readFileSync(csv, 'utf8').split('\n')[0]!.split(',');
  };

  it.each(SCHEMA_NAMES)('gives %s the header of the CSVs its script writes', name => {
    expect(compiled(name).header).toEqual(oracleHeader(name));
  });

  it('has each stat once', () => {
    for (const name of SCHEMA_NAMES) {
      const names = compiled(name).stats.map(s => s.name);
      expect(new Set(names).size, name).toBe(names.length);
    }
  });

  it('keeps whole every event data key and row field the reference script reads (v1)', () => {
    const script = readFileSync(join(REFERENCE_DIR, 'build_kpis.py'), 'utf8');
    const dataKeys = new Set([...script.matchAll(/\bdata\.get\("(\w+)"\)/g)].map(m => m[1]!));
    const rowFields = new Set([...script.matchAll(/\bsession\.get\("(\w+)"\)/g)].map(m => m[1]!));
    expect(dataKeys.size).toBeGreaterThan(5);
    const v1 = compiled('v1');
    expect([...dataKeys].filter(key => !v1.parse.eventKeys.has(key))).toEqual([]);
    // `events` is what parse streams, `messages` what it folds.
    expect([...rowFields].filter(f => f !== 'events' && f !== 'messages' && !v1.parse.rowFields.includes(f))).toEqual([]);
    expect(v1.parse.messages).toBe(TURNS);
  });
});

describe('addEvent', () => {
  const warnings: string[] = [];
  const ctx = {exact: true, warn: (code: string, message: string) => void warnings.push(`${code}: ${message}`)};

  it('runs the steps of the event\'s type on the session\'s share', () => {
    const share = openShare(schema, 7);
    expect(share).toEqual({bucket: 7, states: [[], 0, null]});
    addEvent(schema, share, event('foo', pyDict({k: 1})), null, ctx);
    addEvent(schema, share, event('bar', pyDict({k: 2})), null, ctx);
    // bar's stats read no data key: they see none.
    expect(share.states).toEqual([['foo 1', 'bar with 0 keys'], 1, null]);
  });

  it('passes over an event of a type no stat reads, or without a string type', () => {
    const share = openShare(schema, 0);
    for (const type of ['qux', 5, null, pyDict({})] as PyValue[]) addEvent(schema, share, event(type, pyDict({k: 1})), null, ctx);
    expect(share.states).toEqual([[], 0, null]);
  });

  it('warns once about data that is not an object where a stat reads it, and reads it as {}', () => {
    warnings.length = 0;
    const share = openShare(schema, 0);
    addEvent(schema, share, event('foo', 'oops'), null, ctx);
    addEvent(schema, share, event('bar', 'oops'), null, ctx);
    addEvent(schema, share, event('foo'), null, ctx);
    expect(share.states[0]).toEqual(['foo undefined', 'bar with 0 keys', 'foo undefined']);
    expect(warnings).toEqual(['value_coerced: foo event data "oops" is not an object; treated as {}']);
  });
});

describe('closeShare', () => {
  it('tells the stats with a close what the session row says, and leaves the others', () => {
    const share = openShare(schema, 0);
    share.states[1] = 4;
    closeShare(schema, share, facts({turns: 3, model: {key: 'sm1', value: 'm1'}}));
    expect(share.states).toEqual([['closed after 3 turns'], 4, 'm1']);
    expect(stateOf(schema, share, counted)).toBe(4);
  });
});

describe('BucketTotals', () => {
  const share = (tag: string, n: number) => ({bucket: 0, states: [[tag], n, tag]});

  it('merges shares in the order given and prints the cells in column order', () => {
    const totals = new BucketTotals(schema);
    totals.merge(share('b', 2));
    totals.merge(share('a', 3));
    expect(totals.get(seen)).toEqual(['b', 'a']);
    expect(totals.cells()).toEqual(['b|a', '5', 'b|a']);
  });

  it('leaves a cell Python cannot compute empty and says which, and fails on any other error', () => {
    const crashing = compileColumns('v1', [
      columns[1]!,
      defineKpi({column: 'ratio', description: '', stats: [counted], cell: () => { throw new PyCrash('integer division result too large for a float'); }}),
    ]);
    const said: string[] = [];
    expect(new BucketTotals(crashing).cells((column, reason) => said.push(`${column}: ${reason}`))).toEqual(['0', '']);
    expect(said).toEqual(['ratio: integer division result too large for a float']);
    expect(new BucketTotals(crashing).cells()).toEqual(['0', '']);
    const broken = compileColumns('v1', [defineKpi({column: 'bug', description: '', stats: [], cell: () => { throw new TypeError('a bug'); }})]);
    expect(() => new BucketTotals(broken).cells(() => undefined)).toThrow(TypeError);
  });

  it('refuses a stat its schema does not have, naming both', () => {
    expect(() => new BucketTotals(compiled('v1')).get(seen)).toThrow('stat test:seen is not in schema v1');
    expect(() => stateOf(compiled('v1'), {states: []}, seen)).toThrow('stat test:seen is not in schema v1');
  });
});
