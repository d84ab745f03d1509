import {availableParallelism} from 'node:os';
import {Worker} from 'node:worker_threads';
import {KpiError, type KpiErrorCode} from '../errors.js';
import {wholeNumber} from '../options.js';
import type {ReadSessionOptions, SessionReader} from '../session/read.js';
import type {RetryInfo} from '../hub/config.js';
import type {SessionInput, SessionResult} from '../types.js';

export interface SessionPoolOptions {
  /** Worker threads at most. Default: the number of cores (`os.availableParallelism()`). */
  threads?: number;
  /**
   * Tasks a worker runs at once. Default 1: a worker then holds one session in memory (and the
   * descriptor of the next). More only helps when reading waits on the network (Hub inputs).
   */
  perWorker?: number;
  /** The worker script; default session-worker.js beside this module (compiled). */
  workerUrl?: URL;
  /**
   * Skip parsing files that cannot reach a requested hour (see session/prefilter.ts). Default true; off
   * for `--strict`, which must see every malformed file.
   */
  prefilter?: boolean;
  /** Told of each retry of a Hub download in a worker (workers post them to this thread). */
  onRetry?(info: RetryInfo): void;
  /** Aborting it stops the workers' downloads (they fail with KPI_INTERRUPTED). */
  signal?: AbortSignal;
}

/**
 * Tasks a worker holds beyond those it runs: the next one is already waiting in its port when one
 * ends, so it starts without a round trip through the main thread (a reply, then a dispatch).
 */
const QUEUED_AHEAD = 1;

/**
 * A worker's young generation at most (V8's default is larger): sessions are parsed one at a
 * time and their garbage dies young, so a smaller nursery is collected as cheaply and keeps the
 * workers' peak RSS low (figures in docs/performance.md; see leanHeaps in cli/main.ts).
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/** What the main thread sends a worker: plain data only. */
export interface PoolTask {
  id: number;
  /** Tasks the worker runs at once (the rest wait in its queue). */
  perWorker: number;
  input: SessionInput;
  options: ReadSessionOptions;
  prefilter: boolean;
}

/** An Error as it crosses threads (structured clone keeps neither class nor `code`). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  context?: Record<string, unknown>;
}

export type PoolReply =
  | {id: number; result: SessionResult; error?: undefined; retry?: undefined}
  | {id: number; error: WireError; retry?: undefined}
  /** Not an answer: a download of task `id` is being retried. */
  | {id: number; retry: RetryInfo};

/** What a worker is sent: a task, or the run's interrupt. */
export type PoolMessage = PoolTask | {abort: true};

interface Waiting {
  task: PoolTask;
  transfer: ArrayBuffer[];
  resolve(result: SessionResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  running: Map<number, Waiting>;
  /** When it was asked for and when its first reply came (ms, performance.now()). */
  spawnedAt: number;
  firstReplyAt?: number;
}

/** How a pool's workers started: for the benchmark's notes on start-up cost. */
export interface PoolStats {
  workers: number;
  /** Per worker: ms from spawn (or adoption) to its first result (start-up plus one session). */
  firstResultMs: number[];
  /** Workers adopted from those started early (prewarmSessionWorkers). */
  adopted: number;
}

/**
 * Runs `readSession` in worker threads. Workers start on demand, when a task finds every running
 * worker busy, so a run with one file starts one thread and start-up overlaps with listing the
 * rest. Each worker opens its inputs itself from their plain-data `ref` (bytes refs are copied and
 * transferred), so only descriptors and small results cross threads. Results resolve in whatever
 * order workers finish; the pipeline folds them in canonical order.
 */
export class SessionPool {
  readonly threads: number;
  private readonly perWorker: number;
  private readonly url: URL;
  private readonly prefilter: boolean;
  private readonly onRetry: ((info: RetryInfo) => void) | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private nextId = 0;
  private closed = false;
  private readonly firstResultMs: number[] = [];
  private adopted = 0;

  constructor(options: SessionPoolOptions = {}) {
    this.threads = wholeNumber('threads', options.threads ?? availableParallelism(), 1);
    this.perWorker = wholeNumber('perWorker', options.perWorker ?? 1, 1);
    this.url = options.workerUrl ?? defaultWorkerUrl();
    this.prefilter = options.prefilter ?? true;
    this.onRetry = options.onRetry;
    options.signal?.addEventListener('abort', () => this.tell({abort: true}), {once: true});
  }

  /** A SessionReader bound to this pool. */
  readonly read: SessionReader = (input, options) => {
    if (this.closed) return Promise.reject(new Error('session pool is closed'));
    const {ref, transfer} = transferable(input.ref);
    // The hooks hold functions and a signal, which do not cross threads: the worker has its own.
    const {hub: _hooks, ...plain} = options;
    const task: PoolTask = {id: this.nextId++, perWorker: this.perWorker, input: {...input, ref}, options: plain, prefilter: this.prefilter};
    return new Promise<SessionResult>((resolve, reject) => {
      this.queue.push({task, transfer, resolve, reject});
      this.dispatch();
    });
  };

