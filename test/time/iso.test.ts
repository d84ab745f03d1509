import {describe, expect, it} from 'vitest';
import {
  compareInstants,
  formatDate,
  parseIsoDate,
  parseIsoDateTime,
  parseTimestamp,
  toInstant,
  type IsoDateTime,
} from '../../src/time/iso.js';
import {python, pythonMissing} from '../support/python.js';
import {cpythonAnswers, mismatches} from './cpython.js';
import {Rng} from '../py/generate.js';
import {allTails, clockText, commonShape, dateText, isoText, mutate} from './generate.js';

/** What Python's `datetime.isoformat()` prints for the value, to write expectations as Python shows them. */
function isoformat(d: IsoDateTime): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const p6 = (n: number) => String(n).padStart(6, '0');
  let s = `${formatDate(d.year, d.month, d.day)}T${p2(d.hour)}:${p2(d.minute)}:${p2(d.second)}`;
  if (d.micro) s += `.${p6(d.micro)}`;
  if (d.offsetMicros !== null) {
    const abs = Math.abs(d.offsetMicros);
    const seconds = Math.floor(abs / 1e6);
    const micro = abs % 1e6;
    s += `${d.offsetMicros < 0 ? '-' : '+'}${p2(Math.floor(seconds / 3600))}:${p2(Math.floor(seconds / 60) % 60)}`;
    if (seconds % 60 || micro) s += `:${p2(seconds % 60)}`;
    if (micro) s += `.${p6(micro)}`;
  }
  return s;
}

const fromisoformat = (s: string) => {
  const d = parseIsoDateTime(s);
  return d === null ? null : isoformat(d);
};

/** Input and what Python 3.12.1's `datetime.fromisoformat(input).isoformat()` gives (null: it raises). */
type Case = readonly [string, string | null];

const DATE_FORMS: Case[] = [
  ['2026-04-24', '2026-04-24T00:00:00'],
  ['20260424', '2026-04-24T00:00:00'],
  ['2026-W17', '2026-04-20T00:00:00'],
  ['2026W17', '2026-04-20T00:00:00'],
  ['2026-W17-5', '2026-04-24T00:00:00'],
  ['2026W175', '2026-04-24T00:00:00'],
  ['2026-W53', '2026-12-28T00:00:00'], // 2026 starts on a Thursday: 53 ISO weeks
  ['2025-W53', null],
  ['2020-W53-7', '2021-01-03T00:00:00'], // leap year starting on a Wednesday
  ['2026-W00', null],
  ['2026-W17-0', null],
  ['2026-W17-8', null],
  ['0001-W01-1', '0001-01-01T00:00:00'],
  ['9999-W52-5', '9999-12-31T00:00:00'],
  ['9999-W52-6', null], // 10000-01-01
  ['0000-W52-7', null],
  ['0000-01-01', null],
  ['0001-01-01', '0001-01-01T00:00:00'],
  ['2024-02-29', '2024-02-29T00:00:00'],
  ['2026-02-29', null],
  ['2026-02-30', null],
  ['2026-115', null], // ordinal dates are not in 3.12
  ['2026-4-24', null],
  ['2026-04', null],
  ['2026-0424', null],
  ['202604-24', null],
  ['2026-04-2\u0664', null], // ARABIC-INDIC DIGIT FOUR
  ['2026-04-\uff12\uff14', null], // FULLWIDTH digits
];

const SEPARATORS: Case[] = [
  ['2026-04-24T10:00', '2026-04-24T10:00:00'],
  ['2026-04-24 10:00', '2026-04-24T10:00:00'],
  ['2026-04-24t10:00', '2026-04-24T10:00:00'],
  ['2026-04-24-10:00', '2026-04-24T10:00:00'],
  ['2026-04-24+10:00', '2026-04-24T10:00:00'],
  ['2026-04-24Z10:00', '2026-04-24T10:00:00'],
  ['2026-04-24510:00', '2026-04-24T10:00:00'], // a digit is a separator too
  ['20260424110:00', '2026-04-24T10:00:00'],
  ['2026-04-24\u00e910:00', '2026-04-24T10:00:00'], // é, 2 UTF-8 bytes
  ['2026-04-24\u066310:00', '2026-04-24T10:00:00'], // ARABIC-INDIC DIGIT THREE
  ['2026-04-24\u4e2d10:00', '2026-04-24T10:00:00'],
  ['2026-04-24\u{1f600}10:00', '2026-04-24T10:00:00'],
  ['2026-04-24\u000010:00', '2026-04-24T10:00:00'],
  ['2026-04-24\ud80010:00', '2026-04-24T10:00:00'], // a lone surrogate, but only as the separator
  ['2026-04-24\ud800\ud80010:00', null],
  ['2026-04-24T10:00\udc00', null],
  ['2026-04-24T', null], // the C parser wants a time after a separator
  ['2026-04-24\u00e9', null],
  ['2026-04-24\u0663\u0661\u0660', null],
  ['2026W17T10', '2026-04-20T10:00:00'],
  ['2026W175T10', '2026-04-24T10:00:00'],
  ['2026W1751000', '2026-04-20T10:00:00'], // even digit run: 2026W17, separator 5, 1000
  ['2026W175100', '2026-04-24T00:00:00'], // odd digit run: 2026W175, separator 1, 00
  ['2026-W17-5T10', '2026-04-24T10:00:00'],
  ['2026-W17-1000', '2026-04-20T10:00:00'], // a digit at 10: 2026-W17, separator -, 1000
  ['2026W17x10\ud800Z', '2026-04-20T10:00:00+00:00'], // the surrogate at 10 reads as T: 10T then Z
];

