/**
 * Python's number-to-text rules: `repr(float)`, `round(float, n)` and `str(int)`.
 *
 * The KPI CSV prints every number the way Python does, so these must agree with CPython 3.12 to
 * the byte. JavaScript already finds the same shortest round-trip digits as Python; only the
 * layout (where the exponent form starts, the trailing `.0`) differs.
 */

import {PyCrash} from './value.js';

/**
 * Python `repr(x)` / `str(x)` for a float: shortest round-trip digits, fixed notation for decimal
 * exponents -4..15 (always with a `.`), exponent form otherwise (`1e-05`, `1.5e+16`), and
 * `nan`, `inf`, `-inf`.
 */
export function pyFloatRepr(x: number): string {
  const abs = Math.abs(x);
  // JavaScript's String() uses fixed notation for 1e-7 <= |x| < 1e21, a superset of Python's range,
  // and the digits are the same shortest ones, so this range only needs the missing `.0`.
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (x !== x) return 'nan';
  if (abs === Infinity) return x > 0 ? 'inf' : '-inf';
  // toExponential() without an argument also gives the shortest round-trip digits.
  const s = x.toExponential();
  const e = s.indexOf('e');
  const exponent = s.slice(e + 1);
  const sign = exponent[0] === '-' ? '-' : '+';
  const digits = exponent.slice(1);
  return `${s.slice(0, e)}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

/** Python `str(n)` for an integer (a `bigint`, or a `number` holding an integer value). */
export function pyIntStr(x: bigint | number): string {
  if (typeof x === 'bigint') return x.toString();
  if (!Number.isInteger(x)) throw new RangeError(`pyIntStr: not an integer: ${x}`);
  // String() switches to exponent form from 1e21; BigInt() prints every digit. -0 prints as 0.
  return Number.isSafeInteger(x) ? String(x + 0) : BigInt(x).toString();
}

// Python returns x unchanged when ndigits is so large that no double could change, and a
// signed zero when it is so negative that every double rounds to zero (floatobject.c).
const NDIGITS_MAX = 323;
const NDIGITS_MIN = -308;

/**
 * Python `round(x, ndigits)` for a float: the exact binary value of `x` rounded to `ndigits`
 * decimals, ties to even (`round(2.675, 2) == 2.67`, `round(0.125, 2) == 0.12`), then read back
 * as the nearest double. A zero result keeps the sign of `x` (`round(-1e-5, 4)` is `-0.0`).
 * NaN and infinities come back unchanged; a result too large for a double throws `PyCrash`
 * (Python's OverflowError).
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (!Number.isInteger(ndigits)) throw new RangeError(`pyRound: ndigits must be an integer, got ${ndigits}`);
  if (ndigits > NDIGITS_MAX) return x;
  if (ndigits < NDIGITS_MIN) return 0 * x;
  // An integer-valued double has no fraction to round away.
  if (ndigits >= 0 && Number.isInteger(x)) return x;
  const {mantissa, exponent} = splitDouble(Math.abs(x));
  // |x| * 10^ndigits = num / den exactly.
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (ndigits >= 0) num *= 10n ** BigInt(ndigits);
  else den *= 10n ** BigInt(-ndigits);
  let q = num / den;
  const twiceRest = (num - q * den) * 2n;
  if (twiceRest > den || (twiceRest === den && (q & 1n) === 1n)) q += 1n;
  // The decimal string q * 10^-ndigits is read back with a correctly rounded parse, like
  // Python's strtod; the sign goes on even when q is 0, which is how -0.0 survives.
  const result = Number(`${x < 0 || Object.is(x, -0) ? '-' : ''}${q}e${-ndigits}`);
  if (!Number.isFinite(result)) throw new PyCrash('rounded value too large to represent');
  return result;
}

const view = new DataView(new ArrayBuffer(8));

/** Splits a finite non-negative double into an integer mantissa and a power of two. */
function splitDouble(x: number): {mantissa: bigint; exponent: number} {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = hi >>> 20;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return {mantissa: fraction, exponent: -1074};
  return {mantissa: fraction | (1n << 52n), exponent: biased - 1075};
}
