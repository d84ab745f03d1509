import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {AuditTrail, inputStatus} from '../src/audit.js';
import type {SessionResult} from '../src/types.js';
import {scratchDir} from './support/scratch-dir.js';

const scratch = scratchDir('audit');

const result = (extra: Partial<SessionResult> = {}): SessionResult => ({
  seq: 0, name: 'sessions/2026-04-21/ab.jsonl', bytes: 5120, events: 3, contributions: [], warnings: [], ...extra,
});

const lines = (file: string) => readFileSync(file, 'utf8').split('\n');

describe('inputStatus', () => {
  it.each([
    [{}, {status: 'read'}],
    [{cached: true}, {status: 'cached'}],
    [{ruledOut: true}, {status: 'ruled-out', reason: 'no timestamp in the requested hours (hour prefilter); not parsed'}],
    [{skipped: 'row is not a JSON object'}, {status: 'skipped', reason: 'row is not a JSON object'}],
    [{failed: 'cannot download'}, {status: 'failed', reason: 'cannot download'}],
  ])('%o is %o', (extra, expected) => {
    expect(inputStatus(result(extra))).toEqual(expected);
  });

  it('puts failed before skipped, skipped before ruled out, ruled out before cached', () => {
    expect(inputStatus(result({failed: 'f', skipped: 's', ruledOut: true, cached: true})).status).toBe('failed');
    expect(inputStatus(result({skipped: 's', ruledOut: true, cached: true})).status).toBe('skipped');
    expect(inputStatus(result({ruledOut: true, cached: true})).status).toBe('ruled-out');
  });
});

describe('AuditTrail', () => {
  const bucket = {bucket: '2026-04-21T14', file: 'hourly/2026-04-21/14.csv', rows: 1, sessions: 3, written: true, committed: false, unchanged: true};

  it('writes one JSON line per input in the order given, then one per bucket, whatever order they came in', async () => {
    const file = join(scratch, 'report.jsonl');
    const trail = new AuditTrail(file);
    trail.bucket(bucket);
    trail.input(result({warnings: [{code: 'value_coerced', file: 'sessions/2026-04-21/ab.jsonl', message: 'x is not an integer'}]}));
    trail.input(result({name: 'sessions/2026-04-21/cd.jsonl', bytes: 2807, skipped: 'row is not a JSON object'}));
    await trail.write();
    expect(lines(file)).toEqual([
      '{"kind":"input","path":"sessions/2026-04-21/ab.jsonl","bytes":5120,"status":"read","warnings":[{"code":"value_coerced","message":"x is not an integer"}]}',
      '{"kind":"input","path":"sessions/2026-04-21/cd.jsonl","bytes":2807,"status":"skipped","reason":"row is not a JSON object","warnings":[]}',
      '{"kind":"bucket","bucket":"2026-04-21T14","file":"hourly/2026-04-21/14.csv","rows":1,"sessions":3,"written":true,"committed":false,"unchanged":true}',
      '',
    ]);
  });

  it('replaces an earlier report, and leaves no temp file beside it', async () => {
    const dir = join(scratch, 'replace');
    mkdirSync(dir);
    const file = join(dir, 'report.jsonl');
    writeFileSync(file, 'an earlier run\n'.repeat(100));
    const trail = new AuditTrail(file);
    trail.input(result());
    await trail.write();
    expect(lines(file)).toHaveLength(2);
    expect(readdirSync(dir)).toEqual(['report.jsonl']);
  });

  it('writes an empty file for a run with neither inputs nor buckets', async () => {
    const file = join(scratch, 'empty.jsonl');
    await new AuditTrail(file).write();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('raises KPI_OUTPUT_FAILED naming the report when it cannot be written, and leaves no temp file', async () => {
    const missing = join(scratch, 'no-such-folder', 'report.jsonl');
    await expect(new AuditTrail(missing).write()).rejects.toMatchObject({code: 'KPI_OUTPUT_FAILED', message: expect.stringContaining(`cannot write the report ${missing}`)});
    const dir = join(scratch, 'folder-in-the-way');
    mkdirSync(join(dir, 'report.jsonl'), {recursive: true});
    await expect(new AuditTrail(join(dir, 'report.jsonl')).write()).rejects.toMatchObject({code: 'KPI_OUTPUT_FAILED'});
    expect(readdirSync(dir)).toEqual(['report.jsonl']);
  });
});
