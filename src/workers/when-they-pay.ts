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
 * A SessionReader that parses in this thread until the files that needed parsing add up to
 * `workersAfterBytes`; after that, the pool parses. The prefilter stays in this thread, in front
 * of both: in an hourly run most files reach no requested hour, and the pool starts only when a
 * file that needs parsing comes, not for the files the prefilter rules out (a pool started for
 * nothing costs more than the hour's parsing). Results do not depend on where an input was read:
 * the pipeline folds them in canonical order.
 */
export function workersWhenTheyPay({startPool, prefilter, workersAfterBytes = WORKERS_AFTER_BYTES}: WorkersWhenTheyPayOptions): SessionReader {
  // A bound of 0: the run knew up front that it has work for them (see run.ts); the workers
  // read and prefilter their own inputs.
  if (workersAfterBytes <= 0) return startPool();
  let parsedBytes = 0;
  let pooled: SessionReader | undefined;
  const parse: SessionReader = async (input, options) => {
    if (parsedBytes >= workersAfterBytes) return (pooled ??= startPool())(input, options);
    const result = await readSession(input, options);
    parsedBytes += result.bytes;
    return result;
  };
  return prefilter ? prefiltered(parse) : parse;
}
