/**
 * A JSON value as Python's `json.loads` returns it.
 *
 * Integers and floats are different types in Python and print differently (`5` vs `5.0`), so the
 * exact parser returns integers as `bigint` and floats as `number`. The fast path (`JSON.parse`)
 * cannot tell them apart and returns `number` for both; code that must know the difference asks
 * for an exact re-parse (see `NeedsExactParse`).
 */
export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyDict;

/** A JSON object. Created without a prototype so keys like `__proto__` are plain keys. */
export interface PyDict {
  [key: string]: PyValue;
}

export function isDict(value: unknown): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Thrown where the fast path (`JSON.parse`) lost information a KPI needs: an integer past 2^53,
 * a number whose int/float type decides how it prints, or an overflowed literal. The session is
 * then parsed again with the exact parser. Never escapes the session reader.
 */
export class NeedsExactParse extends Error {
  constructor(readonly why: string) {
    super(`needs exact parse: ${why}`);
  }
}

/**
 * Thrown by a Python-compatible conversion where the reference itself would crash (e.g.
 * `int("abc")`, `float([1])`). The caller treats the value as absent and reports a warning.
 */
export class PyCrash extends Error {}

/**
 * Set by the exact parser on every dict it builds: the keys in Python's order (first position of
 * each key). JavaScript objects list integer-like keys first, Python dicts keep insertion order;
 * only `repr()` of a dict (a `pro_cta_click` source) can tell.
 */
export const KEY_ORDER: unique symbol = Symbol('pyKeyOrder');
