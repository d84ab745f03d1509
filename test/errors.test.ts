import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {EXIT, exitCodeFor, KpiError, type KpiErrorCode} from '../src/errors.js';

/** Each code's exit status, as the README's table gives its meaning (a new code must be added here). */
const EXPECTED: Record<KpiErrorCode, number> = {
  KPI_OPTION_INVALID: 1,
  KPI_CONFIG_MISSING: 1,
  KPI_AUTH_REFUSED: 1,
  KPI_INPUT_UNREADABLE: 2,
  KPI_INPUT_INVALID: 2,
  KPI_UPLOAD_FAILED: 3,
  KPI_OUTPUT_FAILED: 4,
  KPI_LOCKED: 5,
  KPI_INTERRUPTED: 130,
};

describe('exitCodeFor', () => {
  it.each(Object.entries(EXPECTED))('exits %s with %i', (code, status) => {
    expect(exitCodeFor(new KpiError(code as KpiErrorCode, 'message'))).toBe(status);
  });

  it('exits 1 for anything that is not a KpiError', () => {
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });

  it('uses only the statuses of the README\'s exit code table, and the table lists each of them', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('### Arguments'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map(m => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    for (const status of Object.values(EXPECTED)) expect(documented).toContain(status);
  });
});

describe('KpiError', () => {
  it('is an Error with its code, its message and the context given (none: empty)', () => {
    const error = new KpiError('KPI_LOCKED', 'held', {pid: 4});
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({name: 'KpiError', code: 'KPI_LOCKED', message: 'held', context: {pid: 4}});
    expect(new KpiError('KPI_LOCKED', 'held').context).toEqual({});
  });
});
