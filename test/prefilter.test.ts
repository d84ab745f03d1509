import {mkdtempSync, rmSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {hourStart, type BucketPlan} from '../src/buckets.js';
import {KpiError} from '../src/errors.js';
import {prefiltered} from '../src/prefilter.js';
import {readSession} from '../src/session.js';
import {parseIsoDateTime} from '../src/time/iso.js';
import type {SessionInput} from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'kpi-prefiltered-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const {base, offsetMicros} = hourStart(parseIsoDateTime('2026-04-25T14')!);
const plan: BucketPlan = {kind: 'hourly', base, offsetMicros, indices: [0]};
const options = {plan, allowed: new Set([0])};
const file = (name: string, timestamp: string): SessionInput => {
  mkdirSync(join(dir, 'sessions', '2026-04-25'), {recursive: true});
  const path = `sessions/2026-04-25/${name}`;
  writeFileSync(join(dir, path), JSON.stringify({session_id: name, events: JSON.stringify([{timestamp, event_type: 'tool_call', data: {}}])}));
  return {seq: 0, name: path, folder: '2026-04-25', ref: {kind: 'local', dir, path}};
};

describe('prefiltered', () => {
  const read = prefiltered();
  it('gives an empty result, with the file size, for a file that reaches no requested hour', async () => {
    const input = file('other-hour.jsonl', '2026-04-25T09:00:00');
    const result = await read(input, options);
    expect(result).toMatchObject({contributions: [], warnings: [], events: 0});
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.contributions).toEqual((await readSession(input, options)).contributions);
  });
  it('reads a file that may reach one exactly as readSession does', async () => {
    const input = file('in-hour.jsonl', '2026-04-25T14:30:00');
    const result = await read(input, options);
    expect(result.contributions).toHaveLength(1);
    expect(result).toEqual(await readSession(input, options));
  });
  it('raises KPI_INPUT_UNREADABLE for a missing file', async () => {
    const error = await read({seq: 0, name: 'gone', folder: null, ref: {kind: 'local', dir, path: 'sessions/none.jsonl'}}, options).catch(e => e);
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).code).toBe('KPI_INPUT_UNREADABLE');
  });
  it('leaves daily runs to the reader', async () => {
    const input = file('daily.jsonl', '2026-04-25T09:00:00');
    const daily = {plan: {kind: 'daily', day: '2026-04-25'} as BucketPlan, allowed: new Set([0])};
    expect(await read(input, daily)).toEqual(await readSession(input, daily));
  });
});
