import {Readable, Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {withoutBulkStrings} from '../../src/parse/bulk-strings.js';
import {addEvent, closeShare, compiled, openShare} from '../../src/metrics/schema.js';
import {SCHEMA_NAMES} from '../../src/metrics/catalog.js';
import {timeWindow} from '../../src/transforms/time-window.js';
import type {PyDict, PyValue} from '../../src/py/value.js';

const KEEP = new Set(['timestamp', 'flavor']);
const long = (n: number, unit = 'a') => unit.repeat(n);

function parses(text: string): {ok: true; value: unknown} | {ok: false} {
  try {
    return {ok: true, value: JSON.parse(text)};
  } catch {
    return {ok: false};
  }
}

/** `b` is `a`, but for strings that may be prefixes of `a`'s (64 characters or more). */
function sameButPrefixes(a: unknown, b: unknown, shortened: {count: number}): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return true;
    shortened.count++;
    return b.length >= 64 && b.length < a.length && a.startsWith(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameButPrefixes(x, b[i], shortened));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.join('\u0000') === kb.join('\u0000') && ka.every(k => sameButPrefixes((a as never)[k], (b as never)[k], shortened));
  }
  return Object.is(a, b);
}

describe('withoutBulkStrings', () => {
  it('shortens a long value under a key nothing reads to a prefix of 64+ characters', () => {
    const text = JSON.stringify([{timestamp: 't', data: {output: long(5000), success: true}}]);
    const out = withoutBulkStrings(text, KEEP);
    expect(out.length).toBeLessThan(500);
    const value = JSON.parse(out) as Array<{data: {output: string; success: boolean}}>;
    expect(value[0]!.data.success).toBe(true);
    expect(value[0]!.data.output).toBe(long(384));
  });

  it('leaves kept keys, short values, keys with escapes, array items and object keys alone', () => {
    const cases = [
      {timestamp: long(5000)},
      {flavor: {nested: 1}, deep: {flavor: long(5000)}},
      {output: long(1000)},
      {'out\u0070ut': 1, 'x"output': long(3000)},
      {list: [long(5000), long(5000)]},
      {[long(5000)]: 1},
    ];
    for (const value of cases) {
      const text = JSON.stringify(value);
      expect(withoutBulkStrings(text, KEEP), text.slice(0, 60)).toBe(text);
    }
    // Written with an escape, a key is not read as plain text: its value stays.
    const escapedKey = '{"\\u006fut": "' + long(3000) + '"}';
    expect(withoutBulkStrings(escapedKey, KEEP)).toBe(escapedKey);
  });

  it('never cuts an escape in two', () => {
    for (const unit of ['\\n', '\\u00e9', '\\\\', '\\"', 'é', '\u{1F600}']) {
      for (let lead = 0; lead < 7; lead++) {
        const text = `{"output": "${'x'.repeat(lead)}${unit.repeat(1200)}"}`;
        const out = withoutBulkStrings(text, KEEP);
        expect(out.length).toBeLessThan(text.length);
        const shortened = {count: 0};
        expect(sameButPrefixes(JSON.parse(text), JSON.parse(out), shortened)).toBe(true);
      }
    }
  });

  it('leaves an invalid long string (raw control character, bad escape) for the parse to reject', () => {
    for (const bad of ['\u0001', '\\x', '\\u12G4', '\n']) {
      const text = `{"output": "${long(600)}${bad}${long(600)}", "next": "${long(2000)}"}`;
      expect(parses(text).ok).toBe(false);
      expect(parses(withoutBulkStrings(text, KEEP)).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('property: valid exactly when the original is, with the same values but for prefixes', () => {
    const bulky = fc.oneof(
      fc.string({minLength: 1000, maxLength: 3000, unit: 'binary'}),
      fc.string({minLength: 1000, maxLength: 3000, unit: fc.constantFrom('a', '"', '\\', '\n', 'é', '\u0000', '/', ':', ',', '\ud83d')}),
    );
    const key = fc.constantFrom('output', 'content', 'timestamp', 'flavor', 'data', 'a_1', 'x"y', '');
    const value = fc.letrec<{value: unknown}>(tie => ({
      value: fc.oneof(
        {depthSize: 'small'},
        bulky,
        fc.string({maxLength: 5}),
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value'), {maxLength: 4}),
        fc.dictionary(key, tie('value'), {maxKeys: 4}),
      ),
    })).value;
    // Damage: text inserted or removed anywhere, so that invalid documents are covered too.
    const damage = fc.array(
      fc.record({at: fc.nat(), remove: fc.nat({max: 3}), insert: fc.constantFrom('', '"', '\\', '\u0001', ':', '{', ']', '"output": "', ' ')}),
      {maxLength: 3},
    );
    const shortened = {count: 0};
    fc.assert(
      fc.property(value, fc.boolean(), damage, (v, spaced, edits) => {
        let text = JSON.stringify(v, null, spaced ? 1 : undefined) ?? 'null';
        for (const {at, remove, insert} of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        const before = parses(text);
        const after = parses(withoutBulkStrings(text, KEEP));
        expect(after.ok).toBe(before.ok);
        if (before.ok && after.ok) expect(sameButPrefixes(before.value, after.value, shortened)).toBe(true);
      }),
      {numRuns: 1000},
    );
    // The property must have exercised the shortening, not only texts it leaves alone.
    expect(shortened.count).toBeGreaterThan(30);
  });
});

describe('the event keys a schema keeps whole (its parse needs)', () => {
  /** An event whose every dict records the keys read from it. */
  function recorded(type: string, read: Set<string>): PyDict {
    const watch = (o: Record<string, PyValue>): PyDict =>
      new Proxy(Object.assign(Object.create(null) as PyDict, o), {
        get(target, key, receiver) {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const data = watch({
      success: true, rating: 'up', flavor: 'a100x2', final_status: 'completed', wall_time_s: 60, source: 's', prompt_tokens: 1, completion_tokens: 1,
      cache_read_tokens: 1, cache_creation_tokens: 1, cost_usd: 0.5, tool: 'research', hardware: 'cpu-basic',
    });
    return watch({timestamp: '2026-04-25T14:30:00', event_type: type, data});
  }

  const TYPES = [
    'llm_call', 'tool_output', 'tool_call', 'error', 'undo_complete', 'feedback', 'hf_job_submit', 'hf_job_complete', 'jobs_access_blocked',
    'pro_cta_click', 'sandbox_create', 'pro_conversion', 'credits_topped_up', 'tool_state_change', 'assistant_chunk',
  ];

  for (const name of SCHEMA_NAMES) {
    it(`holds every key the ${name} KPIs read from an event, at any depth`, async () => {
      const schema = compiled(name);
      const read = new Set<string>();
      const ctx = {exact: true, warn: () => undefined};
      const share = openShare(schema, 0);
      for (const type of TYPES) addEvent(schema, share, recorded(type, read), null, ctx);
      closeShare(schema, share, {start: null, turns: 1, user: null, model: {key: 'sm', value: 'm'}});
      const events = TYPES.map(type => recorded(type, read));
      await pipeline(
        Readable.from([{kind: 'events', events}], {objectMode: true}),
        timeWindow({plan: {kind: 'daily', day: '2026-04-25'}, allowed: null, warn: () => undefined}),
        new Writable({objectMode: true, write: (_chunk, _encoding, done) => done()}),
      );
      expect(read.has('timestamp')).toBe(true);
      expect([...read].filter(key => !schema.parse.eventKeys.has(key))).toEqual([]);
    });
  }

  it('keeps `tool` and `hardware` whole only where a KPI reads them (v2)', () => {
    expect(compiled('v1').parse.eventKeys.has('tool')).toBe(false);
    expect(compiled('v2').parse.eventKeys.has('tool')).toBe(true);
    expect(compiled('v2').parse.eventKeys.has('hardware')).toBe(true);
    expect(compiled('v2').parse.eventKeys.has('source')).toBe(false);
  });
});
