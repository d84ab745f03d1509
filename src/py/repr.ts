/**
 * Python `repr()` of a JSON value, as `str()` shows a list or dict (`['x', 1]`, `{'a': 1.0}`).
 */

import {pyFloatRepr} from './format.js';
import {isPyPrintable} from './unicode.js';
import {KEY_ORDER, type PyDict, type PyValue} from './value.js';

/** Python `repr(value)`: strings quoted and escaped, containers with their elements' reprs. */
export function pyRepr(value: PyValue): string {
  switch (typeof value) {
    case 'string':
      return pyStrRepr(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return pyFloatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
  }
  if (value === null) return 'None';
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  const keys = (value as {[KEY_ORDER]?: string[]})[KEY_ORDER] ?? Object.keys(value);
  return '{' + keys.map(k => pyStrRepr(k) + ': ' + pyRepr((value as PyDict)[k])).join(', ') + '}';
}

/**
 * Python `repr(s)` for a str: single quotes unless the text has a `'` and no `"`; backslash,
 * that quote, \t \n \r escaped; other non-printable characters as \xNN, \uNNNN or \UNNNNNNNN.
 */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x5c || ch === quote) out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp >= 0x7f && isPyPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex(cp, 2);
    else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}
