import type {PyValue} from '../py/value.js';
import {NeedsExactParse} from '../py/value.js';
import {pyFloatRepr} from '../py/format.js';

/**
 * A string that is equal for two values exactly when Python's `==` (and so a dict or set) holds
 * them equal: `"5"` and `5` differ, `true`, `1` and `1.0` are one. Returns null for values Python
 * cannot hash (lists, dicts): the reference crashes on those, we treat them as absent.
 *
 * With `exact` false the value came from JSON.parse: an integer past 2^53 may have been rounded,
 * so it asks for an exact parse.
 */
export function hashKey(value: PyValue, exact: boolean): string | null {
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'boolean':
      return value ? 'n1' : 'n0';
    case 'bigint':
      return 'n' + value.toString();
    case 'number':
      if (Number.isNaN(value)) return 'nan'; // the json module hands out one shared NaN object
      if (Number.isInteger(value)) {
        if (!exact && !Number.isSafeInteger(value)) throw new NeedsExactParse('integer key past 2^53');
        return 'n' + BigInt(value).toString();
      }
      return 'n' + pyFloatRepr(value);
    default:
      return value === null ? 'None' : null;
  }
}