  stats(): PoolStats {
    return {workers: this.slots.length, firstResultMs: [...this.firstResultMs], adopted: this.adopted};
  }

  /** Stops every worker (and those started early but not needed); tasks still running reject. */
  async close(): Promise<void> {
    this.closed = true;
    dropPrewarmedWorkers();
    const slots = this.slots.splice(0);
    for (const waiting of this.queue.splice(0)) waiting.reject(new Error('session pool closed'));
    await Promise.all(slots.map(slot => slot.worker.terminate()));
  }

  private tell(message: PoolMessage): void {
    for (const slot of this.slots) slot.worker.postMessage(message);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find(s => s.running.size === 0);
      if (!slot && this.slots.length < this.threads) slot = this.spawn();
      if (!slot) {
        const least = this.slots.reduce((a, b) => (b.running.size < a.running.size ? b : a));
        if (least.running.size >= this.perWorker + QUEUED_AHEAD) return;
        slot = least;
      }
      const waiting = this.queue.shift()!;
      slot.running.set(waiting.task.id, waiting);
      slot.worker.ref();
      slot.worker.postMessage(waiting.task, waiting.transfer);
    }
  }

  private spawn(): Slot {
    const early = this.url.href === defaultWorkerUrl().href ? adoptPrewarmed() : undefined;
    if (early) this.adopted++;
    const worker = early ?? startSessionWorker(this.url);
    const slot: Slot = {worker, running: new Map(), spawnedAt: performance.now()};
    worker.on('message', (reply: PoolReply) => {
      if (reply.retry) return this.onRetry?.(reply.retry);
      const waiting = slot.running.get(reply.id);
      if (!waiting) return;
      slot.running.delete(reply.id);
      if (slot.firstReplyAt === undefined) {
        slot.firstReplyAt = performance.now();
        this.firstResultMs.push(slot.firstReplyAt - slot.spawnedAt);
      }
      // An idle worker must not keep the process alive if the caller forgets close().
      if (slot.running.size === 0) worker.unref();
      if (reply.error) waiting.reject(fromWire(reply.error));
      else waiting.resolve(reply.result);
      this.dispatch();
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      for (const waiting of slot.running.values()) waiting.reject(error);
      slot.running.clear();
      void worker.terminate();
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', code => fail(new Error(`session worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

/**
 * Bytes refs (stdin rows) are copied into a buffer of their own and transferred: cloning a view
 * would copy its whole backing buffer, which for stdin may be a large shared chunk.
 */
function transferable(ref: SessionInput['ref']): {ref: SessionInput['ref']; transfer: ArrayBuffer[]} {
  if (ref.kind !== 'bytes') return {ref, transfer: []};
  const copy = new Uint8Array(ref.bytes.byteLength);
  copy.set(ref.bytes);
  return {ref: {kind: 'bytes', bytes: copy}, transfer: [copy.buffer]};
}

function fromWire(wire: WireError): Error {
  const error =
    wire.code !== undefined ? new KpiError(wire.code as KpiErrorCode, wire.message, wire.context ?? {}) : new Error(wire.message);
  error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}

/**
 * session-worker.js beside the compiled pool. Under vitest this module runs from src/*.ts, where
 * there is no .js to start: use the build in dist/ (`npm test` builds first).
 */
function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('../../dist/src/workers/session-worker.js', here);
  return new URL('./session-worker.js', here);
}

/** Starts a session worker thread (the pool's, or one started early: see prewarmSessionWorkers). */
function startSessionWorker(url: URL): Worker {
  return new Worker(url, {resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB}});
}

/**
 * Workers started before the CLI has loaded (bin/kpi-stream): the time a worker takes to load its
 * modules then overlaps with the main thread's own loading instead of following it. The
 * first pool adopts them; the rest are dropped when it closes (or by the CLI when it runs in one
 * thread). Process-wide by nature, so kept here rather than in a pool.
 */
const prewarmed: Worker[] = [];

export function prewarmSessionWorkers(count: number): void {
  for (let i = 0; i < count; i++) {
    const worker = startSessionWorker(defaultWorkerUrl());
    // Until adopted it must neither keep the process alive nor crash it if it fails to start.
    worker.unref();
    worker.once('error', () => {
      const at = prewarmed.indexOf(worker);
      if (at >= 0) prewarmed.splice(at, 1);
    });
    prewarmed.push(worker);
  }
}

function adoptPrewarmed(): Worker | undefined {
  return prewarmed.shift();
}

export function dropPrewarmedWorkers(): void {
  for (const worker of prewarmed.splice(0)) void worker.terminate();
}

