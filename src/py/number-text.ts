/**
 * Python's `int(str)` and `float(str)` text grammars (CPython 3.12, base 10).
 *
 * CPython first maps a non-ASCII string to ASCII: Unicode whitespace becomes a space, a Unicode
 * decimal digit becomes its ASCII digit, and the first other character past U+007E ends the
 * text with an invalid mark. Characters below U+007F are kept as they are, so the separators
 * U+001C..U+001F, which `str.strip()` removes, make `int()` and `float()` fail. The ASCII text is
 * then parsed with only space, \t \n \v \f \r as surrounding whitespace.
 */

import {isPyWhitespace, pyDecimalValue} from './unicode.js';

/** Python refuses to convert a decimal string of more digits than this (sys.int_info). */
export const PY_INT_MAX_STR_DIGITS = 4300;

const INT_TEXT = /^[ \t\n\v\f\r]*([+-]?)([0-9]+(?:_[0-9]+)*)[ \t\n\v\f\r]*$/;
const FLOAT_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const FLOAT_WORD = /^[+-]?(?:inf|infinity|nan)$/i;
const ASCII_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
/** An underscore not between two digits. */
const MISPLACED_UNDERSCORE = /(?:^|[^0-9])_|_(?:[^0-9]|$)/;

/** Python `int(s)` in base 10, or undefined where Python raises ValueError. */
export function parsePyInt(s: string): bigint | undefined {
  const match = INT_TEXT.exec(toAsciiDigits(s));
  if (match === null) return undefined;
  const digits = match[2].includes('_') ? match[2].replaceAll('_', '') : match[2];
  if (digits.length > PY_INT_MAX_STR_DIGITS) return undefined;
  const value = BigInt(digits);
  return match[1] === '-' ? -value : value;
}

/** Python `float(s)`, or undefined where Python raises ValueError. Overflow gives ±inf, as in Python. */
export function parsePyFloat(s: string): number | undefined {
  let text = toAsciiDigits(s);
  if (text.includes('_')) {
    if (MISPLACED_UNDERSCORE.test(text)) return undefined;
    text = text.replaceAll('_', '');
  }
  text = text.replace(ASCII_SPACE, '');
  if (FLOAT_TEXT.test(text)) return Number(text); // correctly rounded, like Python's strtod
  if (!FLOAT_WORD.test(text)) return undefined;
  if (text.toLowerCase().endsWith('nan')) return NaN;
  return text[0] === '-' ? -Infinity : Infinity;
}

/** CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`; `?` marks where the text turned invalid. */
function toAsciiDigits(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x7f) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (const ch of s.slice(i)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f) out += ch;
    else if (isPyWhitespace(cp)) out += ' ';
    else {
      const digit = pyDecimalValue(cp);
      if (digit < 0) return out + '?';
      out += String.fromCharCode(0x30 + digit);
    }
  }
  return out;
}
