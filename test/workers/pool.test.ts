import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {hourStart, type BucketPlan} from '../../src/buckets.js';
import {generateCorpus, type CorpusInfo} from '../../tools/corpus/corpus.js';
import {KpiError} from '../../src/errors.js';
import {runPipeline} from '../../src/pipeline.js';
import {Reporter} from '../../src/reporter.js';
import {readSession} from '../../src/session/read.js';
import {parseIsoDateTime} from '../../src/time/iso.js';
import type {SessionInput} from '../../src/types.js';
import {prewarmSessionWorkers, SessionPool} from '../../src/workers/pool.js';
import {hubConnection, normalizeHubOptions, type RetryInfo} from '../../src/hub/config.js';
import {startHubServer} from '../support/hub-server.js';
import {TOKEN} from '../hub/setup.js';

// The pool starts dist/src/workers/session-worker.js: `npm test` builds first.

let dir: string;
let corpus: CorpusInfo;
let plan: BucketPlan;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kpi-pool-'));
  // The nasty profile: planted quirks, exact re-parses, bigints, warnings, skipped files.
  corpus = generateCorpus(dir, {seed: 11, profile: 'nasty', days: 3, sessionsPerDay: 6, sizeScale: 0.02});
  const {base, offsetMicros} = hourStart(parseIsoDateTime(`${corpus.days[0]}T00`)!);
  plan = {kind: 'hourly', base, offsetMicros, indices: Array.from({length: 24 * corpus.days.length}, (_, i) => i)};
});

afterAll(() => rmSync(dir, {recursive: true, force: true}));

const inputs = (): SessionInput[] =>
  corpus.files.map((f, seq) => ({seq, name: f.path, folder: f.path.split('/')[1]!, ref: {kind: 'local', dir, path: f.path}}));

describe('SessionPool', () => {
  it('adopts workers started early, and stops those it does not need when it closes', async () => {
    prewarmSessionWorkers(3);
    const pool = new SessionPool({threads: 2});
    try {
      const options = {plan, allowed: null};
      const results = await Promise.all(inputs().map(input => pool.read(input, options)));
      for (const [i, input] of inputs().entries()) expect(results[i]).toEqual(await readSession(input, options));
      expect(pool.stats()).toMatchObject({workers: 2, adopted: 2});
    } finally {
      await pool.close();
    }
    // The third was stopped: a new pool starts its own.
    const next = new SessionPool({threads: 1});
    try {
      await next.read(inputs()[0]!, {plan, allowed: null});
      expect(next.stats()).toMatchObject({workers: 1, adopted: 0});
    } finally {
      await next.close();
    }
  });

  it('gives the same SessionResult as readSession in this thread, for every file', async () => {
    const pool = new SessionPool({threads: 2});
    try {
      for (const input of inputs()) {
        const options = {plan, allowed: null};
        expect(await pool.read(input, options)).toEqual(await readSession(input, options));
      }
      expect(pool.stats().workers).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.close();
    }
  });

  it('reads bytes refs (stdin rows) copied out of a larger buffer', async () => {
    const pool = new SessionPool({threads: 1});
    try {
      const file = corpus.files.find(f => f.kind === 'session')!;
      const bytes = readFileSync(join(dir, file.path));
      const big = Buffer.concat([Buffer.from('padding\n'), bytes, Buffer.from('\nmore')]);
      const input: SessionInput = {seq: 0, name: 'stdin:1', folder: null, ref: {kind: 'bytes', bytes: big.subarray(8, 8 + bytes.length)}};
      const options = {plan, allowed: null};
      expect(await pool.read(input, options)).toEqual(await readSession(input, options));
      expect(big.subarray(0, 7).toString()).toBe('padding'); // the caller's buffer is left alone
    } finally {
      await pool.close();
    }
  });

  it('rejects with KPI_INPUT_UNREADABLE, as a KpiError, when the file cannot be read', async () => {
    const pool = new SessionPool({threads: 1});
    try {
      const error = await pool.read({seq: 0, name: 'gone', folder: null, ref: {kind: 'local', dir, path: 'sessions/none.jsonl'}}, {plan, allowed: null}).catch(e => e);
      expect(error).toBeInstanceOf(KpiError);
      expect((error as KpiError).code).toBe('KPI_INPUT_UNREADABLE');
    } finally {
      await pool.close();
    }
  });

  it('starts no more workers than threads, and none before the first read', async () => {
    const pool = new SessionPool({threads: 2});
    expect(pool.stats().workers).toBe(0);
    try {
      await Promise.all(inputs().map(input => pool.read(input, {plan, allowed: null})));
      expect(pool.stats().workers).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('raises KPI_OPTION_INVALID for threads 0', () => {
    expect(() => new SessionPool({threads: 0})).toThrow(/threads/);
  });
});

describe('runPipeline with a pool reader', () => {
  it('writes the same rows as the in-thread reader', async () => {
    const run = async (reader?: SessionPool) => {
      const reporter = new Reporter({format: 'text', write: () => {}});
      async function* all() {
        yield* inputs();
      }
      const result = await runPipeline({plan, inputs: all(), allowedFor: () => null, concurrency: 4, reporter, reader: reader?.read});
      return {rows: result.rows, counts: reporter.counts};
    };
    const pool = new SessionPool({threads: 2});
    try {
      const pooled = await run(pool);
      expect(pooled.rows.length).toBeGreaterThan(0);
      expect(pooled).toEqual(await run());
    } finally {
      await pool.close();
    }
  });
});

describe('SessionPool with Hub inputs', () => {
  it('relays the retries of downloads in its workers, and stops them when the run is interrupted', async () => {
    const path = 'sessions/2026-04-24/a.jsonl';
    const files = new Map([[path, Buffer.from(JSON.stringify({session_id: 'a', events: '[]'}))]]);
    const server = await startHubServer({token: TOKEN, repos: {'acme/sessions': {files}}});
    const controller = new AbortController();
    const retries: RetryInfo[] = [];
    const pool = new SessionPool({threads: 1, onRetry: info => retries.push(info), signal: controller.signal});
    const input: SessionInput = {seq: 0, name: path, folder: '2026-04-24', ref: {kind: 'hub', repo: 'acme/sessions', path, hub: hubConnection(normalizeHubOptions({hubUrl: server.url, token: TOKEN, retries: 2, retryBaseMs: 1}))}};
    const options = {plan, allowed: null};
    try {
      server.inject({match: 'resolve', status: 503});
      expect((await pool.read(input, options)).bytes).toBe(files.get(path)!.length);
      expect(retries).toMatchObject([{attempt: 1, status: 503}]);
      expect(JSON.stringify(retries)).not.toContain(TOKEN);

      server.inject({match: 'resolve', delayMs: 20_000});
      const started = Date.now();
      const stopped = pool.read(input, options).catch((error: unknown) => error);
      setTimeout(() => controller.abort(), 200);
      const error = await stopped;
      expect(error).toBeInstanceOf(KpiError);
      expect((error as KpiError).code).toBe('KPI_INTERRUPTED');
      expect(Date.now() - started, 'stopped long before the answer came').toBeLessThan(10_000);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
