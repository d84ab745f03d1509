import {watch} from './command.js';

/** How long a stopping watcher may take before it is ended; nothing partial is written either way. */
const STOP_GRACE_MS = 5000;

/**
 * The bin entry of `kpi-stream watch`: SIGTERM or SIGINT abandons the rollup in flight (outputs
 * are written, and committed, only at a rollup's end) and the process exits 0, within the grace
 * period even if a download is still draining; a second signal exits at once.
 */
export function watchMain(args: string[]): void {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(0);
    controller.abort();
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Work a stop abandons may still reject; before a stop, an unhandled rejection stays a crash.
  process.on('unhandledRejection', reason => {
    if (!controller.signal.aborted) throw reason;
  });
  void watch(args, undefined, {signal: controller.signal}).then(code => {
    process.exitCode = code;
  });
}
