/**
 * Asks CPython 3.12 what `datetime.fromisoformat` and `date.fromisoformat` make of many strings
 * in one call, and puts our answers in the same row shape for a direct comparison.
 */

import {parseIsoDate, parseIsoDateTime, parseTimestamp, toInstant, type Instant} from '../../src/time/iso.js';
import {python} from '../support/python.js';

/** Wall fields, offset in microseconds (null = naive), then the UTC instant as seconds and microseconds. */
export type DateTimeRow = [number, number, number, number, number, number, number, number | null, number, number];
export type DateRow = [number, number, number];
/** One string's answers: datetime.fromisoformat and date.fromisoformat (null where Python raises). */
export type Answers = [DateTimeRow | null, DateRow | null];

// The instant comes from timedelta arithmetic on the naive value, so offsets that push it past
// year 1 or 9999 still give an exact answer.
const FROMISOFORMAT = `
import sys, json
from datetime import date, datetime, timedelta
EPOCH = datetime(1970, 1, 1)
def micros(td):
    return (td.days * 86400 + td.seconds) * 10**6 + td.microseconds
def datetime_row(s):
    try:
        d = datetime.fromisoformat(s)
    except Exception:
        return None
    off = d.utcoffset()
    utc = d.replace(tzinfo=None) - EPOCH - (off or timedelta(0))
    return [d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond,
            None if off is None else micros(off), utc.days * 86400 + utc.seconds, utc.microseconds]
def date_row(s):
    try:
        d = date.fromisoformat(s)
    except Exception:
        return None
    return [d.year, d.month, d.day]
print(json.dumps([[datetime_row(s), date_row(s)] for s in json.load(sys.stdin)]))
`;

export function cpythonAnswers(strings: readonly string[]): Answers[] {
  return python<Answers[]>(FROMISOFORMAT, strings);
}

export function ourAnswers(s: string): Answers {
  const d = parseIsoDateTime(s);
  const date = parseIsoDate(s);
  let row: DateTimeRow | null = null;
  if (d !== null) {
    const i = toInstant(d);
    row = [d.year, d.month, d.day, d.hour, d.minute, d.second, d.micro, d.offsetMicros, i.sec, i.micro];
  }
  return [row, date === null ? null : [date.year, date.month, date.day]];
}

/** The instant `_parse_ts` gives according to Python's answers. */
export function expectedInstant(answers: Answers): Instant | null {
  const row = answers[0];
  return row === null ? null : {sec: row[8], micro: row[9]};
}

export interface Mismatch {
  input: string;
  python: unknown;
  ours: unknown;
}

/** Every string where our answers differ from CPython's, plus where parseTimestamp disagrees. */
export function mismatches(strings: readonly string[]): {checked: number; accepted: number; wrong: Mismatch[]} {
  const theirs = cpythonAnswers(strings);
  const wrong: Mismatch[] = [];
  let accepted = 0;
  strings.forEach((input, k) => {
    const expected = theirs[k]!;
    const ours = ourAnswers(input);
    if (expected[0] !== null) accepted++;
    if (JSON.stringify(ours) !== JSON.stringify(expected)) wrong.push({input, python: expected, ours});
    const ts = parseTimestamp(input);
    const want = expectedInstant(expected);
    if (JSON.stringify(ts) !== JSON.stringify(want)) wrong.push({input, python: want, ours: ts});
  });
  return {checked: strings.length, accepted, wrong};
}
