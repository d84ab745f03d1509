import yargs from 'yargs';
import {logFormatOf, OPTIONS, parseFlags, type CliArgs, type NumberFlag} from '../cli/args.js';
import {normalizeOptions, withPlan, type RunOptions} from '../cli/options.js';
import {execute, processIo, type CliIo} from '../cli/run.js';
import type {BucketPlan} from '../buckets.js';
import {ResultCache} from '../cache/result-cache.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import {wholeNumber} from '../options.js';
import {Reporter, type RunCounts} from '../reporter.js';
import {serveStatus, parseListen} from './http.js';
import {HourlyScheduler, systemClock, type Clock, type RollupOutcome, type RollupReport} from './scheduler.js';
import {hourLabel, WatchStatus} from './status.js';

/** A run's flags, less those that choose hours (the scheduler does) and stdin (nothing to list). */
const RUN_OPTIONS_KEPT = Object.fromEntries(
  Object.entries(OPTIONS).filter(([name]) => !['stdin', 'datetime', 'hours', 'now', 'from', 'to', 'daily-backfill'].includes(name)),
) as Partial<typeof OPTIONS>;

export const WATCH_OPTIONS = {
  ...RUN_OPTIONS_KEPT,
  'backfill-hours': {default: 6, group: 'Watch:', describe: 'Completed hours rolled up at start-up, in one pass'},
  'at-minute': {default: 5, group: 'Watch:', describe: 'Minute past every hour (UTC) at which the hour just completed is rolled up'},
  listen: {type: 'string', group: 'Watch:', describe: 'Serve GET /healthz and /metrics (Prometheus) on HOST:PORT [default: off]'},
} as const;

export interface WatchArgs extends CliArgs {
  backfillHours?: NumberFlag;
  atMinute?: NumberFlag;
  listen?: string;
}

/** The watcher's own options, checked; `run` is what each rollup's options start from. */
interface WatchOptions {
  flags: WatchArgs;
  run: RunOptions;
  backfillHours: number;
  atMinute: number;
  listen?: {host: string; port: number};
}

/** What tests (and main) give the watcher: the clock, the stop signal, and what to tell them. */
export interface WatchHooks {
  clock?: Clock;
  /** Aborting it stops the watcher: the rollup in flight is abandoned, nothing partial is written. */
  signal?: AbortSignal;
  onRollup?(report: RollupReport): void;
  onListening?(url: string): void;
}

/**
 * `kpi-stream watch`: rolls up the `--backfill-hours` completed hours at start-up, then every hour
 * at :MM UTC the hour just completed (see HourlyScheduler), keeping file results in memory (and in
 * --cache-dir) so that each rollup reads only new files. Returns the exit code: 0 once stopped by
 * the signal, 1 for bad flags or configuration (before any rollup).
 */
