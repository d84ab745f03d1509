import pLimit from 'p-limit';
import type {AuditTrail} from './audit.js';
import {bucketAt, type BucketPlan} from './buckets.js';
import {KpiError} from './errors.js';
import {inCanonicalOrder, KeyedAccumulator, type BucketTotals} from './metrics/accumulator.js';
import type {Progress} from './progress.js';
import type {Reporter} from './reporter.js';
import {readSession} from './session/read.js';
import {prefiltered} from './session/prefilter.js';
import {SessionPool} from './workers/pool.js';
import {workersWhenTheyPay} from './workers/when-they-pay.js';
import {cachedReader} from './cache/cached-reader.js';
import type {ResultCache} from './cache/result-cache.js';
import {toCsv} from './sinks/csv.js';
import {compiled} from './metrics/schema.js';
import {DEFAULT_SCHEMA, type SchemaName} from './metrics/catalog.js';
import type {Bucket, OutputFile, SessionInput, SessionResult} from './types.js';
import type {SessionReader} from './session/read.js';
import type {DownloadHooks} from './sources/open-input.js';

export interface PipelineOptions {
  plan: BucketPlan;
  /** The KPI columns to compute. Default v1, the reference's. */
  schema?: SchemaName;
  /** Session inputs in canonical order (their `seq` is 0, 1, 2, ...). */
  inputs: AsyncIterable<SessionInput>;
  /** Bucket indices an input may reach (the folder rule), or null for any. */
  allowedFor(input: SessionInput): ReadonlySet<number> | null;
  /** How many inputs are read at once. */
  concurrency: number;
  reporter: Reporter;
  /** Live progress (a terminal only). */
  progress?: Progress;
  /** Number of inputs, when known up front (for the progress line). */
  total?: number | null;
  signal?: AbortSignal;
  /** Reads one session; given, it replaces the reader built from the four options below. */
  reader?: SessionReader;
  /**
   * Worker threads that parse sessions. Default 1: every session is parsed in this thread. With
   * more, they start once this thread has parsed `workersAfterBytes` (see workersWhenTheyPay).
   */
  threads?: number;
  /** Sessions each worker reads at once: more than 1 only pays when reads wait on the network. Default 1. */
  perWorker?: number;
  /** Bytes parsed in this thread before the workers start; 0 starts them at once. */
  workersAfterBytes?: number;
  /** Skip parsing the files that cannot reach a requested hour (see session/prefilter.ts). Default false. */
  prefilter?: boolean;
  /** Keeps each file's result: a file the cache holds is not read again (the prefilter is then off, see cachedReader). */
  cache?: ResultCache;
  /** Retry reports and interrupt for Hub downloads. */
  hub?: DownloadHooks;
  /** Told what became of each input (`--report`). */
  audit?: AuditTrail;
}

/** One bucket's finished totals: the numbers its KPI row is computed from (and its CSV row). */
export interface BucketRow {
  index: number;
  bucket: Bucket;
  totals: BucketTotals;
  /** Its CSV row: the bucket key, then each column's cell as Python prints it. */
  cells: string[];
}

export interface PipelineResult {
  /** The CSV header: `bucket` and the schema's columns. */
  header: readonly string[];
  /** Complete buckets, in time order. */
  rows: BucketRow[];
  /** Inputs that could not be read (after retries); their buckets are left out of `rows`. */
  failed: Array<{name: string; reason: string}>;
  /** Buckets left out because an input they needed could not be read. */
  incomplete: Bucket[];
}

