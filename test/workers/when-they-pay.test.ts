import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {hourStart, type BucketPlan} from '../../src/buckets.js';
import {generateCorpus, type CorpusInfo} from '../../tools/corpus/corpus.js';
import {readSession} from '../../src/session/read.js';
import {parseIsoDateTime} from '../../src/time/iso.js';
import type {SessionInput, SessionResult} from '../../src/types.js';
import {workersWhenTheyPay} from '../../src/workers/when-they-pay.js';
import type {SessionReader} from '../../src/session/read.js';

let dir: string;
let corpus: CorpusInfo;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpi-pay-'));
  corpus = generateCorpus(dir, {seed: 5, profile: 'realistic', days: 2, sessionsPerDay: 10, sizeScale: 0.05});
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const inputs = (): SessionInput[] => corpus.files.map((f, seq) => ({seq, name: f.path, folder: f.path.split('/')[1]!, ref: {kind: 'local', dir, path: f.path}}));
const hours = (from: string, count: number): BucketPlan => {
  const {base, offsetMicros} = hourStart(parseIsoDateTime(from)!);
  return {kind: 'hourly', base, offsetMicros, indices: Array.from({length: count}, (_, i) => i)};
};

/** A stand-in pool: readSession, counting what it is handed. */
function fakePool() {
  const handed: string[] = [];
  let started = 0;
  const startPool = (): SessionReader => {
    started++;
    return (input, options) => (handed.push(input.name), readSession(input, options));
  };
  return {startPool, handed, started: () => started};
}

/** Every input read in order; each may reach every requested hour (the prefilter needs a set). */
async function readAll(reader: SessionReader, plan: BucketPlan): Promise<SessionResult[]> {
  const allowed = plan.kind === 'hourly' ? new Set(plan.indices) : null;
  const out: SessionResult[] = [];
  for (const input of inputs()) out.push(await reader(input, {plan, allowed}));
  return out;
}

describe('workersWhenTheyPay', () => {
  it('starts no pool while the bytes parsed stay under the bound', async () => {
    const pool = fakePool();
    const plan = hours(`${corpus.days[1]}T14`, 1);
    const results = await readAll(workersWhenTheyPay({startPool: pool.startPool, prefilter: true, workersAfterBytes: 1e12}), plan);
    expect(pool.started()).toBe(0);
    expect(results.map(r => r.contributions)).toEqual((await readAll(readSession, plan)).map(r => r.contributions));
  });

  it('starts the pool once, at the first input after the bytes parsed reach the bound, and hands it every later input', async () => {
    const pool = fakePool();
    const plan = hours(`${corpus.days[0]}T00`, 48);
    const all = inputs();
    const bound = all.slice(0, 3).reduce((sum, input) => sum + (input.ref.kind === 'local' ? corpus.files[input.seq]!.bytes : 0), 0);
    const results = await readAll(workersWhenTheyPay({startPool: pool.startPool, prefilter: false, workersAfterBytes: bound}), plan);
    expect(pool.started()).toBe(1);
    expect(pool.handed).toEqual(all.slice(3).map(i => i.name));
    expect(results).toEqual(await readAll(readSession, plan));
  });

  it('counts only the files that pass the prefilter', async () => {
    const pool = fakePool();
    // An hour with no session: every file fails the prefilter, nothing is parsed.
    const plan = hours('2030-01-01T00', 1);
    const results = await readAll(workersWhenTheyPay({startPool: pool.startPool, prefilter: true, workersAfterBytes: 1}), plan);
    expect(pool.started()).toBe(0);
    expect(results.every(r => r.contributions.length === 0 && r.bytes > 0)).toBe(true);
    // Without the prefilter the first file parsed reaches the bound: the pool parses the second.
    await readAll(workersWhenTheyPay({startPool: pool.startPool, prefilter: false, workersAfterBytes: 1}), plan);
    expect(pool.started()).toBe(1);
    expect(pool.handed).toEqual(inputs().slice(1).map(i => i.name));
  });

  it('starts no pool when the bound is reached but only files the prefilter rules out come after', async () => {
    const pool = fakePool();
    const plan = hours(`${corpus.days[1]}T14`, 1);
    const reader = workersWhenTheyPay({startPool: pool.startPool, prefilter: true, workersAfterBytes: 1});
    const all = inputs();
    // A file that reaches the hour is parsed here and reaches the bound...
    const passes = (await readAll(readSession, plan)).findIndex(r => r.contributions.length > 0);
    expect(passes).toBeGreaterThanOrEqual(0);
    expect((await reader(all[passes]!, {plan, allowed: new Set([0])})).contributions.length).toBeGreaterThan(0);
    expect(pool.started()).toBe(0);
    // ...then a file that cannot reach it: ruled out here, no pool.
    const later = hours('2030-01-01T00', 1);
    await reader(all.at(-1)!, {plan: later, allowed: new Set([0])});
    expect(pool.started()).toBe(0);
    // The next file that needs parsing starts it.
    await reader(all[passes]!, {plan, allowed: new Set([0])});
    expect(pool.started()).toBe(1);
  });
});
