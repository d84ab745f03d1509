import {describe, expect, it} from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  daysFromCivilAD,
  daysInMonth,
  isoWeekDate,
  isValidDate,
  weekday,
} from '../../src/time/calendar.js';
import {formatDate, instantFromUtcFields, utcFields} from '../../src/time/iso.js';
import {python, pythonMissing} from '../support/python.js';
import {Rng} from '../py/generate.js';

/** Days from 1970-01-01 of 0001-01-01 and 9999-12-31. */
const FIRST_DAY = -719162;
const LAST_DAY = 2932896;

describe('daysFromCivil and civilFromDays', () => {
  it('number every day from 0001-01-01 to 9999-12-31 in order, and invert each other', () => {
    let [year, month, day] = [1, 1, 1];
    let bad = 0;
    for (let n = FIRST_DAY; n <= LAST_DAY; n++) {
      const back = civilFromDays(n);
      if (daysFromCivil(year, month, day) !== n || daysFromCivilAD(year, month, day) !== n) bad++;
      if (back.year !== year || back.month !== month || back.day !== day) bad++;
      if (++day > daysInMonth(year, month)) [day, month] = [1, month + 1];
      if (month > 12) [month, year] = [1, year + 1];
    }
    expect(bad).toBe(0);
    expect([year, month, day]).toEqual([10000, 1, 1]);
  });

  it('count days before year 1 too (offsets reach 0000-12-31)', () => {
    expect(daysFromCivil(0, 12, 31)).toBe(FIRST_DAY - 1);
    expect(civilFromDays(FIRST_DAY - 1)).toEqual({year: 0, month: 12, day: 31});
  });

  it('put 1970-01-01 on a Thursday', () => {
    expect(weekday(0)).toBe(3);
    expect(weekday(FIRST_DAY)).toBe(0); // 0001-01-01 was a Monday
  });
});

describe('isValidDate', () => {
  it('takes years 1..9999 and the real length of each month', () => {
    expect(isValidDate(2024, 2, 29)).toBe(true);
    expect(isValidDate(1900, 2, 29)).toBe(false);
    expect(isValidDate(2000, 2, 29)).toBe(true);
    expect(isValidDate(0, 1, 1)).toBe(false);
    expect(isValidDate(10000, 1, 1)).toBe(false);
    expect(isValidDate(2026, 4, 31)).toBe(false);
    expect(isValidDate(2026, 13, 1)).toBe(false);
  });
});

describe('instantFromUtcFields and utcFields', () => {
  it('invert each other from year 1 to 9999', () => {
    const r = new Rng(21);
    for (let k = 0; k < 20000; k++) {
      const sec = r.int(FIRST_DAY * 86400, LAST_DAY * 86400 + 86399);
      const i = {sec, micro: r.int(0, 999999)};
      const f = utcFields(i);
      expect(instantFromUtcFields(f.year, f.month, f.day, f.hour, f.minute, f.second, f.micro)).toEqual(i);
    }
  });

  it('carries a microsecond count outside 0..999999 into the seconds', () => {
    expect(instantFromUtcFields(1970, 1, 1, 0, 0, 0, -1)).toEqual({sec: -1, micro: 999999});
    expect(instantFromUtcFields(1970, 1, 1, 0, 0, 0, 2500000)).toEqual({sec: 2, micro: 500000});
  });
});

describe('formatDate', () => {
  it('zero-pads like date.isoformat()', () => {
    expect(formatDate(2026, 4, 4)).toBe('2026-04-04');
    expect(formatDate(1, 1, 1)).toBe('0001-01-01');
    expect(formatDate(999, 12, 31)).toBe('0999-12-31');
  });
});

describe.skipIf(!!pythonMissing)('calendar against CPython 3.12', () => {
  it('isoWeekDate is date.fromisocalendar for every year, weeks 0..54, days 0..8 (sampled)', () => {
    const triples: Array<[number, number, number]> = [];
    for (let year = 1; year <= 9999; year++) {
      for (const week of [0, 1, 52, 53, 54]) for (const day of [0, 1, 7, 8]) triples.push([year, week, day]);
    }
    const r = new Rng(22);
    for (let k = 0; k < 20000; k++) triples.push([r.int(1, 9999), r.int(1, 53), r.int(1, 7)]);
    const theirs = python<Array<[number, number, number] | null>>(
      `
import sys, json
from datetime import date
def f(y, w, d):
    try:
        x = date.fromisocalendar(y, w, d)
        return [x.year, x.month, x.day]
    except Exception:
        return None
print(json.dumps([f(*t) for t in json.load(sys.stdin)]))
`,
      triples,
    );
    const ours = triples.map(([y, w, d]) => {
      const x = isoWeekDate(y, w, d);
      return x === null ? null : [x.year, x.month, x.day];
    });
    const wrong = triples.filter((_, k) => JSON.stringify(ours[k]) !== JSON.stringify(theirs[k]));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('utcFields and formatDate match datetime arithmetic on 20,000 instants', () => {
    const r = new Rng(23);
    const instants = Array.from({length: 20000}, () => ({
      sec: r.int(FIRST_DAY * 86400, LAST_DAY * 86400 + 86399),
      micro: r.int(0, 999999),
    }));
    const theirs = python<Array<[number, number, number, number, number, number, number, string]>>(
      `
import sys, json
from datetime import datetime, timedelta
E = datetime(1970, 1, 1)
out = []
for i in json.load(sys.stdin):
    d = E + timedelta(seconds=i["sec"], microseconds=i["micro"])
    out.append([d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.date().isoformat()])
print(json.dumps(out))
`,
      instants,
    );
    const ours = instants.map(i => {
      const f = utcFields(i);
      return [f.year, f.month, f.day, f.hour, f.minute, f.second, f.micro, formatDate(f.year, f.month, f.day)];
    });
    expect(ours).toEqual(theirs);
  });
});
