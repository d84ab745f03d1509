/** How a bucket's totals print, as the reference's `str()`, `round()` and `json.dumps` print them. */

import {KEY_ORDER, type PyDict, type PyValue} from '../py/value.js';
import {pyFloatRepr, pyIntStr, pyRound} from '../py/format.js';
import {pyJsonDumps, compareCodePoints} from '../py/json-dumps.js';
import {trueDivide} from '../py/sum.js';
import {pyListSort} from '../py/list-sort.js';

export const int = (n: number | bigint): string => pyIntStr(n);
export const float = (x: number): string => pyFloatRepr(x);

/** `round(part / whole, 4)`, or 0.0 when `whole` is not positive. Both are Python ints. */
export function rate(part: number | bigint, whole: number | bigint): string {
  return float(whole > 0 ? pyRound(trueDivide(part, whole), 4) : 0);
}

/** `round(_percentile(values, p), digits)`. */
export function roundedPercentile(values: readonly number[], p: number, digits: number): string {
  return float(pyRound(percentile(values, p), digits));
}

/** Linear interpolation between closest ranks, on the values as Python's `sorted` orders them; 0.0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = pySorted(values);
  const k = (sorted.length - 1) * p;
  const f = Math.trunc(k);
  const c = Math.min(f + 1, sorted.length - 1);
  if (f === c) return sorted[f]!;
  return sorted[f]! + (sorted[c]! - sorted[f]!) * (k - f);
}

/**
 * `sorted(values)` of floats. Without NaN any stable numeric sort agrees with Python; with NaN,
 * which compares false with everything, only CPython's own algorithm puts it where Python does.
 */
export function pySorted(values: readonly number[]): number[] {
  const out = [...values];
  if (out.some(Number.isNaN)) pyListSort(out);
  else out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/**
 * A dict rendered as `json.dumps(d, sort_keys=True)`. Keys are Python values: all strings (code
 * point order) or all numbers (numeric order, printed as JSON prints them). A mix makes the
 * reference crash; we put numbers first.
 */
export function sortedJson(entries: Array<[PyValue, PyValue]>): string {
  const sorted = [...entries].sort(([a], [b]) => compareKeys(a, b));
  const dict = Object.create(null) as PyDict & {[KEY_ORDER]?: string[]};
  const order: string[] = [];
  for (const [key, value] of sorted) {
    const name = jsonKey(key);
    if (!(name in dict)) order.push(name);
    dict[name] = value;
  }
  dict[KEY_ORDER] = order;
  return pyJsonDumps(dict);
}

/** `json.dumps({name: count}, sort_keys=True)` of a dict of counts (Python ints). */
export function countsJson(counts: Iterable<{value: PyValue; n: number}>): string {
  return sortedJson([...counts].map(({value, n}) => [value, BigInt(n)]));
}

function compareKeys(a: PyValue, b: PyValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'string') return 1;
  if (typeof b === 'string') return -1;
  const x = numeric(a);
  const y = numeric(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function numeric(v: PyValue): number | bigint {
  return typeof v === 'boolean' ? Number(v) : (v as number | bigint);
}

/** How json.dumps writes a non-string dict key. */
function jsonKey(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') {
    if (Number.isNaN(key)) return 'NaN';
    if (key === Infinity) return 'Infinity';
    if (key === -Infinity) return '-Infinity';
    return pyFloatRepr(key);
  }
  return String(key);
}
