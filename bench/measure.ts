/**
 * Runs a command as a child process and measures its wall time and peak RSS. Peak RSS comes from
 * GNU time (`/usr/bin/time -f %M`, Debian package `time`); without it RSS is reported as null.
 * Also: comparing two output trees byte for byte, and describing the machine.
 */

import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {cpus, freemem, loadavg, totalmem, tmpdir} from 'node:os';
import {join, relative} from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

export interface Measured {
  /** Wall time in seconds, spawn to exit. */
  seconds: number;
  /** Peak resident set size in MB (GNU time's maximum RSS), or null without GNU time. */
  rssMb: number | null;
  /** CPU seconds, user + system (GNU time), or null without it: less skewed by other load than wall time. */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` to completion; throws with its stderr when it fails. */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Measured {
  const scratch = mkdtempSync(join(tmpdir(), 'kpi-bench-time-'));
  const timeFile = join(scratch, 'time');
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
  const began = performance.now();
  const result = spawnSync(file, argv, {env: {...process.env, ...env}, maxBuffer: 1 << 28});
  const seconds = (performance.now() - began) / 1000;
  try {
    const stderr = result.stderr?.toString() ?? '';
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${stderr.slice(-4000)}`);
    const [rssKb, user, system] = hasGnuTime ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [];
    return {
      seconds,
      rssMb: rssKb !== undefined && Number.isFinite(rssKb) ? rssKb / 1024 : null,
      cpuSeconds: user !== undefined && system !== undefined && Number.isFinite(user + system) ? user + system : null,
      stdout: result.stdout.toString(),
      stderr,
    };
  } finally {
    rmSync(scratch, {recursive: true, force: true});
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Every file below `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** null when both trees hold the same files with the same bytes, else the first difference. */
export function compareTrees(expected: string, actual: string): string | null {
  const a = listTree(expected);
  const b = listTree(actual);
  if (a.join('\n') !== b.join('\n')) {
    const missing = a.filter(f => !b.includes(f));
    const extra = b.filter(f => !a.includes(f));
    return `files differ: missing ${JSON.stringify(missing.slice(0, 5))}, extra ${JSON.stringify(extra.slice(0, 5))} (${a.length} vs ${b.length})`;
  }
  for (const file of a) {
    if (!readFileSync(join(expected, file)).equals(readFileSync(join(actual, file)))) return `${file} differs`;
  }
  return null;
}

export function countFiles(dir: string): number {
  return listTree(dir).length;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  python: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews times. */
  loadStart: number;
  loadEnd?: number;
  freeMemoryGb: number;
  gnuTime: boolean;
}

export function machine(python: string): Machine {
  const version = spawnSync(python, ['--version']);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    python: (version.stdout?.toString() || version.stderr?.toString() || 'missing').trim(),
    loadStart: loadavg()[0]!,
    freeMemoryGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
    gnuTime: hasGnuTime,
  };
}