const TIMES: Case[] = [
  ['2026-04-24T10', '2026-04-24T10:00:00'],
  ['2026-04-24T1000', '2026-04-24T10:00:00'],
  ['2026-04-24T100015', '2026-04-24T10:00:15'],
  ['2026-04-24T10:00:15', '2026-04-24T10:00:15'],
  ['2026-04-24T10.5', '2026-04-24T10:00:00.500000'],
  ['2026-04-24T10:30,25', '2026-04-24T10:30:00.250000'],
  ['2026-04-24T10:00:00.1', '2026-04-24T10:00:00.100000'],
  ['2026-04-24T10:00:00.1234567', '2026-04-24T10:00:00.123456'],
  ['2026-04-24T10:00:00.9999999999', '2026-04-24T10:00:00.999999'],
  ['2026-04-24T10:00:00:123', '2026-04-24T10:00:00.123000'],
  ['2026-04-24T1000001234567', '2026-04-24T10:00:00.123456'],
  ['2026-04-24T10:0000', null],
  ['2026-04-24T1000:00', null],
  ['2026-04-24T24:00', null],
  ['2026-04-24T23:60', null],
  ['2026-04-24T23:59:60', null],
  ['2026-04-24T1', null],
  ['2026-04-24T10:0', null],
  ['2026-04-24T10:00 ', null],
  ['2026-04-24T10:', null],
  ['2026-04-24T10:00:00.', null],
  ['2026-04-24T10:00:00.123x', null],
  ['2026-04-24T1\u0663:00', null],
  ['2026-04-24T10\u0000', '2026-04-24T10:00:00'], // the C parser stops at NUL
  ['2026-04-24T10:00:00.123456\u0000xyz', '2026-04-24T10:00:00.123456'],
];

const OFFSETS: Case[] = [
  ['2026-04-24T10:00Z', '2026-04-24T10:00:00+00:00'],
  ['2026-04-24T10:00z', null],
  ['2026-04-24T10:00+05:30', '2026-04-24T10:00:00+05:30'],
  ['2026-04-24T10:00+0530', '2026-04-24T10:00:00+05:30'],
  ['2026-04-24T10:00+05', '2026-04-24T10:00:00+05:00'],
  ['2026-04-24T10:00-05:30:15', '2026-04-24T10:00:00-05:30:15'],
  ['2026-04-24T10:00+05:30:15.5', '2026-04-24T10:00:00+05:30:15.500000'],
  ['2026-04-24T10:00+053015,5', '2026-04-24T10:00:00+05:30:15.500000'],
  ['2026-04-24T10:00+05:00.5', '2026-04-24T10:00:00+05:00:00.500000'],
  ['2026-04-24T10:00+05:99', '2026-04-24T10:00:00+06:39'],
  ['2026-04-24T10:00+23:59:59.999999', '2026-04-24T10:00:00+23:59:59.999999'],
  ['2026-04-24T10:00-23:59:59.9999999', '2026-04-24T10:00:00-23:59:59.999999'],
  ['2026-04-24T10:00+24:00', null],
  ['2026-04-24T10:00+23:60', null],
  ['2026-04-24T10:00+00:00:00.5', '2026-04-24T10:00:00+00:00'], // zero whole seconds: UTC
  ['2026-04-24T10:00-00:00', '2026-04-24T10:00:00+00:00'],
  ['2026-04-24T10:00+5', null],
  ['2026-04-24T10:00+05:', null],
  ['2026-04-24T10:00+', null],
  ['2026-04-24T10:00Z+05', null],
  ['2026-04-24T10:00+05Z', null],
  ['2026-04-24T+05:00', null],
  ['2026-04-24T10:Z', '2026-04-24T10:00:00+00:00'], // one stray byte may end the time
  ['2026-04-24T10xZ', '2026-04-24T10:00:00+00:00'],
  ['2026-04-24T10:00.Z', '2026-04-24T10:00:00+00:00'],
  ['2026-04-24T10:00:00.Z', '2026-04-24T10:00:00+00:00'],
  ['2026-04-24T1000x+05:00', '2026-04-24T10:00:00+05:00'],
  ['2026-04-24T10:00:00.1234567xyz+05', '2026-04-24T10:00:00.123456+05:00'],
  ['2026-04-24T10:00:00.123x+05', null],
  ['2026-04-24T10:00Z\u0000abc', '2026-04-24T10:00:00+00:00'],
  ['0001-01-01T00:00+01:00', '0001-01-01T00:00:00+01:00'],
  ['9999-12-31T23:59-01:00', '9999-12-31T23:59:00-01:00'],
];

