/**
 * Regenerates `fixtures/dataset/` from its seed and `fixtures/expected/` from the oracle
 * (`npm run fixtures`). Also home of the oracle modes that the golden and differential tests run:
 * every touched hour as one range, a few single hours, each day's backfill, and stdin.
 *
 * Python 3.12 comes from $KPI_PYTHON (default: the pyenv 3.12.1), the oracle from $KPI_ORACLE
 * (default: ../shared/reference/kpi_oracle.py beside the repo).
 */

import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {addDays, generateCorpus, stdinBytes, type CorpusOptions} from './corpus.js';

/** The committed dataset: small, realistic sessions plus every planted oddity. */
export const FIXTURE_OPTIONS: CorpusOptions = {seed: 20260420, profile: 'nasty', days: 4, sessionsPerDay: 5, start: '2026-04-20', sizeScale: 0.01};

/** One output folder: the oracle (or the CLI) run once per entry of `runs`, all into that folder. */
export interface OracleMode {
  /** Folder name under `expected/`, e.g. `range`, `hour-2026-04-21T14+0530`, `daily`, `stdin`. */
  name: string;
  /** Hour flags of each run (`--source-dir`/`--stdin` and `--out-dir` are added by the runner). */
  runs: string[][];
  /** Feed the dataset as `LC_ALL=C awk 1 sessions/*\/*.jsonl` prints it, instead of the folder. */
  stdin?: boolean;
}

/**
 * The modes run on a dataset whose day folders are `days` (sorted): hourly buckets can come from
 * a folder's day and the next, so the range ends two days after the last folder.
 */
export function oracleModes(days: string[]): OracleMode[] {
  const first = days[0];
  const last = days[days.length - 1];
  const second = days[Math.min(1, days.length - 1)];
  const hours = [
    `${first}T00`, // reads the folder before the first, which does not exist
    `${first}T03`, // the planted round() ties
    `${first}T04`, // the planted users and sources
    `${second}T14+05:30`, // an offset: window 08:30-09:30 UTC, path and folders in +05:30
    `${second}T00-08:00`, // a negative offset: the window is on the next UTC day
    `${last}T09:45:10.5`, // minutes and seconds are dropped
    `${addDays(last, 1)}T23`, // only the last folder can reach it
  ];
  return [
    {name: 'range', runs: [['--from', `${first}T00`, '--to', `${addDays(last, 2)}T00`]]},
    ...hours.map(hour => ({name: `hour-${hour.replace(/:/g, '')}`, runs: [['--datetime', hour]]})),
    {name: 'daily', runs: [addDays(first, -1), ...days].map(day => ['--daily-backfill', day])},
    {name: 'stdin', runs: [[]], stdin: true},
    {name: 'stdin-range', runs: [['--from', `${second}T00`, '--to', `${addDays(second, 1)}T00`]], stdin: true},
  ];
}

export interface OracleCall {
  python: string;
  oracle: string;
  /**
   * `upstream` runs the later upstream script (kpi-stream's `--schema v2`) with `--keep-going`:
   * an hour where it raises gets no file and a line on stderr (see `raisedBuckets`).
   */
  reference?: 'upstream';
  /** The dataset root for `--source-dir`; ignored when `stdin` is given. */
  sourceDir?: string;
  /** Rows for `--stdin`. */
  stdin?: Buffer | string;
}

/** A child process to run: what `spawn` takes, plus its standard input. */
export interface Command {
  file: string;
  args: string[];
  input?: Buffer | string;
  env?: NodeJS.ProcessEnv;
}

/** The oracle with `args` plus `--out-dir outDir` and `--source-dir` or `--stdin`. */
export function oracleCommand(outDir: string, args: string[], call: OracleCall): Command {
  const input = call.stdin !== undefined ? ['--stdin'] : call.sourceDir !== undefined ? ['--source-dir', call.sourceDir] : [];
  return {
    file: call.python,
    args: [call.oracle, ...(call.reference ? ['--reference', call.reference, '--keep-going'] : []), ...input, ...args, '--out-dir', outDir],
    input: call.stdin,
    env: {...process.env, PYTHONUTF8: '1'},
  };
}

function failure(command: Command, code: number | string | null, stderr: string): Error {
  return new Error(`${command.args.join(' ')} exited ${code}:\n${stderr}`);
}

/** Runs `command` to the end; throws with its stderr unless it exits 0. */
export function runSync(command: Command): {stdout: Buffer; stderr: string} {
  const result = spawnSync(command.file, command.args, {input: command.input ?? '', env: command.env, maxBuffer: 1 << 30});
  const stderr = result.stderr?.toString() ?? '';
  if (result.error) throw result.error;
  if (result.status !== 0) throw failure(command, result.status ?? result.signal, stderr);
  return {stdout: result.stdout, stderr};
}

