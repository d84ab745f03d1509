import {run} from './run.js';

/** The bin entry: runs with process I/O, exits with the run's code; SIGINT/SIGTERM abort cleanly. */
export function main(): void {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  run(process.argv.slice(2), undefined, controller.signal).then(code => {
    process.exitCode = code;
  });
}
