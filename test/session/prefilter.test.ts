import {mkdtempSync, rmSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {hourStart, type BucketPlan} from '../../src/buckets.js';
import {KpiError} from '../../src/errors.js';
import {prefiltered} from '../../src/session/prefilter.js';
import {readSession} from '../../src/session/read.js';
import {parseIsoDateTime} from '../../src/time/iso.js';
import type {SessionInput} from '../../src/types.js';

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

  it('prefilters a file it would stream piece by piece, judging a timestamp across two pieces whole', async () => {
    // Pieces are 1 MiB: place the one in-hour timestamp so that it straddles the first boundary.
    const big = (name: string, timestamp: string, before = 2): SessionInput => {
      const path = `sessions/2026-04-25/${name}`;
      const event = (t: string, pad: number) => ({timestamp: t, event_type: 'tool_output', data: {output: 'x'.repeat(pad), success: true}});
      const text = (pad: number) => JSON.stringify({session_id: name, events: JSON.stringify([event('2026-04-25T09:00:00', pad), event(timestamp, 1 << 20)])});
      // Padding maps one to one into the file: move the timestamp to `before` bytes before the boundary.
      const pad = 1000 + (1 << 20) - before - text(1000).indexOf(timestamp);
      expect(text(pad).indexOf(timestamp)).toBe((1 << 20) - before);
      writeFileSync(join(dir, path), text(pad));
      return {seq: 0, name: path, folder: '2026-04-25', ref: {kind: 'local', dir, path}};
    };
    const streamed = {...options, streamAbove: 1024};
    const reaching = big('big-in-hour.jsonl', '2026-04-25T14:30:00');
    expect((await read(reaching, streamed)).contributions).toHaveLength(1);
    expect(await read(reaching, streamed)).toEqual(await readSession(reaching, streamed));
    const other = big('big-other-hour.jsonl', '2026-04-25T09:30:00');
    const result = await read(other, streamed);
    expect(result).toMatchObject({contributions: [], events: 0, ruledOut: true});
    expect(result.bytes).toBeGreaterThan(2 << 20);
    // Its opening `"YYYY` whole in the first piece, its date and closing quote not: judged whole in
    // the second piece, so ruled out rather than parsed for nothing.
    const cut = big('big-other-hour-cut.jsonl', '2026-04-25T09:30:00', 8);
    expect(await read(cut, streamed)).toMatchObject({contributions: [], events: 0, ruledOut: true});
    const cutReaching = big('big-in-hour-cut.jsonl', '2026-04-25T14:30:00', 8);
    expect(await read(cutReaching, streamed)).toEqual(await readSession(cutReaching, streamed));
    expect((await read(cutReaching, streamed)).contributions).toHaveLength(1);
  });
});
