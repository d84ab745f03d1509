/**
 * Run the reference through its oracle and kpi-stream through its CLI, and compare their output
 * trees byte for byte.
 */

import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {run, runOracleInto, type OracleMode} from '../../tools/corpus/make-fixtures.js';
import {ORACLE, PYTHON, REPO} from './python.js';

/** The CLI as users run it: the bin shim over the compiled dist (`npm run build` first). */
export const CLI = join(REPO, 'bin', 'kpi-stream');

/**
 * Runs `kpi_oracle.py` with `args` (everything but `--out-dir`: give `--source-dir DIR` or
 * `--stdin` yourself) into a fresh temporary folder. Throws with the oracle's stderr if the
 * reference crashed.
 */
export function runOracle(args: string[], options: {stdin?: Buffer | string} = {}): {outDir: string; stderr: string} {
  const outDir = mkdtempSync(join(tmpdir(), 'kpi-oracle-'));
  const stderr = runOracleInto(outDir, args, {python: PYTHON, oracle: ORACLE, stdin: options.stdin});
  return {outDir, stderr};
}

/**
 * Runs `node bin/kpi-stream ...args`. Rejects with its stderr unless it exits 0 (a usage error,
 * a crash or `--strict` all fail the calling test).
 */
export async function runCli(args: string[], options: {stdin?: Buffer | string; env?: NodeJS.ProcessEnv} = {}): Promise<{stdout: Buffer; stderr: string}> {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/src/cli/main.js is missing: run `npm run build` first');
  return run({file: process.execPath, args: [CLI, ...args], input: options.stdin, env: {...process.env, ...options.env}});
}

/**
 * Runs the CLI for every run of an oracle mode into `outDir`, as `runOracleMode` runs the oracle:
 * `--source-dir datasetDir`, or `--stdin` fed with `stdin`, plus `extraArgs`.
 */
export async function runCliMode(
  outDir: string,
  mode: OracleMode,
  datasetDir: string,
  options: {stdin?: Buffer; env?: NodeJS.ProcessEnv; extraArgs?: string[]} = {},
): Promise<void> {
  mkdirSync(outDir, {recursive: true});
  for (const args of mode.runs) {
    const input = mode.stdin ? ['--stdin'] : ['--source-dir', datasetDir];
    await runCli([...input, ...args, '--out-dir', outDir, ...(options.extraArgs ?? [])], {stdin: mode.stdin ? options.stdin : undefined, env: options.env});
  }
}

/** Every file below `dir` (folders are not entries), keyed by its relative path with `/`. */
export function readTree(dir: string): Map<string, Buffer> {
  const tree = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), {withFileTypes: true})) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else tree.set(path, readFileSync(join(dir, path)));
    }
  };
  walk('');
  return new Map([...tree].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Splits one CSV line into cells (quoted cells may hold commas and doubled quotes). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let cell = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else cell += line[i++];
      }
      cells.push(cell);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      cells.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return cells;
}

const show = (s: string | undefined): string => (s === undefined ? '(no line)' : JSON.stringify(s));

/** How two versions of one file differ: the first differing line, and column when it is a CSV. */
function fileDiff(path: string, expected: Buffer, actual: Buffer): string {
  const a = expected.toString('utf8').split('\n');
  const b = actual.toString('utf8').split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  if (line === a.length && line === b.length) return `${path}: differs in bytes that are not valid UTF-8`;
  let where = `line ${line + 1}`;
  if (line > 0 && path.endsWith('.csv')) {
    const header = csvCells(a[0]);
    const x = csvCells(a[line] ?? '');
    const y = csvCells(b[line] ?? '');
    const columns = header.filter((_, i) => x[i] !== y[i]);
    if (columns.length > 0) {
      const first = header.indexOf(columns[0]);
      where += ` (column ${columns.join(', ')}; ${columns[0]}: expected ${show(x[first])}, actual ${show(y[first])})`;
    }
  }
  return `${path}: ${where}\n  expected: ${show(a[line])}\n  actual:   ${show(b[line])}`;
}

/** Human-readable differences between two trees from `readTree`; empty when they are equal. */
export function diffTrees(expected: Map<string, Buffer>, actual: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [path, bytes] of expected) {
    const other = actual.get(path);
    if (other === undefined) diffs.push(`${path}: missing`);
    else if (!bytes.equals(other)) diffs.push(fileDiff(path, bytes, other));
  }
  for (const path of actual.keys()) if (!expected.has(path)) diffs.push(`${path}: not expected (extra file)`);
  return diffs;
}
