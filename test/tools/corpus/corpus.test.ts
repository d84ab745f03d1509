import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {corpusEntries, generateCorpus, hugeSession, stdinBytes, writeHugeSession, type CorpusOptions} from '../../../tools/corpus/corpus.js';
import {pyJsonDumps} from '../../../src/py/json-dumps.js';
import {diffTrees, readTree} from '../../support/oracle.js';
import {python, pythonMissing} from '../../support/python.js';

const scratch = mkdtempSync(join(tmpdir(), 'kpi-corpus-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));
let dirs = 0;
const freshDir = (): string => join(scratch, String(dirs++));

const SMALL: CorpusOptions = {seed: 5, days: 3, sessionsPerDay: 6, sizeScale: 0.02};

/** Python's view of each file: the row re-serialized, and what the double-encoded lists hold. */
const DECODE = `
import json, sys
out = []
for path in json.load(sys.stdin):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    row = json.loads(text)
    events = json.loads(row["events"]) if isinstance(row.get("events"), str) else None
    messages = json.loads(row["messages"]) if isinstance(row.get("messages"), str) else None
    out.append({
        "same_text": json.dumps(row) == text,
        "session_id": row.get("session_id"),
        "events": None if events is None else len(events),
        "messages": None if messages is None else len(messages),
        "start_day": (row.get("session_start_time") or "")[:10],
    })
print(json.dumps(out))
`;

interface Decoded {
  same_text: boolean;
  session_id: string;
  events: number | null;
  messages: number | null;
  start_day: string;
}

describe('generateCorpus', () => {
  it('writes the same bytes for the same options', () => {
    for (const profile of ['realistic', 'nasty'] as const) {
      const a = freshDir();
      const b = freshDir();
      generateCorpus(a, {...SMALL, profile});
      generateCorpus(b, {...SMALL, profile});
      expect(diffTrees(readTree(a), readTree(b))).toEqual([]);
    }
  });

  it('writes other bytes for another seed', () => {
    const a = [...corpusEntries({...SMALL, seed: 1})].map(e => e.data);
    const b = [...corpusEntries({...SMALL, seed: 2})].map(e => e.data);
    expect(a).not.toEqual(b);
  });

  it('ends session files without a newline, as the uploader writes them', () => {
    const dir = freshDir();
    const info = generateCorpus(dir, SMALL);
    expect(info.files.length).toBe(18);
    for (const file of info.files) {
      const bytes = readFileSync(join(dir, file.path));
      expect(bytes.length).toBe(file.bytes);
      expect(bytes[bytes.length - 1], file.path).not.toBe(0x0a);
      expect(file.path).toMatch(/^sessions\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.jsonl$/);
    }
  });

  it('keeps fixture-sized sessions at a few KB', () => {
    const sizes = [...corpusEntries({seed: 9, days: 2, sessionsPerDay: 40, sizeScale: 0.02})].map(e => e.data.length).sort((x, y) => x - y);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThan(1500);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeLessThan(12_000);
  });

  it('plants every kind of odd file in the nasty profile', () => {
    const kinds = new Set([...corpusEntries({...SMALL, profile: 'nasty'})].map(e => e.kind));
    for (const kind of ['bom', 'second-line', 'crlf', 'invalid-utf8-line1', 'subfolder', 'dot-jsonl', 'duplicate-keys-last', 'huge-int-row', 'events-array', 'year-edges']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('rejects bad options before writing anything', () => {
    expect(() => [...corpusEntries({seed: 1, days: 0})]).toThrow(/days must be an integer >= 1, got 0/);
    expect(() => [...corpusEntries({seed: -1})]).toThrow(/seed/);
    expect(() => [...corpusEntries({seed: 1, start: '2026-4-20'})]).toThrow(/start must be YYYY-MM-DD/);
    expect(() => [...corpusEntries({seed: 1, profile: 'odd' as 'nasty'})]).toThrow(/profile/);
  });

  it.skipIf(pythonMissing !== undefined)('writes rows that Python reads back as meant, in the folder of their start date', () => {
    for (const profile of ['realistic', 'nasty'] as const) {
      const dir = freshDir();
      const info = generateCorpus(dir, {...SMALL, profile});
      const rows = info.files.filter(f => f.events !== undefined);
      expect(rows.length).toBeGreaterThan(10);
      const decoded = python<Decoded[]>(DECODE, rows.map(f => join(dir, f.path)));
      rows.forEach((file, i) => {
        const got = decoded[i];
        expect(got.same_text, `${file.path}: json.dumps(json.loads(text)) == text`).toBe(true);
        expect({id: got.session_id, events: got.events, messages: got.messages}).toEqual({id: file.sessionId, events: file.events, messages: file.messages});
        if (file.kind === 'session' && profile === 'realistic') expect(file.path.split('/')[1]).toBe(got.start_day);
      });
    }
  });
});

describe('stdinBytes', () => {
  it('is what `LC_ALL=C awk 1 sessions/*/*.jsonl` prints', () => {
    const dir = freshDir();
    generateCorpus(dir, {...SMALL, profile: 'nasty'});
    const awk = spawnSync('bash', ['-c', 'cd "$1" && LC_ALL=C awk 1 sessions/*/*.jsonl', 'bash', dir], {maxBuffer: 1 << 30});
    expect(awk.status).toBe(0);
    expect(stdinBytes(dir).equals(awk.stdout)).toBe(true);
  });
});

describe('writeHugeSession', () => {
  it('streams exactly what pyJsonDumps writes for the same row', () => {
    for (const [target, seed] of [[250_000, 3], [1, 4]]) {
      const path = join(freshDir(), 'huge.jsonl');
      const written = writeHugeSession(path, target, seed);
      const huge = hugeSession(target, seed);
      const events = [...huge.events()];
      const expected = pyJsonDumps(huge.row(pyJsonDumps(events)));
      const actual = readFileSync(path, 'latin1');
      expect(actual.length).toBe(expected.length);
      expect(actual === expected).toBe(true);
      expect(written).toEqual({bytes: expected.length, events: events.length, sessionId: huge.sessionId});
    }
  });

  it('writes about the bytes asked for', () => {
    const path = join(freshDir(), 'huge.jsonl');
    const {bytes} = writeHugeSession(path, 3_000_000, 8);
    expect(bytes).toBeGreaterThan(3_000_000 * 0.95);
    expect(bytes).toBeLessThan(3_000_000 + 5_000_000); // one tool output may overshoot
  });

  it.skipIf(pythonMissing !== undefined)('writes a row Python decodes to its events', () => {
    const path = join(freshDir(), 'huge.jsonl');
    const {events, sessionId} = writeHugeSession(path, 400_000, 11);
    const [decoded] = python<Decoded[]>(DECODE, [path]);
    expect(decoded).toMatchObject({same_text: true, session_id: sessionId, events});
  });
});
