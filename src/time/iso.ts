/**
 * CPython 3.12's `datetime.fromisoformat` and `date.fromisoformat`, exactly, plus the reference's
 * timestamp rule (a non-string or empty value has no timestamp; a naive one is UTC).
 *
 * What runs in CPython is the C module `_datetime`, not `Lib/_pydatetime.py`, and the two differ
 * (the C one accepts `10:00.Z`, rejects a date followed by a bare separator, ...). So this file
 * models the C parser: it reads the string's UTF-8 bytes, with a NUL after the end, and several of
 * its checks look for that NUL rather than the end. The rules that follow, each checked against
 * Python 3.12.1 in test/time/iso.test.ts:
 *
 * - Dates: `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www`, `YYYYWww`, `YYYY-Www-D`, `YYYYWwwD`; ASCII digits
 *   only; years 0001..9999; week 53 only in 53-week ISO years; 9999-W52-6 and -7 fall in 10000.
 * - The date's length (7, 8 or 10 bytes) is guessed from bytes 4, 5, 8 and 10 before anything is
 *   parsed (`YYYYWww` followed by digits is split by the parity of the digit run). The one
 *   character after the date is skipped whatever it is: a digit, `-`, NUL, `é`, an emoji. A lone
 *   surrogate is allowed only there (the first one at code point 7, 8 or 10 counts as `T`).
 * - Time `HH[[:]MM[[:]SS]]` with a fraction after any field: `T10.5` is 10:00:00.5, `10:00:00:123`
 *   and `1000001234567` have fractions too. Fractions keep 6 digits and skip further digits.
 * - The time ends at its first `Z`, `+` or `-`. Then one stray character before it is fine
 *   (`T10:Z`, `T10xZ`, `T10:00.Z`), and so is junk after 7+ fraction digits (`.1234567xyz+05`).
 *   `Z` must end the string, or be followed by NUL (anything after the NUL is ignored).
 * - Offsets parse like times: `+05`, `+0530`, `+05:30:15.5`, `+05:00.5`, `+05:99` (= +06:39); the
 *   total must be strictly inside +-24h. An offset of zero whole seconds is UTC: `+00:00:00.5` is
 *   `+00:00`, its microseconds dropped.
 * - `date.fromisoformat` takes 7, 8 or 10 UTF-8 bytes and ignores what follows a complete date:
 *   `20260424xx` and `20260424é` are 2026-04-24.
 */

import {COLON, COMMA, DOT, FRACTION_SCALE, LETTER_T, LETTER_W, LETTER_Z, MINUS, NUL, PLUS, ZERO} from './ascii.js';
import {civilFromDays, daysFromCivil, isoWeekDate, isValidDate} from './calendar.js';
import {readCommonTimestamp} from './fast-timestamp.js';

/** A UTC instant: whole seconds since 1970-01-01T00:00:00Z (may be negative, years 1..9999 incl. offsets) and microseconds 0..999999. */
export interface Instant {
  sec: number;
  micro: number;
}

/** What fromisoformat read: wall-clock fields plus the UTC offset in microseconds (null = naive). */
export interface IsoDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  offsetMicros: number | null;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface UtcFields extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

const DAY_S = 86400;
const MAX_OFFSET_MICROS = DAY_S * 1e6;

/** Zeros after the bytes, so every read the C parser can make past the end sees its NUL. */
const PAD = 8;

/** `datetime.fromisoformat(s)`, or null where Python raises. */
export function parseIsoDateTime(s: string): IsoDateTime | null {
  const length = encode(s, true);
  return length < 0 ? null : readDateTime(buffer, length);
}

/** `date.fromisoformat(s)`, or null where Python raises. */
export function parseIsoDate(s: string): CalendarDate | null {
  const length = encode(s, false);
  return length === 7 || length === 8 || length === 10 ? readDate(buffer, length) : null;
}

/** The instant a parsed value names; a naive value is taken as UTC. */
export function toInstant(d: IsoDateTime): Instant {
  const wall = instantFromUtcFields(d.year, d.month, d.day, d.hour, d.minute, d.second, d.micro);
  const offset = d.offsetMicros;
  if (!offset) return wall;
  const subSecond = offset % 1e6;
  const micro = wall.micro - subSecond;
  const carry = Math.floor(micro / 1e6);
  return {sec: wall.sec - (offset - subSecond) / 1e6 + carry, micro: micro - carry * 1e6};
}