/**
 * The one place the stages are wired: inputs are read at most `concurrency` at a time (by worker
 * threads when they pay, see sessionReader), each session goes through parse -> window -> metrics
 * (see readSession), and results are folded into
 * the keyed accumulator in canonical order, so the bytes never depend on which read finishes first.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const {plan, reporter} = options;
  const schemaName = options.schema ?? DEFAULT_SCHEMA;
  const schema = compiled(schemaName);
  const accumulator = new KeyedAccumulator(schema);
  const failed: PipelineResult['failed'] = [];
  const incompleteIndices = new Set<number>();
  let anyIndex = false; // a stdin row failed: every bucket is suspect

  let filesDone = 0;
  const fold = inCanonicalOrder((result: SessionResult) => {
    reporter.counts.bytes += result.bytes;
    options.audit?.input(result);
    if (result.ruledOut) reporter.counts.filesRuledOut++;
    options.progress?.update({filesDone: ++filesDone, total: options.total ?? null, bytes: reporter.counts.bytes, events: reporter.counts.events});
    if (result.failed !== undefined) {
      reporter.counts.filesFailed++;
      reporter.error(`${result.name}: could not be read: ${result.failed}`, {file: result.name});
      return;
    }
    if (result.skipped !== undefined) {
      reporter.skip(result.name, result.skipped);
      return;
    }
    reporter.counts.filesRead++;
    reporter.counts.events += result.events;
    for (const warning of result.warnings) reporter.warn(warning);
    if (result.contributions.length) reporter.counts.sessions++;
    for (const contribution of result.contributions) accumulator.fold(contribution);
  });

  const reading = options.reader ? {read: options.reader, hits: () => 0, close: async () => undefined} : sessionReader(options);
  try {
    await readAll(options, reading.read, fold, (input, allowed, reason) => {
      failed.push({name: input.name, reason});
      if (allowed) for (const index of allowed) incompleteIndices.add(index);
      else anyIndex = true;
    });
  } finally {
    await reading.close();
  }
  if (options.cache) reporter.counts.filesFromCache = reading.hits();

  const rows: BucketRow[] = [];
  const incompleteAt = new Set(incompleteIndices);
  for (const [index, totals] of accumulator.buckets()) {
    if (anyIndex) incompleteAt.add(index);
    else if (!incompleteAt.has(index)) {
      const bucket = bucketAt(plan, index);
      const cells = totals.cells((column, reason) =>
        reporter.warn({code: 'kpi_not_computable', file: `bucket ${bucket.key}`, message: `${column} cannot be computed (${reason}); its cell is left empty`}),
      );
      rows.push({index, bucket, totals, cells: [bucket.key, ...cells]});
    }
  }
  const incomplete = [...incompleteAt].sort((a, b) => a - b).map(index => bucketAt(plan, index));
  return {header: schema.header, rows, failed, incomplete};
}

/**
 * How sessions are read: in this thread, or by a worker pool once it pays; prefiltered; behind a
 * cache. `close` ends the pool, if one started.
 */
function sessionReader({threads = 1, perWorker = 1, workersAfterBytes, prefilter = false, cache, reporter, signal, hub}: PipelineOptions) {
  // A cached read must see the whole file, for every hour it can reach: no prefilter.
  const skipUnreachable = prefilter && !cache;
  let pool: SessionPool | undefined;
  const startPool = () => (pool = new SessionPool({threads, perWorker, prefilter: skipUnreachable, onRetry: hub?.onRetry, signal})).read;
  const read = threads > 1 ? workersWhenTheyPay({startPool, prefilter: skipUnreachable, workersAfterBytes}) : skipUnreachable ? prefiltered() : readSession;
  const cached = cache && cachedReader({cache, read, warn: w => reporter.warn(w)});
  return {read: cached?.read ?? read, hits: () => cached?.stats.hits ?? 0, close: async () => pool?.close()};
}

/**
 * Reads every input, `concurrency` at a time, and folds each result; an input that cannot be read
 * is folded as failed and told to `onFailed` with the buckets it may reach (null: any).
 */
async function readAll(
  options: PipelineOptions,
  read: SessionReader,
  fold: (result: SessionResult) => void,
  onFailed: (input: SessionInput, allowed: ReadonlySet<number> | null, reason: string) => void,
): Promise<void> {
  const {plan, reporter, signal} = options;
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const limit = pLimit(options.concurrency);
  const running = new Set<Promise<void>>();
  for await (const input of options.inputs) {
    if (signal?.aborted) break;
    reporter.counts.filesListed++;
    const allowed = options.allowedFor(input);
    const task = limit(async () => {
      if (signal?.aborted) return;
      try {
        fold(await read(input, {plan, schema, allowed, hub: options.hub}));
      } catch (error) {
        if (!(error instanceof KpiError) || error.code !== 'KPI_INPUT_UNREADABLE') throw error;
        onFailed(input, allowed, error.message);
        fold({seq: input.seq, name: input.name, bytes: 0, events: 0, failed: error.message, contributions: [], warnings: []});
      }
    });
    running.add(task);
    void task.finally(() => running.delete(task)).catch(() => {});
    // Bound what is queued, not just what runs: stdin can hold millions of rows.
    while (limit.pendingCount >= options.concurrency) await Promise.race(running);
  }
  await untilDoneOrAborted(Promise.all(running), signal);
  if (signal?.aborted) throw new KpiError('KPI_INTERRUPTED', 'interrupted: nothing was written or committed');
}

/** Waits for `work`, or stops waiting as soon as `signal` aborts (work still running is abandoned). */
function untilDoneOrAborted(work: Promise<unknown>, signal?: AbortSignal): Promise<unknown> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      // Nobody waits for the abandoned work any more: its failures must not go unhandled.
      work.catch(() => undefined);
      return resolve(undefined);
    }
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, {once: true});
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The files the reference would upload: one CSV per bucket at its path. */
export function outputFiles(header: readonly string[], rows: readonly BucketRow[]): OutputFile[] {
  return rows.map(r => ({path: r.bucket.path, content: toCsv([[...header], r.cells])}));
}

/** All rows as one CSV: the header once, then one line per bucket in time order (--stdout). */
export function combinedCsv(header: readonly string[], rows: readonly BucketRow[]): string {
  return toCsv([[...header], ...rows.map(r => r.cells)]);
}
