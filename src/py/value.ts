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
