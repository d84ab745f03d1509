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
 * for one thread, `--help`, `--version` or the `report` subcommand.
 */
export function workersToStart(argv: readonly string[], cores: number): number {
  if (argv[0] === 'report' || argv.some(arg => arg === '--help' || arg === '-h' || arg === '--version')) return 0;
  const threads = numberFlag(argv, '--threads') ?? cores;
  const workers = Math.min(threads, numberFlag(argv, '--concurrency') ?? DEFAULT_CONCURRENCY);
  return workers > 1 ? workers : 0;
}

function numberFlag(argv: readonly string[], flag: string): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === flag ? argv[i + 1] : argv[i]!.startsWith(`${flag}=`) ? argv[i]!.slice(flag.length + 1) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
