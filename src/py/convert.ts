/**
 * Python's conversions as the reference applies them to JSON values: truthiness, `int(x or 0)`,
 * `float(x or 0.0)`, `str(x)` and `str.strip()`.
 */

import {parsePyFloat, parsePyInt} from './number-text.js';
import {pyFloatRepr} from './format.js';
import {pyRepr} from './repr.js';
import {isPyWhitespace} from './unicode.js';
import {NeedsExactParse, PyCrash, type PyValue} from './value.js';

export {pyRepr, pyStrRepr} from './repr.js';

/** Python `bool(v)`: false for None, False, 0, 0.0, -0.0, '', [] and {}; NaN is true. */
export function pyTruthy(v: PyValue): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  for (const _ in v) return true;
  return false;
}

/**
 * The reference's `int(x or 0)`. A `number` result is always a safe integer; larger ones are
 * `bigint`. Throws `PyCrash` where Python raises (NaN, infinities, non-numeric text, a list or
 * dict). With `exact` false, `v` came from `JSON.parse`, which cannot tell `1e20` from an integer
 * literal it rounded, so a number past 2^53 or not finite throws `NeedsExactParse`; with `exact`
 * true a `number` is always a Python float.
 */
export function pyInt(v: PyValue, exact: boolean): number | bigint {
  if (!pyTruthy(v)) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'bigint':
      return narrow(v);
    case 'number': {
      if (!Number.isFinite(v)) {
        if (!exact) throw new NeedsExactParse(`int() of a non-finite number`);
        throw new PyCrash(`cannot convert float ${pyFloatRepr(v)} to integer`);
      }
      if (!exact && Math.abs(v) >= 2 ** 53) throw new NeedsExactParse(`int() of a number past 2^53`);
      const t = Math.trunc(v) + 0; // + 0 turns -0 into 0: Python ints have no sign on zero
      return Number.isSafeInteger(t) ? t : BigInt(t);
    }
    case 'string': {
      const n = parsePyInt(v);
      if (n === undefined) throw new PyCrash(`invalid literal for int() with base 10`);
      return narrow(n);
    }
  }
  throw new PyCrash(`int() argument must be a string or a number, not ${Array.isArray(v) ? 'list' : 'dict'}`);
}

/**
 * The reference's `float(x or 0.0)`. Throws `PyCrash` where Python raises (text that is not a
 * float, an int too large for a double, a list or dict). With `exact` false, a non-finite
 * number throws `NeedsExactParse`: `JSON.parse` overflows a huge integer literal to Infinity,
 * where Python would keep the int and `float()` would then raise.
 */
export function pyFloat(v: PyValue, exact: boolean): number {
  if (!pyTruthy(v)) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      if (!exact && !Number.isFinite(v)) throw new NeedsExactParse('float() of a non-finite number');
      return v;
    case 'bigint': {
      const f = Number(v); // correctly rounded, ties to even, like PyLong_AsDouble
      if (!Number.isFinite(f)) throw new PyCrash('int too large to convert to float');
      return f;
    }
    case 'string': {
      const f = parsePyFloat(v);
      if (f === undefined) throw new PyCrash('could not convert string to float');
      return f;
    }
  }
  throw new PyCrash(`float() argument must be a string or a real number, not ${Array.isArray(v) ? 'list' : 'dict'}`);
}

/**
 * Python `str(v)`: text as is, numbers as Python prints them, containers as their repr. A
 * `number` is a Python float (`5` prints `5.0`), so a value from `JSON.parse` that may have been
 * an integer literal needs the exact parser first.
 */
export function pyStr(v: PyValue): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python `str.strip()` with no argument: removes Python's Unicode whitespace from both ends. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  // Python's whitespace is all in the BMP and none of it is a surrogate, so code units suffice.
  while (start < end && isPyWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A Python int as a `number` when that is exact, else as a `bigint`. */
function narrow(n: bigint): number | bigint {
  return n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n;
}