/**
 * The reference's `_parse_ts`: null for a non-string, an empty string or anything
 * `datetime.fromisoformat` rejects; otherwise the instant, a naive value being UTC.
 *
 * Runs once per event, so the usual shape (`YYYY-MM-DDTHH:MM:SS[.f+][Z|±HH:MM]`, `T` or space)
 * is read straight from char codes (several times faster than the full parser, see
 * docs/performance.md); everything else goes through the full parser.
 */
export function parseTimestamp(v: unknown): Instant | null {
  if (typeof v !== 'string' || v.length === 0) return null;
  const fast = readCommonTimestamp(v);
  if (fast !== undefined) return fast;
  const d = parseIsoDateTime(v);
  return d === null ? null : toInstant(d);
}

/** -1, 0 or 1 as `a` is before, at or after `b`; usable as a sort comparator. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.sec !== b.sec ? (a.sec < b.sec ? -1 : 1) : a.micro < b.micro ? -1 : a.micro > b.micro ? 1 : 0;
}

/** The instant of a UTC wall-clock time (month 1..12; a micro outside 0..999999 carries over). */
export function instantFromUtcFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  micro: number,
): Instant {
  const carry = Math.floor(micro / 1e6);
  const sec = daysFromCivil(year, month, day) * DAY_S + hour * 3600 + minute * 60 + second + carry;
  return {sec, micro: micro - carry * 1e6};
}

/** The UTC wall-clock fields of an instant (proleptic Gregorian; inverse of `instantFromUtcFields`). */
export function utcFields(i: Instant): UtcFields {
  const days = Math.floor(i.sec / DAY_S);
  const rest = i.sec - days * DAY_S;
  const {year, month, day} = civilFromDays(days);
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest - hour * 3600) / 60);
  return {year, month, day, hour, minute, second: rest - hour * 3600 - minute * 60, micro: i.micro};
}

/** `YYYY-MM-DD` as `date.isoformat()` writes it (years zero-padded to four digits). */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Where `encode` wrote its bytes: a shared buffer (parsing is synchronous, so one serves every
 * call), or a fresh one for a string too long for it, so that one huge value is not kept alive.
 */
const SHARED = new Uint8Array(1024);
let buffer = SHARED;

/**
 * Writes the UTF-8 bytes C sees into `buffer`, then PAD zeros, and returns their count; -1 where
 * CPython fails to encode the string (a lone surrogate) or, for datetime, where it is shorter than
 * 7 code points. For datetime, the first lone surrogate at code point 7, 8 or 10 (the possible
 * separator places) becomes `T` first, as CPython does so that a surrogate separator can pass.
 */
function encode(s: string, forDateTime: boolean): number {
  const size = s.length * 3 + PAD;
  const out = (buffer = size <= SHARED.length ? SHARED : new Uint8Array(size));
  let n = 0;
  let codePoint = 0;
  let replaced = false;
  for (let i = 0; i < s.length; i++, codePoint++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      const low = s.charCodeAt(i + 1);
      if (c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const u = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        out[n++] = 0xf0 | (u >> 18);
        out[n++] = 0x80 | ((u >> 12) & 0x3f);
        out[n++] = 0x80 | ((u >> 6) & 0x3f);
        out[n++] = 0x80 | (u & 0x3f);
        i++;
      } else if (forDateTime && !replaced && (codePoint === 7 || codePoint === 8 || codePoint === 10)) {
        out[n++] = LETTER_T;
        replaced = true;
      } else {
        return -1;
      }
    }
  }
  if (forDateTime && codePoint < 7) return -1;
  out.fill(NUL, n, n + PAD);
  return n;
}

/** Digit run at b[p..p+count) as a number, or -1 if any byte is not an ASCII digit. */
function digits(b: Uint8Array, p: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = b[p + k]! - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= ZERO + 9;
}

/**
 * Where the date ends, decided from a few bytes before any parsing (CPython's guess; -1 for a
 * 9-byte `YYYY-Www-`). `YYYYWww` may be followed by a day digit, a digit separator or both, so
 * the run of digits after it decides: an even end index means `YYYYWww` plus separator.
 */
function dateLength(b: Uint8Array, length: number): number {
  if (length === 7) return 7;
  if (b[4] === MINUS) {
    if (b[5] !== LETTER_W) return 10;
    if (length > 8 && b[8] === MINUS) {
      if (length === 9) return -1;
      // `YYYY-Www-` then a digit: read as `YYYY-Www` with `-` as the separator.
      return length > 10 && isDigit(b[10]!) ? 8 : 10;
    }
    return 8;
  }
  if (b[4] !== LETTER_W) return 8;
  let end = 7;
  while (end < length && isDigit(b[end]!)) end++;
  if (end < 9) return end;
  return end % 2 === 0 ? 7 : 8;
}

