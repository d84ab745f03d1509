import type {PyDict, PyValue} from '../../src/py/value.js';

/** A Python dict as the parsers build one (no prototype), from a record. */
export function pyDict(entries: Record<string, PyValue>): PyDict {
  return Object.assign(Object.create(null) as PyDict, entries);
}
