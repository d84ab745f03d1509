import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {normalizeHubOptions} from '../../src/hub/config.js';
import {readSession, type ReadSessionOptions} from '../../src/session/read.js';
import {corpusEntries} from '../../tools/corpus/corpus.js';
import type {BucketPlan} from '../../src/buckets.js';
import type {SessionResult} from '../../src/types.js';
import {Rng} from '../parse/generate.js';
import {sessionFile} from '../parse/session-files.js';
import {startHubServer} from '../support/hub-server.js';
import {comparableResult as comparable} from '../support/session-result.js';
import {compiled, stateOf} from '../../src/metrics/schema.js';
import {gpuHours, users} from '../../src/metrics/stats.js';

const v1 = compiled('v1');

/**
 * Warnings as `code: message` up to the first value it shows: how a value is shown depends on the
 * parser that read it (JSON.parse or the exact one), and the paths word a decoder's reason differently.
 */
function warnings(result: SessionResult): string[] {
  return result.warnings.map(w => `${w.code}: ${w.message.split(/[[{"\d(-]/)[0]}`);
}

async function bothPaths(bytes: Uint8Array, plan: BucketPlan) {
  const input = {seq: 0, name: 'x.jsonl', folder: null, ref: {kind: 'bytes' as const, bytes}};
  const options: ReadSessionOptions = {plan, allowed: null};
  const whole = await readSession(input, {...options, streamAbove: Infinity});
  const streamed = await readSession(input, {...options, streamAbove: 0});
  return {whole, streamed};
}

async function expectSamePaths(name: string, bytes: Uint8Array, plan: BucketPlan): Promise<void> {
  const {whole, streamed} = await bothPaths(bytes, plan);
  expect(comparable(streamed), name).toEqual(comparable(whole));
  // Streaming may warn about events a later `reset` voids, and never decodes `tools`.
  const streamedWarnings = new Set(warnings(streamed));
  for (const w of warnings(whole)) if (!w.includes("tools string")) expect(streamedWarnings, `${name}: ${JSON.stringify([...streamedWarnings])}`).toContain(w);
}

const PLANS: BucketPlan[] = [{kind: 'touched'}, {kind: 'daily', day: '2026-04-20'}];

describe('readSession', () => {
  it('gives the same result streamed (threshold 0) as whole, on generated rows', async () => {
    const rng = new Rng(777);
    for (let n = 0; n < 300; n++) {
      await expectSamePaths(`row ${n}`, sessionFile(rng), rng.pick(PLANS));
    }
  });

  it('gives the same result streamed as whole, on the nasty corpus', async () => {
    for (const entry of corpusEntries({seed: 11, profile: 'nasty', days: 2, sessionsPerDay: 15, sizeScale: 0.05})) {
      const bytes = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
      for (const plan of PLANS) await expectSamePaths(entry.path, bytes, plan);
    }
  });
  const scratch = mkdtempSync(join(tmpdir(), 'kpi-session-'));
  afterAll(() => rmSync(scratch, {recursive: true, force: true}));

  /** A row JSON.parse cannot fully serve: a numeric flavor and an int source ask for the exact parser. */
  const exactRow = JSON.stringify({
    session_id: 's',
    user_id: 'BIG',
    session_start_time: '2026-04-20T10:00:00',
    messages: JSON.stringify([{role: 'user'}]),
    events: JSON.stringify([
      {event_type: 'tool_call', timestamp: '2026-04-20T10:00:01'},
      {event_type: 'hf_job_complete', timestamp: '2026-04-20T10:00:02', data: {flavor: 5, wall_time_s: 7.5, final_status: 'completed'}},
      {event_type: 'pro_cta_click', timestamp: '2026-04-20T10:00:03', data: {source: 2}},
    ]),
  }).replace('"BIG"', '123456789012345678901234567890');

  it('parses a streamed local file again, exactly, when a KPI needs it', async () => {
    const dir = join(scratch, 'local');
    mkdirSync(join(dir, 'sessions', '2026-04-20'), {recursive: true});
    writeFileSync(join(dir, 'sessions', '2026-04-20', 'a.jsonl'), exactRow);
    const input = {seq: 0, name: 'a', folder: '2026-04-20', ref: {kind: 'local' as const, dir, path: 'sessions/2026-04-20/a.jsonl'}};
    const options = {plan: {kind: 'daily', day: '2026-04-20'} as BucketPlan, allowed: null};
    const whole = await readSession(input, {...options, streamAbove: Infinity});
    const streamed = await readSession(input, {...options, streamAbove: 0});
    expect(stateOf(v1, whole.contributions[0], gpuHours).size).toBe(1);
    expect(stateOf(v1, whole.contributions[0], users)).toBe('n123456789012345678901234567890');
    expect(streamed).toEqual(whole);
    expect(streamed.bytes).toBe(Buffer.byteLength(exactRow));
  });

  it('raises KPI_INPUT_UNREADABLE for a streamed local file that cannot be read', async () => {
    const dir = join(scratch, 'unreadable');
    mkdirSync(join(dir, 'sessions', '2026-04-20', 'd.jsonl'), {recursive: true});
    const input = {seq: 0, name: 'd', folder: '2026-04-20', ref: {kind: 'local' as const, dir, path: 'sessions/2026-04-20/d.jsonl'}};
    await expect(readSession(input, {plan: {kind: 'touched'}, allowed: null, streamAbove: 0})).rejects.toMatchObject({code: 'KPI_INPUT_UNREADABLE'});
  });

  it('streams a Hub download past the threshold, and reads it again for the exact parse', async () => {
    const path = 'sessions/2026-04-20/h.jsonl';
    const server = await startHubServer({token: 'hf_test', repos: {'acme/sessions': {files: new Map([[path, Buffer.from(exactRow)]])}}});
    try {
      const ref = {kind: 'hub' as const, repo: 'acme/sessions', path, hub: normalizeHubOptions({hubUrl: server.url, token: 'hf_test', retries: 0})};
      const input = {seq: 0, name: path, folder: '2026-04-20', ref};
      const options = {plan: {kind: 'daily', day: '2026-04-20'} as BucketPlan, allowed: null};
      const whole = await readSession(input, {...options, streamAbove: Infinity});
      for (const streamAbove of [0, 10, exactRow.length - 1]) expect(await readSession(input, {...options, streamAbove})).toEqual(whole);
    } finally {
      await server.close();
    }
  });
});
