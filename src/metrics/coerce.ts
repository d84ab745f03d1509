import type {PyDict, PyValue} from '../py/value.js';
import {isDict, NeedsExactParse, PyCrash} from '../py/value.js';
import {pyFloat, pyInt, pyTruthy} from '../py/convert.js';
import type {DictKey, EventContext} from './define.js';
import {hashKey} from './keys.js';

/** GPUs per Hugging Face Jobs flavor; other flavors count zero GPUs. */
export const FLAVOR_GPUS: Readonly<Record<string, number>> = {
  'cpu-basic': 0, 'cpu-upgrade': 0,
  't4-small': 1, 't4-medium': 1,
  'l4x1': 1, 'l4x4': 4,
  'l40sx1': 1, 'l40sx4': 4, 'l40sx8': 8,
  'a10g-small': 1, 'a10g-large': 1, 'a10g-largex2': 2, 'a10g-largex4': 4,
  'a100-large': 1, 'a100x2': 2, 'a100x4': 4, 'a100x8': 8,
  'h100': 1, 'h100x8': 8,
};

/** Adds Python ints, staying on doubles while the sum is exact. */
export function addInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(a) + BigInt(b);
}

/**
 * A value used as a Python dict key (a flavor, a tool or model name): null when Python cannot
 * hash it (the reference crashes; the caller treats it as absent). A number from JSON.parse asks
 * for the exact parse, as whether it was written 5 or 5.0 decides the JSON key.
 */
export function dictKey(value: PyValue, ctx: EventContext): DictKey | null {
  const key = hashKey(value, ctx.exact);
  if (key === null) return null;
  if (typeof value === 'number' && !ctx.exact) throw new NeedsExactParse('numeric dict key');
  return {key, value};
}

/** Adds `n` to the count of `key` in a map of first-seen keys (a Python dict's `d[k] += n`). */
export function addToKey(map: Map<string, {value: PyValue; n: number}>, key: DictKey, n: number): void {
  const entry = map.get(key.key);
  if (entry) entry.n += n;
  else map.set(key.key, {value: key.value, n});
}

/** `data` that is null or missing counts as `{}`; any other non-dict is coerced and reported. */
export function eventData(event: PyDict, ctx: EventContext): PyDict {
  const data = event.data ?? null;
  if (isDict(data)) return data;
  if (pyTruthy(data)) {
    ctx.warn('value_coerced', `${String(event.event_type)} event data ${describe(data)} is not an object; treated as {}`);
  }
  return EMPTY;
}

const EMPTY: PyDict = Object.freeze(Object.create(null)) as PyDict;

export function tokenCount(data: PyDict, field: string, ctx: EventContext): number | bigint {
  const value = data[field] ?? null;
  try {
    return pyInt(value, ctx.exact);
  } catch (error) {
    if (!(error instanceof PyCrash)) throw error;
    ctx.warn('value_coerced', `${field} ${describe(value)} is not an integer; counted as 0`);
    return 0;
  }
}

export function floatField(data: PyDict, field: string, ctx: EventContext): number {
  const value = data[field] ?? null;
  try {
    return pyFloat(value, ctx.exact);
  } catch (error) {
    if (!(error instanceof PyCrash)) throw error;
    ctx.warn('value_coerced', `${field} ${describe(value)} is not a number; counted as 0.0`);
    return 0;
  }
}

/** Marks a value JSON.stringify would misprint, so `describe` can write it bare. */
const BARE = '\u0000#';

/**
 * A short rendering of a bad value for a warning, as JSON would write it: big integers as digits
 * (not a quoted string) and overflowed or NaN floats as `Infinity`, `-Infinity`, `NaN` (not `null`).
 */
export function describe(value: PyValue): string {
  let text: string;
  try {
    const marked = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) ? `${BARE}${String(v)}${BARE}` : v));
    text = marked === undefined ? String(value) : marked.replace(/"\\u0000#([^"\\]*)\\u0000#"/g, '$1');
  } catch {
    text = String(value);
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