/** The date in b[0..length): C's parser, which does not check that it used all `length` bytes. */
function readDate(b: Uint8Array, length: number): CalendarDate | null {
  const year = digits(b, 0, 4);
  if (year < 0) return null;
  const dashed = b[4] === MINUS;
  let p = dashed ? 5 : 4;
  if (b[p] === LETTER_W) {
    const week = digits(b, p + 1, 2);
    if (week < 0) return null;
    p += 3;
    let weekDay = 1;
    if (p < length) {
      if (dashed && b[p++] !== MINUS) return null;
      weekDay = digits(b, p, 1);
      if (weekDay < 0) return null;
    }
    return isoWeekDate(year, week, weekDay);
  }
  const month = digits(b, p, 2);
  if (month < 0) return null;
  p += 2;
  if (dashed && b[p++] !== MINUS) return null;
  const day = digits(b, p, 2);
  return day >= 0 && isValidDate(year, month, day) ? {year, month, day} : null;
}

function readDateTime(b: Uint8Array, length: number): IsoDateTime | null {
  const dateEnd = dateLength(b, length);
  if (dateEnd < 0) return null;
  const date = readDate(b, dateEnd);
  if (date === null) return null;
  const result: IsoDateTime = {
    year: date.year,
    month: date.month,
    day: date.day,
    hour: 0,
    minute: 0,
    second: 0,
    micro: 0,
    offsetMicros: null,
  };
  if (length <= dateEnd) return result;
  // Skip the separator, one whole character whatever it is; its lead byte gives its UTF-8 width.
  const lead = b[dateEnd]!;
  const width = lead < 0x80 ? 1 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf0) === 0xf0 ? 4 : 2;
  return readTime(b, dateEnd + width, length, result) ? result : null;
}

/**
 * Reads a clock in b[start..end) into `out` (hour, minute, second, microsecond) like C's `parse_hh_mm_ss_ff`: -1 on a bad field or
 * separator; else 0, or 1 if it stopped before the NUL (trailing junk, which only matters when no
 * offset follows). Not range-checked: offsets may have minute 99.
 */
function readClock(b: Uint8Array, start: number, end: number, out: number[]): number {
  out[0] = out[1] = out[2] = out[3] = 0;
  let p = start;
  let colons = true;
  for (let field = 0; field < 3; field++) {
    const value = digits(b, p, 2);
    if (value < 0) return -1;
    out[field] = value;
    p += 2;
    const c = b[p++]!;
    if (field === 0) colons = c === COLON;
    // The byte after the field was the last one (or the one at `end`): done, with or without junk.
    if (p >= end) return c !== NUL ? 1 : 0;
    if (colons && c === COLON) continue;
    if (c === DOT || c === COMMA) break;
    if (colons) return -1;
    p--;
  }
  const toRead = Math.min(end - p, 6);
  const fraction = digits(b, p, toRead);
  if (fraction < 0) return -1;
  out[3] = fraction * FRACTION_SCALE[toRead]!;
  p += toRead;
  while (isDigit(b[p]!)) p++;
  return b[p] !== NUL ? 1 : 0;
}

/** Reads the time and offset in b[start..end) into `result`; false where Python raises. */
function readTime(b: Uint8Array, start: number, end: number, result: IsoDateTime): boolean {
  // The first `Z`, `+` or `-` starts the offset; the byte at `start` is looked at even when the
  // time is empty (it is then the NUL, and the clock fails on it).
  let tz = start;
  do {
    const c = b[tz];
    if (c === LETTER_Z || c === PLUS || c === MINUS) break;
  } while (++tz < end);
  const clock = [0, 0, 0, 0];
  const rv = readClock(b, start, tz, clock);
  if (rv < 0) return false;
  const [hour, minute, second, micro] = clock as [number, number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return false;
  result.hour = hour;
  result.minute = minute;
  result.second = second;
  result.micro = micro;
  if (tz >= end) return rv === 0;
  if (b[tz] === LETTER_Z) {
    result.offsetMicros = 0;
    return b[tz + 1] === NUL;
  }
  if (readClock(b, tz + 1, end, clock) !== 0) return false;
  const sign = b[tz] === MINUS ? -1 : 1;
  const seconds = clock[0]! * 3600 + clock[1]! * 60 + clock[2]!;
  // CPython makes a zero-second offset UTC before it looks at the offset's microseconds.
  const offset = seconds === 0 ? 0 : sign * (seconds * 1e6 + clock[3]!);
  if (offset <= -MAX_OFFSET_MICROS || offset >= MAX_OFFSET_MICROS) return false;
  result.offsetMicros = offset;
  return true;
}
