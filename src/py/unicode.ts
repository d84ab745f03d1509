/**
 * The three Unicode properties Python's str functions need: whitespace (`str.strip`, `int()`,
 * `float()`), decimal digits (`int()`, `float()`) and printable (`repr()`).
 *
 * They come from tables generated from Python 3.12's own database (Unicode 15.0) rather than from
 * JavaScript regex properties: Node ships a newer Unicode, so `\p{Nd}` or `\p{Cn}` would accept
 * digits and letters that Python 3.12 does not know.
 */

import {DECIMAL_ZEROS, PRINTABLE_FLIPS} from './unicode-data.js';

/**
 * Python's whitespace (`str.isspace`): bidi classes WS, B, S and category Zs. Includes the
 * separators U+001C..U+001F and U+0085, but not U+200B or U+FEFF.
 */
export function isPyWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f);
  return (
    cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
  );
}

/** The value 0..9 of a Unicode decimal digit (category Nd), or -1. */
export function pyDecimalValue(cp: number): number {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39 ? cp - 0x30 : -1;
  // Every Nd run is ten consecutive code points starting at its zero.
  let lo = 0;
  let hi = DECIMAL_ZEROS.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const zero = DECIMAL_ZEROS[mid];
    if (cp < zero) hi = mid - 1;
    else if (cp >= zero + 10) lo = mid + 1;
    else return cp - zero;
  }
  return -1;
}

const flips = decodeFlips(PRINTABLE_FLIPS);

/** Python's `str.isprintable()` for one code point (false for controls, format, unassigned, separators but space). */
export function isPyPrintable(cp: number): boolean {
  if (cp < 0x7f) return cp >= 0x20;
  // Count the flips at or below cp: an odd count means inside a non-printable range.
  let lo = 0;
  let hi = flips.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flips[mid] <= cp) lo = mid + 1;
    else hi = mid;
  }
  return (lo & 1) === 0;
}

function decodeFlips(encoded: string): Uint32Array {
  const deltas = encoded.split(',');
  const out = new Uint32Array(deltas.length);
  let at = 0;
  for (let i = 0; i < deltas.length; i++) out[i] = at += parseInt(deltas[i], 36);
  return out;
}