/** `runSync`, without blocking: tests overlap processes that mostly wait. */
export function run(command: Command): Promise<{stdout: Buffer; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, {env: command.env});
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const text = Buffer.concat(stderr).toString();
      if (code === 0) resolve({stdout: Buffer.concat(stdout), stderr: text});
      else reject(failure(command, code ?? signal, text));
    });
    // A child that exits without reading its input makes the write fail with EPIPE; its exit
    // status tells what happened.
    child.stdin.on('error', () => {});
    child.stdin.end(command.input ?? '');
  });
}

/**
 * Runs the oracle once into `outDir`. Throws with the oracle's stderr if it fails: then the
 * reference crashed on the input, and the input is not one the tests may use. Returns the stderr.
 */
export function runOracleInto(outDir: string, args: string[], call: OracleCall): string {
  return runSync(oracleCommand(outDir, args, call)).stderr;
}

/**
 * Runs every run of `mode` into `outDir`, one after the other. Returns the buckets (`2026-04-24T14`
 * or a day) where the script raised and `--keep-going` went on: they have no file.
 */
export async function runOracleMode(
  outDir: string,
  mode: OracleMode,
  datasetDir: string,
  call: Omit<OracleCall, 'sourceDir' | 'stdin'>,
  stdin?: Buffer,
): Promise<string[]> {
  mkdirSync(outDir, {recursive: true});
  const raised: string[] = [];
  for (const args of mode.runs) {
    const {stderr} = await run(oracleCommand(outDir, args, mode.stdin ? {...call, stdin: stdin ?? stdinBytes(datasetDir)} : {...call, sourceDir: datasetDir}));
    raised.push(...raisedBuckets(stderr));
  }
  return raised;
}

/** The buckets `kpi_oracle.py --keep-going` reports as raised ("reference raised for LABEL: ..."). */
export function raisedBuckets(stderr: string): string[] {
  return [...stderr.matchAll(/^kpi_oracle\.py: reference raised for (\S+): /gm)].map(m => m[1]!);
}

/** The output path of a bucket key: `hourly/2026-04-24/14.csv` or `daily/2026-04-24.csv`. */
export function bucketPath(key: string): string {
  const hour = /^(.+)T(\d\d)$/.exec(key);
  return hour ? `hourly/${hour[1]}/${hour[2]}.csv` : `daily/${key}.csv`;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('make-fixtures: no package.json above the script');
    dir = up;
  }
  return dir;
}

/** Checks the awk emulation against awk itself, when there is one. */
function checkStdinBytes(datasetDir: string, bytes: Buffer): void {
  const awk = spawnSync('bash', ['-c', 'cd "$1" && LC_ALL=C awk 1 sessions/*/*.jsonl', 'bash', datasetDir], {maxBuffer: 1 << 30});
  if (awk.error || awk.status !== 0) {
    process.stderr.write(`make-fixtures: awk not usable, stdin bytes not cross-checked (${awk.error?.message ?? awk.stderr})\n`);
    return;
  }
  if (!awk.stdout.equals(bytes)) throw new Error('make-fixtures: stdinBytes() differs from `LC_ALL=C awk 1 sessions/*/*.jsonl`');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter(e => e.isFile())
    .map(e => join(e.parentPath, e.name).slice(dir.length + 1).split('\\').join('/'))
    .sort();
}

async function main(): Promise<void> {
  const root = repoRoot();
  const python = process.env.KPI_PYTHON ?? '/root/.pyenv/versions/3.12.1/bin/python3';
  const oracle = process.env.KPI_ORACLE ?? resolve(root, '..', 'shared', 'reference', 'kpi_oracle.py');
  const dataset = join(root, 'fixtures', 'dataset');
  const expected = join(root, 'fixtures', 'expected');
  rmSync(dataset, {recursive: true, force: true});
  rmSync(expected, {recursive: true, force: true});
  const info = generateCorpus(dataset, FIXTURE_OPTIONS);
  const stdin = stdinBytes(dataset);
  checkStdinBytes(dataset, stdin);
  for (const schema of ['v1', 'v2'] as const) {
    // v1's folders stay where they were; v2's go under expected/v2/.
    const root = schema === 'v1' ? expected : join(expected, 'v2');
    const modes = await Promise.all(
      oracleModes(info.days).map(async mode => {
        const out = join(root, mode.name);
        const raised = await runOracleMode(out, mode, dataset, {python, oracle, ...(schema === 'v2' ? {reference: 'upstream' as const} : {})}, stdin);
        // Git keeps no empty folder, so the file list is what says "this mode writes nothing".
        return {...mode, files: listFiles(out), ...(schema === 'v2' ? {raised} : {})};
      }),
    );
    writeFileSync(join(root, 'modes.json'), JSON.stringify({options: FIXTURE_OPTIONS, schema, modes}, null, 2) + '\n');
    process.stderr.write(`make-fixtures: ${info.files.length} files, ${info.bytes} bytes, ${modes.length} oracle modes (--schema ${schema})\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    process.stderr.write(`make-fixtures: ${error.message}\n`);
    process.exitCode = 1;
  });
}
