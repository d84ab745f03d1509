import {isPyWhitespace} from '../py/unicode.js';
import {closingQuoteByte} from '../parse/closing-quote.js';

/**
 * Where the session rows on one line of standard input begin and end (issue 14). `cat` of uploaded
 * files runs rows together (`{...}{...}`), and a file that is not a plain row (a BOM, `[1, 2, 3]`,
 * `"session"`, `true`, a truncated row, garbage) must cost only itself: the scan resynchronises at
 * the next place a row can start and reads every row after it.
 *
 * A row starts at a `{` that opens a structurally complete object followed by the end of the line
 * or by anything that cannot continue an enclosing value (not `,` `}` `]` `:`); a `{` inside an
 * uploaded row's double-encoded strings is followed by `\"` and never qualifies. Whitespace
 * (Python's, which `strip()` removes) and byte order marks before a row belong to that row, so a
 * file with a BOM is skipped whole, as the reference skips it. The structure check is lenient about
 * what strings, numbers and literals hold: the session reader decides validity, the scan only cuts.
 */
export function rowCuts(bytes: Uint8Array): number[] {
  const cuts: number[] = [];
  let pos = skipGap(bytes, 0);
  while (pos < bytes.length) {
    const end = valueEnd(bytes, pos);
    if (end >= 0) {
      const next = skipGap(bytes, end);
      if (next >= bytes.length) break;
      cuts.push(end); // whatever follows is another row, valid or not
      pos = next;
      continue;
    }
    const start = nextRowStart(bytes, pos + 1);
    if (start < 0) break; // the rest of the line stays with this (bad) row
    cuts.push(gapStart(bytes, start, pos + 1));
    pos = start;
  }
  return cuts;
}

const QUOTE = 0x22, OPEN = 0x7b, CLOSE = 0x7d, OPEN_LIST = 0x5b, CLOSE_LIST = 0x5d, COMMA = 0x2c, COLON = 0x3a;

/** The first `{` at or after `from` that starts a row (see rowCuts), or -1. */
function nextRowStart(bytes: Uint8Array, from: number): number {
  for (let q = bytes.indexOf(OPEN, from); q >= 0; q = bytes.indexOf(OPEN, q + 1)) {
    const end = valueEnd(bytes, q);
    if (end < 0) continue;
    const after = bytes[skipGap(bytes, end)];
    if (after !== COMMA && after !== CLOSE && after !== CLOSE_LIST && after !== COLON) return q;
  }
  return -1;
}

/** Where the whitespace and BOMs just before `start` begin (not before `floor`). */
function gapStart(bytes: Uint8Array, start: number, floor: number): number {
  let runStart = start;
  for (let i = floor; i < start; ) {
    const n = gapCharLength(bytes, i);
    if (n === 0) {
      i++;
      runStart = start;
    } else {
      if (runStart === start) runStart = i;
      i += n;
    }
  }
  return runStart;
}

/** Index past the whitespace and BOMs at `i`. */
function skipGap(bytes: Uint8Array, i: number): number {
  for (let n = gapCharLength(bytes, i); n > 0; n = gapCharLength(bytes, i)) i += n;
  return i;
}

/** Byte length of the UTF-8 character at `i` when it is Python whitespace or a BOM, else 0. */
function gapCharLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b === undefined) return 0;
  if (b < 0x80) return isPyWhitespace(b) ? 1 : 0;
  let cp: number, n: number;
  if (b >= 0xc2 && b < 0xe0) [cp, n] = [((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f), 2];
  else if (b >= 0xe0 && b < 0xf0) [cp, n] = [((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f), 3];
  else return 0;
  for (let k = 1; k < n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return 0;
  return cp === 0xfeff || isPyWhitespace(cp) ? n : 0;
}

const isJsonSpace = (b: number | undefined) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function skipJsonSpace(bytes: Uint8Array, i: number): number {
  while (isJsonSpace(bytes[i])) i++;
  return i;
}

const isLetter = (b: number | undefined) => b !== undefined && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

/** A byte of a number: digits, sign, point, exponent. */
const isNumberByte = (b: number | undefined) => b !== undefined && ((b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2d || b === 0x2e || b === 0x45 || b === 0x65);

/**
 * Index just past the JSON value starting at `i` when its structure is complete (brackets, commas,
 * colons, closed strings), or -1. Iterative, so no nesting depth can overflow the stack.
 */
export function valueEnd(bytes: Uint8Array, i: number): number {
  const closers: number[] = [];
  for (;;) {
    // A value at i.
    const b = bytes[i];
    if (b === QUOTE) {
      i = closingQuoteByte(bytes, i + 1);
      if (i < 0) return -1;
      i++;
    } else if (b === OPEN || b === OPEN_LIST) {
      const close = b === OPEN ? CLOSE : CLOSE_LIST;
      const first = skipJsonSpace(bytes, i + 1);
      if (bytes[first] === close) {
        i = first + 1;
      } else {
        closers.push(close);
        i = close === CLOSE ? objectKey(bytes, first) : first;
        if (i < 0) return -1;
        continue;
      }
    } else if (isLetter(b)) {
      while (isLetter(bytes[i])) i++;
    } else if (b === 0x2d && bytes[i + 1] === 0x49) {
      // -Infinity, the one number spelled with letters
      for (i++; isLetter(bytes[i]); ) i++;
    } else if (isNumberByte(b)) {
      while (isNumberByte(bytes[i])) i++; // `42null` is two values
    } else {
      return -1;
    }
    // After a value: a comma and the next member, or the end of containers.
    for (;;) {
      if (closers.length === 0) return i;
      i = skipJsonSpace(bytes, i);
      const close = closers[closers.length - 1];
      if (bytes[i] === close) {
        closers.pop();
        i++;
      } else if (bytes[i] === COMMA) {
        i = skipJsonSpace(bytes, i + 1);
        if (close === CLOSE) i = objectKey(bytes, i);
        if (i < 0) return -1;
        break;
      } else {
        return -1;
      }
    }
  }
}

/** Past `"key" :` and the space after it, at the member's value; -1 if that is not there. */
function objectKey(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== QUOTE) return -1;
  i = closingQuoteByte(bytes, i + 1);
  if (i < 0) return -1;
  i = skipJsonSpace(bytes, i + 1);
  return bytes[i] === COLON ? skipJsonSpace(bytes, i + 1) : -1;
}
