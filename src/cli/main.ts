import {EXIT} from '../errors.js';
import {run} from './run.js';

/** How long an interrupted run may take to stop by itself before it is ended. */
const STOP_GRACE_MS = 1500;

/**
 * The bin entry: runs with process I/O and exits with the run's code. SIGINT/SIGTERM abort the
 * run: nothing is written or committed after that (outputs are only written at the end), and
 * the process ends with 130 within the grace period even if a download is still draining.
 */
export function main(): void {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted); // a second Ctrl-C: now
    controller.abort();
    setTimeout(() => {
      process.stderr.write('kpi-stream: interrupted; nothing was written or committed\n');
      process.exit(EXIT.interrupted);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  run(process.argv.slice(2), undefined, controller.signal).then(code => {
    process.exitCode = controller.signal.aborted ? EXIT.interrupted : code;
  });
}
