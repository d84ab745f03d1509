import {KpiError} from './errors.js';

/*
 * The checks every option normalizer shares (the run's flags, the Hub's settings, the pool's,
 * the report's): each option is checked once, where it enters, with a coded error naming it.
 */

/** KPI_OPTION_INVALID naming the option, what it must be and the value it got. */
export function optionError(name: string, expected: string, got: unknown): KpiError {
  return new KpiError('KPI_OPTION_INVALID', `option \`${name}\` must be ${expected}, got ${JSON.stringify(String(got))}`, {option: name});
}

/**
 * A whole number in [min, max], from a flag's text (`--hours 3`) or a caller's number. A flag
 * given without a value (yargs makes it `true` or '') gets its own message: not "true".
 */
export function wholeNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
  if (value === true || value === '') throw new KpiError('KPI_OPTION_INVALID', `option \`${name}\` needs a value: ${expected}`, {option: name});
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) throw optionError(name, expected, value);
  return number;
}
