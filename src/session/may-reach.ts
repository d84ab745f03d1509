import {hourIndex, hourlyFrame, shift, type BucketPlan} from '../buckets.js';
import {civilFromDays} from '../time/calendar.js';
import {parseTimestamp} from '../time/iso.js';

/**
 * Whether a session file may have an event in one of the hours it is allowed to reach, decided on
 * its raw bytes, without parsing them (issue 4: in the cron path most files reach no requested
 * hour, and parsing them is most of the work). `false` is certain: time-window would drop every
 * event of the file. `true` only means "parse it and see". Returns null when it cannot help (daily
 * and every-touched-hour plans, or ranges of many years).
 *
 * Why a "no" is certain: a timestamp in the hours is a JSON string starting with its year digits
 * and dated within a day of an hour's UTC date, so any `"YYYY` that cannot be one is passed over,
 * and any other, or an escape that could hide one, answers true. The full argument is in
 * docs/design.md ("The hour prefilter").
 *
 * The answer is for a whole file, or for a piece of one with `candidatesBefore`: candidates that
 * start at or after it are left to the next piece, which holds them from their opening quote.
 */
export function hourPrefilter(plan: BucketPlan, allowed: ReadonlySet<number> | null): ((bytes: Uint8Array, candidatesBefore?: number) => boolean) | null {
  if (plan.kind !== 'hourly' || allowed === null) return null;
  if (allowed.size === 0) return () => false;
  const {base} = hourlyFrame(plan);
  // The local dates a requested hour can have: its UTC dates (an hour in an offset may straddle
  // two), give or take one day.
  const dates = new Set<number>();
  const years = new Set<number>();
  for (const index of allowed) {
    const first = Math.floor(shift(base, index * HOUR_MICROS).sec / DAY_S);
    const last = Math.floor(shift(base, (index + 1) * HOUR_MICROS - 1).sec / DAY_S);
    for (let day = first - 1; day <= last + 1; day++) {
      const {year, month, day: dayOfMonth} = civilFromDays(day);
      dates.add(year * 10000 + month * 100 + dayOfMonth);
      years.add(year);
    }
    if (years.size > MAX_YEARS) return null;
  }
  const tokens = [...years].filter(y => y >= 1 && y <= 9999).map(y => Buffer.from(`"${String(y).padStart(4, '0')}`, 'latin1'));
  const reaches = (text: string): boolean => {
    const time = parseTimestamp(text);
    return time !== null && allowed.has(hourIndex(time, base));
  };
  return (bytes, candidatesBefore = bytes.byteLength) => {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const token of tokens) {
      for (let at = buf.indexOf(token); at >= 0 && at < candidatesBefore; at = buf.indexOf(token, at + 1)) {
        // In a backfill the first timestamp usually answers, after a few bytes.
        if (candidateMayReach(buf, at, dates, reaches)) return true;
      }
    }
    return hidesCandidates(buf);
  };
}

const HOUR_MICROS = 3600e6;
const DAY_S = 86400;
/** Past this many years of hours the candidates are too many to be worth the scan. */
const MAX_YEARS = 3;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

const digit = (buf: Buffer, i: number): number => (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39 ? buf[i]! - 0x30 : -1);

function twoDigits(buf: Buffer, i: number): number {
  const a = digit(buf, i);
  const b = digit(buf, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * A `\u` escape of a digit (`u003X`) or of a quote (`u0022`): it could hide a candidate from the
 * search. One scan for what both start with, rather than one per escape (issue 11).
 */
function hidesCandidates(buf: Buffer): boolean {
  for (let at = buf.indexOf(ESCAPE_START); at >= 0; at = buf.indexOf(ESCAPE_START, at + 1)) {
    const next = buf[at + 3];
    if (next === DIGIT_3 || (next === DIGIT_2 && buf[at + 4] === DIGIT_2)) return true;
  }
  return false;
}

const ESCAPE_START = Buffer.from('u00', 'latin1');
const DIGIT_2 = 0x32;
const DIGIT_3 = 0x33;

/** The date `YYYY-MM-DD` or `YYYYMMDD` written with plain digits from `i` as yyyymmdd, or -1. */
function plainDate(buf: Buffer, i: number): number {
  const year = twoDigits(buf, i) * 100 + twoDigits(buf, i + 2);
  const extended = buf[i + 4] === MINUS;
  const month = twoDigits(buf, extended ? i + 5 : i + 4);
  const day = twoDigits(buf, extended ? i + 8 : i + 6);
  if (month < 0 || day < 0 || (extended && buf[i + 7] !== MINUS)) return -1;
  return year * 10000 + month * 100 + day;
}

/** The candidate string whose opening quote is at `at` (followed by four year digits). */
function candidateMayReach(buf: Buffer, at: number, dates: ReadonlySet<number>, reaches: (text: string) => boolean): boolean {
  const date = plainDate(buf, at + 1);
  if (date >= 0 && !dates.has(date)) return false;
  const end = buf.indexOf(QUOTE, at + 1);
  if (end < 0) return true;
  // Inside the double-encoded events string the quotes are `\"`: the text ends before the `\`.
  const inner = at > 0 && buf[at - 1] === BACKSLASH;
  const stop = inner ? end - 1 : end;
  if (inner && buf[stop] !== BACKSLASH) return true;
  const escape = buf.indexOf(BACKSLASH, at + 1);
  if (escape >= 0 && escape < stop) return true;
  return reaches(buf.toString('utf8', at + 1, stop));
}
