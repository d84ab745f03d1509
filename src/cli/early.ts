import {availableParallelism} from 'node:os';
import {prewarmSessionWorkers} from '../workers/pool.js';

/**
 * What bin/kpi-stream starts before loading the CLI: the session workers the run will likely use
 * (see prewarmSessionWorkers). The arguments are only glanced at here (`--threads N`, help);
 * yargs, loaded next, still decides, and run() drops workers it does not use.
 */
export function startEarly(argv: readonly string[]): void {
  if (argv.some(arg => arg === '--help' || arg === '-h' || arg === '--version')) return;
  const threads = threadsAsked(argv) ?? availableParallelism();
  if (threads > 1) prewarmSessionWorkers(threads);
}

function threadsAsked(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === '--threads' ? argv[i + 1] : argv[i]!.startsWith('--threads=') ? argv[i]!.slice('--threads='.length) : undefined;
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}