export async function watch(args: string[], io: CliIo = processIo(), hooks: WatchHooks = {}): Promise<number> {
  const clock = hooks.clock ?? systemClock;
  // Bad flags, or a Hub watcher without a token, would fail every hour: say so now, once.
  const parsed = await parseWatchArgs(args, io, new Date(clock.now()));
  if (typeof parsed === 'number') return parsed;
  const {flags, run, backfillHours, atMinute, listen} = parsed;
  const {format, verbose, quiet} = run.log;
  const log = new Reporter({format, write: io.stderr, verbose, quiet});
  const cache = new ResultCache({dir: run.cacheDir, memory: true, schema: run.schema});
  // Rollups print no progress line: the watcher's log is read later, not watched.
  const rollupIo: CliIo = {...io, stderrIsTTY: false};
  let lastCounts: RunCounts | undefined;

  const rollup = async (hours: number[]): Promise<RollupOutcome> => {
    const reporter = new Reporter({format, write: io.stderr, verbose, quiet});
    lastCounts = reporter.counts;
    const first = hours[0]!;
    const labels = hours.map(hourLabel);
    const shown = labels.length <= 6 ? labels.join(', ') : `${labels[0]} .. ${labels.at(-1)}`;
    reporter.info(`rollup of ${hours.length} hour(s): ${shown}`, {code: 'rollup_start', hours: labels});
    const plan: BucketPlan = {kind: 'hourly', base: {sec: first * 3600, micro: 0}, offsetMicros: 0, indices: hours.map(h => h - first)};
    let code: number;
    try {
      // Normalized again for each rollup: its own retry deadline, and a token file rotated meanwhile.
      const options = withPlan(await normalizeOptions(flags, {env: io.env, now: new Date(clock.now())}), plan);
      code = await execute(options, {io: rollupIo, reporter, signal: hooks.signal, cache});
    } catch (error) {
      code = exitCodeFor(error);
      if (!hooks.signal?.aborted) {
        reporter.error(`kpi-stream watch: ${(error as Error).message}`, error instanceof KpiError ? {code: error.code} : {});
        reporter.summary(); // one per rollup, failed ones too
      }
    }
    if (hooks.signal?.aborted) return 'interrupted';
    if (code !== EXIT.ok) reporter.error(`rollup failed (exit ${code}); its hours are retried at the next tick`, {code: 'rollup_failed'});
    return code === EXIT.ok ? 'ok' : 'failed';
  };

  let status: WatchStatus | undefined;
  const scheduler = new HourlyScheduler({
    clock,
    atMinute,
    backfillHours,
    rollup,
    onRollup: report => {
      if (lastCounts) status?.record(report, lastCounts);
      hooks.onRollup?.(report);
    },
  });
  status = new WatchStatus(scheduler, clock);
  let http: Awaited<ReturnType<typeof serveStatus>> | undefined;
  if (listen !== undefined) {
    try {
      http = await serveStatus(status, listen.host, listen.port);
    } catch (error) {
      log.error(`kpi-stream watch: cannot listen on ${flags.listen}: ${(error as Error).message}`, {code: 'KPI_OPTION_INVALID'});
      return EXIT.usage;
    }
    log.info(`serving /healthz and /metrics on ${http.url}`, {url: http.url});
    hooks.onListening?.(http.url);
  }
  log.info(`watching: the ${backfillHours} completed hour(s) before now, then every hour at :${String(atMinute).padStart(2, '0')} UTC`);
  scheduler.start();
  await stopped(hooks.signal);
  log.info('stopping: a rollup in flight is abandoned, nothing of it written or committed');
  await scheduler.stop();
  if (http) {
    http.server.closeAllConnections();
    await new Promise(resolve => http!.server.close(resolve));
  }
  return EXIT.ok;
}

/** Resolves when the signal aborts (never without one). */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', () => resolve(), {once: true});
  });
}

/** The flags, checked; or the exit code when they are bad or --help was asked for. */
async function parseWatchArgs(args: string[], io: CliIo, now: Date): Promise<WatchOptions | number> {
  try {
    const parser = yargs(args)
      .scriptName('kpi-stream watch')
      .usage('$0 [input] [output] [--backfill-hours N] [--at-minute M] [--listen HOST:PORT]\n\nRolls up the last N completed hours at start-up, then every hour at :MM UTC the hour just completed; one rollup at a time, failed hours retried at the next tick.')
      .options(WATCH_OPTIONS)
      .strictOptions()
      .example('HF_TOKEN=hf_... $0 --cache-dir /var/cache/kpi-stream --listen 127.0.0.1:9464', 'Hub to Hub every hour, results cached on disk, health and metrics served')
      .version(false)
      .help()
      .exitProcess(false);
    const {argv: flags, help, error} = await parseFlags<WatchArgs>(parser, args);
    if (help) {
      io.stdout(help + '\n');
      return EXIT.ok;
    }
    if (error !== undefined) throw new KpiError('KPI_OPTION_INVALID', error);
    const backfillHours = wholeNumber('--backfill-hours', flags.backfillHours ?? 6, 0);
    const atMinute = wholeNumber('--at-minute', flags.atMinute ?? 5, 0, 59);
    const listen = flags.listen === undefined ? undefined : parseListen(flags.listen);
    if (listen === null) throw new KpiError('KPI_OPTION_INVALID', `--listen must be HOST:PORT, e.g. 127.0.0.1:9464, got ${JSON.stringify(flags.listen)}`);
    const run = await normalizeOptions(flags, {env: io.env, now});
    return {flags, run, backfillHours, atMinute, ...(listen && {listen})};
  } catch (error) {
    const help = error instanceof KpiError && error.code === 'KPI_OPTION_INVALID' ? '\nRun kpi-stream watch --help for the options.' : '';
    const code = error instanceof KpiError ? error.code : 'KPI_OPTION_INVALID';
    const message = `kpi-stream watch: ${(error as Error).message}${help}`;
    // Text keeps the hint on its own line (a log line would escape the line break); JSON puts it all in one object.
    if (logFormatOf(args) === 'json') new Reporter({format: 'json', write: io.stderr}).error(message, {code});
    else io.stderr(message);
    return exitCodeFor(error);
  }
}