/** Input and Python's `date.fromisoformat(input).isoformat()`. */
const DATES_ONLY: Case[] = [
  ['2026-04-24', '2026-04-24'],
  ['20260424', '2026-04-24'],
  ['2026-W17', '2026-04-20'],
  ['2026W17', '2026-04-20'],
  ['2026-W17-5', '2026-04-24'],
  ['2026W175', '2026-04-24'],
  ['20260424xx', '2026-04-24'], // 10 bytes; the C parser ignores what follows a full date
  ['2026W175xx', '2026-04-24'],
  ['20260424\u00e9', '2026-04-24'], // é makes 10 UTF-8 bytes
  ['2026-W17xx', null],
  ['2026-04-24T10', null],
  ['2026042', null],
  ['2026-04', null],
  ['2026-04-2\ud800', null],
  ['2026-02-29', null],
  ['9999-W52-6', null],
];

const DATETIME_CASES = [...DATE_FORMS, ...SEPARATORS, ...TIMES, ...OFFSETS];

describe('parseIsoDateTime', () => {
  const table = (name: string, cases: Case[]) =>
    it(name, () => {
      expect(cases.map(([s]) => [s, fromisoformat(s)])).toEqual(cases);
    });
  table('reads the six 3.12 date forms and rejects ordinal dates, year 0 and impossible days', DATE_FORMS);
  table('takes any one character after the date as the separator, wherever the date ends', SEPARATORS);
  table('reads HH[[:]MM[[:]SS]] with a fraction after any field, truncated to 6 digits', TIMES);
  table('reads Z and offsets like times, strictly inside 24 h, and drops micros of a zero offset', OFFSETS);
});

describe('parseIsoDate', () => {
  it('reads 7, 8 or 10 bytes and ignores what follows a full date', () => {
    const got = DATES_ONLY.map(([s]) => {
      const d = parseIsoDate(s);
      return [s, d === null ? null : formatDate(d.year, d.month, d.day)];
    });
    expect(got).toEqual(DATES_ONLY);
  });
});

describe('parseTimestamp', () => {
  it('gives no timestamp for non-strings and the empty string', () => {
    for (const v of [undefined, null, 0, 1, 1777024800, 1777024800n, true, [], {}, ['2026-04-24'], '']) {
      expect(parseTimestamp(v)).toBeNull();
    }
  });

  it('takes a naive timestamp as UTC', () => {
    expect(parseTimestamp('2026-04-24T10:00:00')).toEqual(parseTimestamp('2026-04-24T10:00:00+00:00'));
    expect(parseTimestamp('1970-01-01')).toEqual({sec: 0, micro: 0});
  });

  it('subtracts the offset, microseconds included', () => {
    expect(parseTimestamp('1970-01-01T00:00:00+00:00:01.000001')).toEqual({sec: -2, micro: 999999});
    expect(parseTimestamp('1970-01-01T00:00:00.5-00:00:01.5')).toEqual({sec: 2, micro: 0});
    expect(parseTimestamp('2026-04-24T15:30:00.25+05:30')).toEqual(parseTimestamp('2026-04-24T10:00:00.25Z'));
  });

  it('reaches before year 1 and past year 9999 through offsets', () => {
    expect(parseTimestamp('0001-01-01T00:00:00+23:59')).toEqual({sec: -62135596800 - 86340, micro: 0});
    expect(parseTimestamp('9999-12-31T23:59:59.999999-23:59')).toEqual({sec: 253402300799 + 86340, micro: 999999});
  });

  it('agrees with the full parser on every rule case', () => {
    for (const [s] of DATETIME_CASES) {
      const d = parseIsoDateTime(s);
      expect(parseTimestamp(s), JSON.stringify(s)).toEqual(d === null ? null : toInstant(d));
    }
  });
});

describe('compareInstants', () => {
  it('orders by seconds, then microseconds', () => {
    expect(compareInstants({sec: -1, micro: 999999}, {sec: 0, micro: 0})).toBe(-1);
    expect(compareInstants({sec: 5, micro: 2}, {sec: 5, micro: 1})).toBe(1);
    expect(compareInstants({sec: 5, micro: 1}, {sec: 5, micro: 1})).toBe(0);
  });
});

