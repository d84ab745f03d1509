/**
 * Python 3.12's float `sum()` and `int / int`, the two arithmetic results the KPIs print whose
 * last bits JavaScript's `+` and `/` would not always reproduce.
 */

import {PyCrash} from './value.js';

/**
 * CPython 3.12 `sum(floats)` folded one value at a time. 3.12 adds floats with Neumaier's
 * compensated summation (`sum([1e16, 1.0, -1e16]) == 1.0`), and the start value is the int 0,
 * so the first float is added to 0 (which turns a leading -0.0 into 0.0). The compensation is
 * added once at the end, and only when it is finite, so an overflow or infinity stays one.
 *
 * `value` of an empty sum is 0; note that Python's `sum([])` is the *int* 0, which prints as
 * `0` rather than `0.0`.
 */
export class PyFloatSum {
  private total = 0;
  private compensation = 0;

  add(x: number): void {
    const t = this.total + x;
    if (Math.abs(this.total) >= Math.abs(x)) this.compensation += this.total - t + x;
    else this.compensation += x - t + this.total;
    this.total = t;
  }

  get value(): number {
    const c = this.compensation;
    return c !== 0 && Number.isFinite(c) ? this.total + c : this.total;
  }
}

/** CPython 3.12 `sum(xs)` for a list of floats (0 for an empty list, which Python gives as the int 0). */
export function pySumFloats(xs: readonly number[]): number {
  const sum = new PyFloatSum();
  for (const x of xs) sum.add(x);
  return sum.value;
}

const SAFE = 2 ** 53;

/**
 * Python `a / b` for two ints: the exact quotient rounded once to the nearest double (ties to
 * even), even when the operands are past 2^53 where converting them first would round twice.
 * A zero quotient is negative when exactly one operand is (`0 / -5 == -0.0`). Throws
 * `RangeError` for b = 0 and `PyCrash` when the quotient is too large for a double.
 */
export function trueDivide(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) <= SAFE && Math.abs(b) <= SAFE) {
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new RangeError('trueDivide: operands must be integers');
    if (b === 0) throw new RangeError('trueDivide: division by zero');
    // Both operands are exact doubles, so one IEEE division is the correctly rounded quotient.
    return (a + 0) / (b + 0);
  }
  const n = BigInt(a);
  const d = BigInt(b);
  if (d === 0n) throw new RangeError('trueDivide: division by zero');
  const negative = n < 0n !== d < 0n;
  const q = ratioToDouble(n < 0n ? -n : n, d < 0n ? -d : d);
  if (q === Infinity) throw new PyCrash('integer division result too large for a float');
  return negative ? -q : q;
}

/** n / d for n >= 0, d > 0, rounded to the nearest double, ties to even, subnormals included. */
function ratioToDouble(n: bigint, d: bigint): number {
  if (n === 0n) return 0;
  // e = floor(log2(n / d)), from the bit lengths and one comparison.
  let e = n.toString(2).length - d.toString(2).length;
  if (e >= 0 ? n < d << BigInt(e) : n << BigInt(-e) < d) e--;
  if (e > 1023) return Infinity;
  // Scale so the quotient has 53 significant bits, or fewer once the result is subnormal.
  const shift = Math.min(52 - e, 1074);
  const num = shift >= 0 ? n << BigInt(shift) : n;
  const den = shift >= 0 ? d : d << BigInt(-shift);
  let m = num / den;
  const twiceRest = (num - m * den) * 2n;
  if (twiceRest > den || (twiceRest === den && (m & 1n) === 1n)) m++;
  // m <= 2^53 and 2^-shift is an exact double, so the product is exact (or overflows to inf).
  return Number(m) * 2 ** -shift;
}
