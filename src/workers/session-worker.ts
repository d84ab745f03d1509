/**
 * A worker thread of the session pool (see pool.ts): runs `readSession` for each task it is sent
 * and posts the SessionResult back (Maps and bigints survive structured clone). It runs at most
 * `perWorker` tasks at once, so it holds that many sessions in memory at most; the pool sends one
 * more, which waits here.
 */

import {parentPort} from 'node:worker_threads';
import {KpiError} from '../errors.js';
import {prefiltered} from '../session/prefilter.js';
import {readSession} from '../session/read.js';
import type {RetryInfo} from '../hub/config.js';
import type {PoolMessage, PoolReply, PoolTask, WireError} from './pool.js';

const port = parentPort;
if (!port) throw new Error('session-worker.js runs as a worker thread of the session pool');

const readPrefiltered = prefiltered(readSession);

const waiting: PoolTask[] = [];
let running = 0;
/** The run's interrupt, as the pool relays it: stops downloads in flight. */
const interrupt = new AbortController();

// The pool sends a task ahead of those running: it waits here, so the worker never idles.
port.on('message', (message: PoolMessage) => {
  if ('abort' in message) return interrupt.abort();
  waiting.push(message);
  startWaiting();
});

function startWaiting(): void {
  while (waiting.length > 0 && running < waiting[0]!.perWorker) {
    running++;
    void run(waiting.shift()!).finally(() => {
      running--;
      startWaiting();
    });
  }
}

async function run(task: PoolTask): Promise<void> {
  let reply: PoolReply;
  try {
    const hub = {signal: interrupt.signal, onRetry: (retry: RetryInfo) => port!.postMessage({id: task.id, retry} satisfies PoolReply)};
    const result = await (task.prefilter ? readPrefiltered : readSession)(task.input, {...task.options, hub});
    reply = {id: task.id, result};
  } catch (error) {
    reply = {id: task.id, error: toWire(error)};
  }
  port!.postMessage(reply);
}

function toWire(error: unknown): WireError {
  if (error instanceof KpiError) {
    return {name: error.name, message: error.message, stack: error.stack, code: error.code, context: cloneable(error.context)};
  }
  if (error instanceof Error) return {name: error.name, message: error.message, stack: error.stack};
  return {name: 'Error', message: String(error)};
}

/** Context fields are for messages: keep what structured clone takes, as text otherwise. */
function cloneable(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    out[key] = value === null || ['string', 'number', 'boolean', 'bigint', 'undefined'].includes(typeof value) ? value : String(value);
  }
  return out;
}
