import {availableParallelism} from 'node:os';
import {prewarmSessionWorkers} from '../workers/pool.js';

/**
 * What bin/kpi-stream starts before loading the CLI: the session workers the run will likely use
 * (see prewarmSessionWorkers). The arguments are only glanced at here; yargs, loaded next, still
 * decides, and run() drops the workers it does not use.
 */
export function startEarly(argv: readonly string[]): void {
  prewarmSessionWorkers(workersToStart(argv, availableParallelism()));
}

/** `--concurrency` unless given: files read at once (and so, at most, workers busy at once). */
export const DEFAULT_CONCURRENCY = 8;

/**
 * How many workers a run with these arguments may use: `--threads` (default: the cores), but no
 * more than `--concurrency` (a pool starts a worker only when every other one is busy), and none
 * for one thread, `--help` or `--version`, nor for a run of a few hours: most of its files fail
 * the prefilter, and it starts workers only if its parsing grows past workersWhenTheyPay's bound.
 * Nor for the `report` subcommand, nor with `--cache-dir`: there most runs find every file in the cache, and a worker is started
 * when a file needs parsing.
 */
export function workersToStart(argv: readonly string[], cores: number): number {
  if (argv[0] === 'report' || argv.some(arg => arg === '--help' || arg === '-h' || arg === '--version' || arg === '-V' || arg === '--cache-dir' || arg.startsWith('--cache-dir='))) return 0;
  if (!manyHours(argv)) return 0;
  const threads = numberFlag(argv, '--threads') ?? cores;
  const workers = Math.min(threads, numberFlag(argv, '--concurrency') ?? DEFAULT_CONCURRENCY);
  return workers > 1 ? workers : 0;
}

/** Hours from which a run starts its workers at once: a day's files mostly pass the prefilter. */
export const MANY_HOURS = 24;

/** A backfill, a day, or stdin; not the cron hour, `--datetime` or `--hours` under a day. */
function manyHours(argv: readonly string[]): boolean {
  if (argv.some(arg => /^--(from|daily-backfill|stdin)(=|$)/.test(arg))) return true;
  return (numberFlag(argv, '--hours') ?? 1) >= MANY_HOURS;
}

function numberFlag(argv: readonly string[], flag: string): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === flag ? argv[i + 1] : argv[i]!.startsWith(`${flag}=`) ? argv[i]!.slice(flag.length + 1) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
