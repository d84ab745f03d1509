import yargs from 'yargs';
import {check, OPTIONS, parseFlags, UsageError, type CliArgs} from '../cli/args.js';
import {execute, processIo, type CliIo} from '../cli/run.js';
import type {BucketPlan} from '../buckets.js';
import {ResultCache} from '../cache/result-cache.js';
import {EXIT, exitCodeFor, KpiError} from '../errors.js';
import {resolveToken} from '../hub/config.js';
import {Reporter, type RunCounts} from '../report.js';
import {serveStatus, parseListen} from './http.js';
import {HourlyScheduler, systemClock, type Clock, type RollupOutcome, type RollupReport} from './scheduler.js';
import {hourLabel, WatchStatus} from './status.js';

/** A run's flags, less those that choose hours (the scheduler does) and stdin (nothing to list). */
const RUN_OPTIONS_KEPT = Object.fromEntries(
  Object.entries(OPTIONS).filter(([name]) => !['stdin', 'datetime', 'hours', 'now', 'from', 'to', 'daily-backfill'].includes(name)),
) as Partial<typeof OPTIONS>;

export const WATCH_OPTIONS = {
  ...RUN_OPTIONS_KEPT,
  'backfill-hours': {type: 'number', default: 6, group: 'Watch:', describe: 'Completed hours rolled up at start-up, in one pass'},
  'at-minute': {type: 'number', default: 5, group: 'Watch:', describe: 'Minute past every hour (UTC) at which the hour just completed is rolled up'},
  listen: {type: 'string', group: 'Watch:', describe: 'Serve GET /healthz and /metrics (Prometheus) on HOST:PORT [default: off]'},
} as const;

export interface WatchArgs extends CliArgs {
  backfillHours: number;
  atMinute: number;
  listen?: string;
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
  const parsed = await parseWatchArgs(args, io);
  if (typeof parsed === 'number') return parsed;
  const argv = parsed;
  const log = new Reporter({format: argv.logFormat, write: io.stderr, verbose: argv.verbose, quiet: argv.quiet});
  const fromHub = argv.sourceDir === undefined;
  try {
    // A Hub watcher without a token would fail every hour: say so now, once.
    if (fromHub || argv.target !== undefined) await resolveToken(io.env, argv.tokenFile);
  } catch (error) {
    log.error(`kpi-stream watch: ${(error as Error).message}`, {code: error instanceof KpiError ? error.code : undefined});
    return EXIT.usage;
  }
  const clock = hooks.clock ?? systemClock;
  const cache = new ResultCache({dir: argv.cacheDir, memory: true, schema: argv.schema});
  // Rollups print no progress line: the watcher's log is read later, not watched.
  const rollupIo: CliIo = {...io, stderrIsTTY: false};
  let lastCounts: RunCounts | undefined;

  const rollup = async (hours: number[]): Promise<RollupOutcome> => {
    const reporter = new Reporter({format: argv.logFormat, write: io.stderr, verbose: argv.verbose, quiet: argv.quiet});
    lastCounts = reporter.counts;
    const first = hours[0]!;
    const labels = hours.map(hourLabel);
    const shown = labels.length <= 6 ? labels.join(', ') : `${labels[0]} .. ${labels.at(-1)}`;
    reporter.info(`rollup of ${hours.length} hour(s): ${shown}`, {code: 'rollup_start', hours: labels});
    const plan: BucketPlan = {kind: 'hourly', base: {sec: first * 3600, micro: 0}, offsetMicros: 0, indices: hours.map(h => h - first)};
    let code: number;
    try {
      code = await execute(argv, {plan, io: rollupIo, reporter, signal: hooks.signal, cache});
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
    atMinute: argv.atMinute,
    backfillHours: argv.backfillHours,
    rollup,
    onRollup: report => {
      if (lastCounts) status?.record(report, lastCounts);
      hooks.onRollup?.(report);
    },
  });
  status = new WatchStatus(scheduler, clock);
  let http: Awaited<ReturnType<typeof serveStatus>> | undefined;
  if (argv.listen !== undefined) {
    const {host, port} = parseListen(argv.listen)!;
    try {
      http = await serveStatus(status, host, port);
    } catch (error) {
      log.error(`kpi-stream watch: cannot listen on ${argv.listen}: ${(error as Error).message}`, {code: 'KPI_OPTION_INVALID'});
      return EXIT.usage;
    }
    log.info(`serving /healthz and /metrics on ${http.url}`, {url: http.url});
    hooks.onListening?.(http.url);
  }
  log.info(`watching: the ${argv.backfillHours} completed hour(s) before now, then every hour at :${String(argv.atMinute).padStart(2, '0')} UTC`);
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
async function parseWatchArgs(args: string[], io: CliIo): Promise<WatchArgs | number> {
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
    const {argv, help, error} = await parseFlags<WatchArgs>(parser, args);
    if (help) {
      io.stdout(help + '\n');
      return EXIT.ok;
    }
    if (error !== undefined) throw new UsageError(error);
    check(argv);
    if (!Number.isInteger(argv.backfillHours) || argv.backfillHours < 0) throw new UsageError(`--backfill-hours must be an integer >= 0, got ${argv.backfillHours}`);
    if (!Number.isInteger(argv.atMinute) || argv.atMinute < 0 || argv.atMinute > 59) throw new UsageError(`--at-minute must be an integer from 0 to 59, got ${argv.atMinute}`);
    if (argv.listen !== undefined && !parseListen(argv.listen)) throw new UsageError(`--listen must be HOST:PORT, e.g. 127.0.0.1:9464, got ${JSON.stringify(argv.listen)}`);
    return argv;
  } catch (error) {
    io.stderr(`kpi-stream watch: ${(error as Error).message}\nRun kpi-stream watch --help for the options.`);
    return EXIT.usage;
  }
}
