import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {decodeRowExact} from '../../src/parse/decode-row.js';
import {firstLine} from '../../src/parse/first-line.js';
import {PY_JSON_MAX_DEPTH} from '../../src/py/json-loads.js';
import {isDict, type PyDict, type PyValue} from '../../src/py/value.js';
import {ORACLE, PYTHON, REFERENCE_DIR, oracleMissing, python} from '../support/python.js';
import {PY_CANONICAL, Rng, canonical, fileBytes, jsonStringLiteral, nested, oneLine, rowText, scratchRoot} from './generate.js';

function row(text: string): PyDict {
  const decoded = decodeRowExact(text);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.row;
}

/** Our whole read of a session file, in the form `PY_CANONICAL` gives the reference's. */
function ourSession(file: Uint8Array): {canonical: string; notes: number} {
  const line = firstLine(file);
  if (!line.ok || line.text === '') return {canonical: 'None', notes: 0};
  const decoded = decodeRowExact(line.text);
  return decoded.ok ? {canonical: canonical(decoded.row), notes: decoded.notes?.length ?? 0} : {canonical: 'None', notes: 0};
}

if (oracleMissing) console.warn(`[skip] reference comparisons in decode-row: ${oracleMissing}`);

const scratch = mkdtempSync(join(scratchRoot(), 'kpi-decode-row-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** The reference's own `_download_session` on each file, loaded through the oracle's stub. */
function referenceSessions(files: Uint8Array[]): string[] {
  const dir = mkdtempSync(join(scratch, 'files-'));
  files.forEach((file, i) => writeFileSync(join(dir, `${i}.jsonl`), file));
  const code = `${PY_CANONICAL}
import logging
logging.disable(logging.CRITICAL)
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(REFERENCE_DIR)})
import kpi_oracle
reference = kpi_oracle.load_reference()
d, n = json.load(sys.stdin)
kpi_oracle.Hub.source_dir = d
out = []
for i in range(n):
    session = reference._download_session('local/sessions', '%d.jsonl' % i, 'oracle-token')
    out.append('None' if session is None else enc(session))
print(json.dumps(out))
`;
  return python(code, [dir, files.length]);
}

describe('decodeRowExact', () => {
  it('decodes messages, events and tools strings and leaves other fields alone', () => {
    const decoded = row('{"events": "[{\\"a\\": 1}]", "messages": "[]", "tools": "NaN", "x": "[1]"}');
    expect(decoded.events).toEqual([{a: 1n}]);
    expect(decoded.messages).toEqual([]);
    expect(decoded.tools).toBeNaN();
    expect(decoded.x).toBe('[1]');
  });

  it('keeps fields that are already lists (or anything but strings) as they are', () => {
    expect(row('{"events": [{"a": 1}], "messages": 5, "tools": null}')).toEqual({events: [{a: 1n}], messages: 5n, tools: null});
  });

  it('replaces a string that does not decode by [] and says why', () => {
    const decoded = decodeRowExact('{"events": "[{", "tools": "\\ufeff[]"}');
    expect(decoded).toMatchObject({ok: true, row: {events: [], tools: []}});
    expect(decoded.ok && decoded.notes?.length).toBe(2);
    expect(decoded.ok && decoded.notes?.[0]).toMatch(/^events string is not valid JSON/);
  });

  it('adds no notes when every string decodes', () => {
    expect(decodeRowExact('{"events": "[]"}')).toEqual({ok: true, row: {events: []}});
  });

  it('decodes the value that wins a duplicate key', () => {
    expect(row('{"events": [1], "events": "[2]"}').events).toEqual([2n]);
    expect(row('{"events": "[1]", "events": [2]}').events).toEqual([2n]);
  });

  it('returns {} as ok: the caller skips it as falsy', () => {
    expect(decodeRowExact('{}')).toEqual({ok: true, row: {}});
  });

  it('refuses an empty line, invalid JSON and rows that are not objects', () => {
    for (const text of ['', '{"a": 1', '\ufeff{}', '[{}]', '"{}"', '1', 'null']) expect(decodeRowExact(text).ok).toBe(false);
  });

  it(`turns events nested past ${PY_JSON_MAX_DEPTH} levels into [] and skips a row nested past it`, () => {
    const rng = new Rng(3);
    const events = (depth: number) => jsonStringLiteral('[{"data": ' + nested(rng, depth - 2, '1') + '}]', false);
    expect(row(`{"events": ${events(PY_JSON_MAX_DEPTH)}}`).events).not.toEqual([]);
    expect(row(`{"events": ${events(PY_JSON_MAX_DEPTH + 1)}}`).events).toEqual([]);
    expect(decodeRowExact(`{"x": ${nested(rng, PY_JSON_MAX_DEPTH - 1, '1')}}`).ok).toBe(true);
    expect(decodeRowExact(`{"x": ${nested(rng, PY_JSON_MAX_DEPTH, '1')}}`).ok).toBe(false);
  });
});

describe.skipIf(oracleMissing)('session files against the reference _download_session', () => {
  it('gives the same row, or the same skip, for 2000 generated files', () => {
    const rng = new Rng(424);
    const files = Array.from({length: 2000}, () => {
      const line = Buffer.from(rowText(rng), 'utf8');
      return rng.chance(0.7) ? Uint8Array.from(line) : fileBytes(rng, line);
    });
    const expected = referenceSessions(files);
    const ours = files.map(ourSession);
    const diffs = files.flatMap((file, i) =>
      ours[i].canonical === expected[i]
        ? []
        : [{i, head: Buffer.from(file.subarray(0, 300)).toString('latin1'), ours: ours[i].canonical.slice(0, 300), reference: expected[i].slice(0, 300)}],
    );
    expect(diffs.slice(0, 3)).toEqual([]);
    // Enough of each outcome: skipped files, rows, and rows with a field replaced by [].
    expect(expected.filter(e => e === 'None').length).toBeGreaterThan(300);
    expect(expected.filter(e => e.startsWith('{')).length).toBeGreaterThan(900);
    expect(ours.filter(o => o.notes > 0).length).toBeGreaterThan(300);
  });
});

/**
 * Four files around the depth limit, each marked by one event type, through the oracle: which
 * ones the reference reads shows in the CSV columns.
 */
describe.skipIf(oracleMissing)(`the reference's nesting limit is PY_JSON_MAX_DEPTH (${PY_JSON_MAX_DEPTH})`, () => {
  const rng = new Rng(1497);
  const event = (type: string, data: string) => `{"event_type": "${type}", "timestamp": "2026-04-24T10:00:00", "data": ${data}}`;
  // List (1) + event (2) + data chain: the deepest container is at depth 2 + chain.
  const deepEvents = (type: string, depth: number) => jsonStringLiteral('[' + event(type, nested(rng, depth - 2, '1')) + ']', false);
  const rows = {
    eventsAtLimit: `{"session_id": "a", "events": ${deepEvents('llm_call', PY_JSON_MAX_DEPTH)}}`,
    eventsPastLimit: `{"session_id": "b", "events": ${deepEvents('error', PY_JSON_MAX_DEPTH + 1)}}`,
    rowAtLimit: `{"session_id": "c", "deep": ${oneLine(nested(rng, PY_JSON_MAX_DEPTH - 1, '1'))}, "events": ${jsonStringLiteral('[' + event('feedback', '{"rating": "up"}') + ']', false)}}`,
    rowPastLimit: `{"session_id": "d", "deep": ${oneLine(nested(rng, PY_JSON_MAX_DEPTH, '1'))}, "events": ${jsonStringLiteral('[' + event('feedback', '{"rating": "down"}') + ']', false)}}`,
  };

  /** What the four rows add up to, from our decoding: sessions read and the marked events. */
  function ourCounts(hourly: boolean) {
    const decoded = Object.values(rows).map(decodeRowExact).flatMap(d => (d.ok ? [d.row] : []));
    const events = decoded.flatMap(r => (Array.isArray(r.events) ? (r.events as PyValue[]) : []));
    const has = (type: string, rating?: string) =>
      events.filter(e => isDict(e) && e.event_type === type && (rating === undefined || (isDict(e.data) && e.data.rating === rating))).length;
    return {
      sessions: String(hourly ? decoded.filter(r => Array.isArray(r.events) && r.events.length > 0).length : decoded.length),
      llm_calls: String(has('llm_call')),
      failure_rate: has('error') ? '1.0' : '0.0',
      thumbs_up: String(has('feedback', 'up')),
      thumbs_down: String(has('feedback', 'down')),
    };
  }

  function csvCounts(path: string) {
    const [header, values] = readFileSync(path, 'utf8').trim().split('\n').map(l => l.split(','));
    const row = Object.fromEntries(header.map((h, i) => [h, values[i]]));
    return {sessions: row.sessions, llm_calls: row.llm_calls, failure_rate: row.failure_rate, thumbs_up: row.thumbs_up, thumbs_down: row.thumbs_down};
  }

  const env = {...process.env, PYTHONUTF8: '1'};

  it('in a daily backfill over folder files', () => {
    const dir = mkdtempSync(join(scratch, 'depth-'));
    mkdirSync(join(dir, 'src', 'sessions', '2026-04-24'), {recursive: true});
    for (const [name, text] of Object.entries(rows)) writeFileSync(join(dir, 'src', 'sessions', '2026-04-24', `${name}.jsonl`), text);
    execFileSync(PYTHON, [ORACLE, '--source-dir', join(dir, 'src'), '--out-dir', join(dir, 'out'), '--daily-backfill', '2026-04-24'], {env});
    const counts = csvCounts(join(dir, 'out', 'daily', '2026-04-24.csv'));
    expect(counts).toEqual({sessions: '3', llm_calls: '1', failure_rate: '0.0', thumbs_up: '1', thumbs_down: '0'});
    expect(ourCounts(false)).toEqual(counts);
  });

  it('with rows on stdin', () => {
    const dir = mkdtempSync(join(scratch, 'depth-stdin-'));
    const input = Object.values(rows).map(r => r + '\n').join('');
    execFileSync(PYTHON, [ORACLE, '--stdin', '--out-dir', join(dir, 'out'), '--datetime', '2026-04-24T10'], {env, input});
    const counts = csvCounts(join(dir, 'out', 'hourly', '2026-04-24', '10.csv'));
    expect(counts).toEqual({sessions: '2', llm_calls: '1', failure_rate: '0.0', thumbs_up: '1', thumbs_down: '0'});
    expect(ourCounts(true)).toEqual(counts);
  });
});
