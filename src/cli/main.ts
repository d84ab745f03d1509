import {setFlagsFromString} from 'node:v8';
import {EXIT} from '../errors.js';
import {logFormatOf} from './args.js';
import {run} from './run.js';

/** How long an interrupted run may take to stop by itself before it is ended. */
const STOP_GRACE_MS = 1500;

/**
 * The bin entry: runs with process I/O and exits with the run's code. SIGINT/SIGTERM abort the
 * run: nothing is written or committed after that (outputs are only written at the end), and
 * the process ends with 130 (SIGINT) or 143 (SIGTERM) within the grace period even if a download is still draining.
 */
export function main(): void {
  leanHeaps();
  const args = process.argv.slice(2);
  if (args[0] === 'watch') return void import('../watch/main.js').then(watch => watch.watchMain(args.slice(1)));
  const controller = new AbortController();
  // 128 + the signal's number, as shells report it: 130 for SIGINT, 143 for SIGTERM.
  let stoppedWith: number = EXIT.interrupted;
  const stop = (exitCode: number) => {
    if (controller.signal.aborted) process.exit(stoppedWith); // a second Ctrl-C: now
    stoppedWith = exitCode;
    controller.abort();
    setTimeout(() => {
      process.stderr.write(logLine(args, 'interrupted; nothing was written or committed') + '\n');
      process.exit(exitCode);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', () => stop(EXIT.interrupted));
  process.on('SIGTERM', () => stop(EXIT.terminated));
  // Work an interrupt abandons (reads in flight, a closed worker pool's queue) may still reject;
  // nobody waits for it any more, and it must not turn the 130 into a crash. Before an interrupt,
  // an unhandled rejection stays what it is: a crash.
  process.on('unhandledRejection', reason => {
    if (!controller.signal.aborted) throw reason;
  });
  run(args, undefined, controller.signal).then(code => {
    process.exitCode = controller.signal.aborted ? stoppedWith : code;
  });
}

/** An error line as the run's reporter would print it: JSON with `--log-format json`. */
function logLine(args: readonly string[], message: string): string {
  return logFormatOf(args) === 'json' ? JSON.stringify({level: 'error', message, code: 'KPI_INTERRUPTED'}) : `error: ${message}`;
}

/**
 * V8 lets a heap grow to several times what is live before it collects; with a heap per thread
 * that slack was most of the peak RSS of a long backfill (issue 4). Growing each heap by at most
 * half of what is live after a collection (with the workers' young generation capped, see
 * pool.ts) keeps the peak low in the same time (figures in docs/performance.md). V8 reads this
 * flag at each collection, so setting it before the work starts takes effect, in the workers too.
 */
function leanHeaps(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

