import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repo root. */
export const REPO = resolve(here, '..', '..');

/** The read-only reference folder (the oracle and the script it runs). */
export const REFERENCE_DIR = resolve(REPO, '..', 'shared', 'reference');
export const ORACLE = join(REFERENCE_DIR, 'kpi_oracle.py');

/** Python 3.12, the version production ran; override with KPI_PYTHON. */
export const PYTHON = process.env.KPI_PYTHON ?? '/root/.pyenv/versions/3.12.1/bin/python3';

/** Why Python-backed tests cannot run here, or undefined when they can. */
export const pythonMissing: string | undefined = existsSync(PYTHON)
  ? undefined
  : `Python 3.12 not found at ${PYTHON} (set KPI_PYTHON)`;

export const oracleMissing: string | undefined =
  pythonMissing ?? (existsSync(ORACLE) ? undefined : `oracle not found at ${ORACLE}`);

if (pythonMissing) console.warn(`[skip] Python-backed tests: ${pythonMissing}`);

/**
 * Runs a Python 3.12 snippet that reads JSON from stdin and prints JSON; returns the parsed result.
 * Tests use it to compare our Python-compatible helpers with Python itself on generated inputs.
 */
export function python<T = unknown>(code: string, input: unknown): T {
  const out = execFileSync(PYTHON, ['-c', code], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: {...process.env, PYTHONUTF8: '1'},
  });
  return JSON.parse(out) as T;
}

/** Runs a Python 3.12 snippet with raw stdin bytes; returns stdout as text. */
export function pythonRaw(code: string, input: string | Buffer): string {
  return execFileSync(PYTHON, ['-c', code], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: {...process.env, PYTHONUTF8: '1'},
  });
}