describe.skipIf(!!pythonMissing)('fromisoformat against CPython 3.12', () => {
  it('the rule tables above are what CPython says', () => {
    const strings = [...DATETIME_CASES, ...DATES_ONLY].map(([s]) => s);
    const got = python<Array<[string | null, string | null]>>(
      `
import sys, json
from datetime import date, datetime
def call(f, s):
    try:
        return f(s).isoformat()
    except Exception:
        return None
print(json.dumps([[call(datetime.fromisoformat, s), call(date.fromisoformat, s)] for s in json.load(sys.stdin)]))
`,
      strings,
    );
    const datetimes = DATETIME_CASES.map(([s], k) => [s, got[k]![0]]);
    const dates = DATES_ONLY.map(([s], k) => [s, got[DATETIME_CASES.length + k]![1]]);
    expect(datetimes).toEqual(DATETIME_CASES);
    expect(dates).toEqual(DATES_ONLY);
  });

  /** Compares on every string; Python must accept at least `minAccepted` of them. */
  const compare = (strings: string[], minAccepted: number) => {
    const {checked, accepted, wrong} = mismatches(strings);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBe(strings.length);
    // A generator whose strings Python nearly always rejects tests little of the grammar.
    expect(accepted).toBeGreaterThanOrEqual(minAccepted);
  };

  it('agrees on 20,000 well-formed values of every form, fields in and out of range', () => {
    const r = new Rng(1);
    compare(Array.from({length: 20000}, () => isoText(r)), 8000);
  });

  it('agrees on 30,000 mutations (drop, insert, replace, swap, repeat, cut)', () => {
    const r = new Rng(2);
    compare(Array.from({length: 30000}, () => mutate(r, r.chance(0.7) ? isoText(r) : commonShape(r))), 1000);
  });

  it('agrees on every time of up to 5 characters from 1 0 : . Z + - x', () => {
    compare(allTails('2026-04-24T', ['1', '0', ':', '.', 'Z', '+', '-', 'x'], 5), 100);
  });

  it('agrees on every offset of up to 5 characters from 0 1 5 : . , Z x', () => {
    const alphabet = ['0', '1', '5', ':', '.', ',', 'Z', 'x'];
    compare([...allTails('2026-04-24T10:00+', alphabet, 5), ...allTails('2026-04-24T10-', alphabet, 4)], 250);
  });

  it('agrees on every date shape of up to 5 characters after the year, and 20,000 longer ones', () => {
    const alphabet = ['-', 'W', '0', '1', '5', 'T', ':'];
    const r = new Rng(3);
    const longer = Array.from({length: 20000}, () => {
      let s = '2026';
      for (let n = r.int(4, 12); n > 0; n--) s += r.pick([...alphabet, '2', 'Z', 'x', '\u00e9']);
      return s;
    });
    compare([...allTails('2026', alphabet, 5), ...longer], 50);
  });

  it('agrees on years 0000, 0001 and 9999, leap days and week dates, with extreme offsets', () => {
    const strings: string[] = [];
    const years = ['0000', '0001', '0002', '0004', '0100', '1900', '2000', '2020', '2024', '2025', '2026', '9998', '9999'];
    const times = ['', 'T00:00', 'T23:59:59.999999'];
    const offsets = ['', 'Z', '+00:00:00.5', '-00:00:00.000001', '+01:00', '-01:00', '+23:59:59.999999', '-23:59:59.999999'];
    for (const y of years) {
      const dates = ['01-01', '02-28', '02-29', '02-30', '12-31'].map(md => `${y}-${md}`);
      for (let w = 0; w <= 54; w++) {
        for (const d of [0, 1, 4, 7, 8]) dates.push(`${y}-W${String(w).padStart(2, '0')}-${d}`);
        dates.push(`${y}W${String(w).padStart(2, '0')}`);
      }
      for (const date of dates) {
        strings.push(date);
        for (const t of times.slice(1)) for (const o of offsets) strings.push(date + t + o);
      }
    }
    compare(strings, 30000);
  });

  it('agrees on 10,000 dates and 10,000 clocks glued to random prefixes and suffixes', () => {
    const r = new Rng(4);
    const strings = Array.from({length: 10000}, () => dateText(r) + r.pick(['', 'x', 'xx', '\u00e9', '\u0000', ' ']));
    for (let k = 0; k < 10000; k++) strings.push(`2026-04-24${r.pick(['T', ' ', '1'])}${clockText(r, 25)}`);
    compare(strings, 6000);
  });

  it('gets wall fields, offset and the exact UTC instant from Python in one row', () => {
    const answers = cpythonAnswers(['2026-04-24T10:00:00.5+05:30']);
    expect(answers).toEqual([[[2026, 4, 24, 10, 0, 0, 500000, 19800000000, 1777005000, 500000], null]]);
  });
});
