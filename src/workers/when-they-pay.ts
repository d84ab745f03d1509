import {prefiltered} from '../session/prefilter.js';
import {readSession} from '../session/read.js';
import type {SessionReader} from '../session/read.js';

export interface WorkersWhenTheyPayOptions {
  /** Starts the worker pool and returns its reader; called at most once. */
  startPool(): SessionReader;
  /** Skip parsing the files that cannot reach a requested hour (see session/prefilter.ts). */
  prefilter: boolean;
  /** Bytes parsed in this thread before the workers start; 0 starts them at once. Default `WORKERS_AFTER_BYTES`. */
  workersAfterBytes?: number;
}

/**
 * Bytes of sessions parsed in this thread before a run starts its workers. Below it the work fits
 * one thread: each worker costs a start-up and compiles the same code again, which an hourly run,
 * whose files mostly fail the prefilter, never earns back (issue 11). Above it the run is long
 * enough for the rest to be shared.
 */
export const WORKERS_AFTER_BYTES = 32 << 20;

/**
 * A SessionReader that parses in this thread (prefiltered) until the files that needed parsing
 * add up to `workersAfterBytes`, then hands every later input to the pool, whose workers
 * prefilter their own. Results do not depend on where an input was read: the pipeline folds
 * them in canonical order.
 */
export function workersWhenTheyPay({startPool, prefilter, workersAfterBytes = WORKERS_AFTER_BYTES}: WorkersWhenTheyPayOptions): SessionReader {
  let parsedBytes = 0;
  // A bound of 0: the run knew up front that it has work for them (see run.ts).
  let pooled: SessionReader | undefined = workersAfterBytes <= 0 ? startPool() : undefined;
  const parseHere: SessionReader = async (input, options) => {
    const result = await readSession(input, options);
    parsedBytes += result.bytes;
    if (!pooled && parsedBytes >= workersAfterBytes) pooled = startPool();
    return result;
  };
  const here = prefilter ? prefiltered(parseHere) : parseHere;
  return (input, options) => (pooled ?? here)(input, options);
}
