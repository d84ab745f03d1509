/**
 * The fast path of `parseTimestamp` (iso.ts): the shape nearly every event has,
 * `YYYY-MM-DDTHH:MM:SS[.f+][Z|±HH:MM]` with `T` or a space, read straight from char codes.
 * Bounds are checked before each read so that no NaN (`charCodeAt` past the end) enters the maths.
 */

import {COLON, COMMA, DOT, FRACTION_SCALE, LETTER_T, LETTER_Z, MINUS, PLUS, SPACE, ZERO} from './ascii.js';
import {daysFromCivilAD, daysInMonth} from './calendar.js';
import type {Instant} from './iso.js';

/**
 * The instant of a common-shape timestamp. Returns undefined for any other shape, and for
 * out-of-range fields too, so that only the full parser ever rejects; an instant it returns is the
 * one the full parser would give.
 */
export function readCommonTimestamp(s: string): Instant | undefined {
  const n = s.length;
  if (n < 19) return undefined;
  const century = twoDigits(s, 0);
  const yearOfCentury = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  const sep = s.charCodeAt(10);
  if (
    (century | yearOfCentury | month | day | hour | minute | second) < 0 ||
    s.charCodeAt(4) !== MINUS ||
    s.charCodeAt(7) !== MINUS ||
    (sep !== LETTER_T && sep !== SPACE) ||
    s.charCodeAt(13) !== COLON ||
    s.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  let i = 19;
  let micro = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === DOT || c === COMMA) {
      const first = ++i;
      for (; i < n; i++) {
        const d = s.charCodeAt(i) - ZERO;
        if (d >>> 0 > 9) break;
        // Python keeps six digits and skips the rest.
        if (i - first < 6) micro = micro * 10 + d;
      }
      const count = i - first;
      if (count === 0) return undefined;
      if (count < 6) micro *= FRACTION_SCALE[count]!;
    }
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === LETTER_Z) {
      if (i + 1 !== n) return undefined;
    } else if ((c === PLUS || c === MINUS) && i + 6 === n && s.charCodeAt(i + 3) === COLON) {
      const oh = twoDigits(s, i + 1);
      const om = twoDigits(s, i + 4);
      if ((oh | om) < 0) return undefined;
      offsetMinutes = oh * 60 + om;
      if (offsetMinutes >= 1440) return undefined;
      if (c === MINUS) offsetMinutes = -offsetMinutes;
    } else {
      return undefined;
    }
  }
  const year = century * 100 + yearOfCentury;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const sec = daysFromCivilAD(year, month, day) * 86400 + hour * 3600 + (minute - offsetMinutes) * 60 + second;
  return {sec, micro};
}

/** Two ASCII digits at i as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const hi = s.charCodeAt(i) - ZERO;
  const lo = s.charCodeAt(i + 1) - ZERO;
  return hi >>> 0 < 10 && lo >>> 0 < 10 ? hi * 10 + lo : -1;
}
