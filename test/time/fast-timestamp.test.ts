import {describe, expect, it} from 'vitest';
import {readCommonTimestamp} from '../../src/time/fast-timestamp.js';
import {parseIsoDateTime, toInstant} from '../../src/time/iso.js';
import {pythonMissing} from '../support/python.js';
import {cpythonAnswers, expectedInstant} from './cpython.js';
import {Rng} from '../py/generate.js';
import {commonShape, mutate} from './generate.js';

const full = (s: string) => {
  const d = parseIsoDateTime(s);
  return d === null ? null : toInstant(d);
};

describe('readCommonTimestamp', () => {
  it('reads YYYY-MM-DDTHH:MM:SS with a fraction, Z or ±HH:MM, and a space for T', () => {
    const shapes = [
      '2026-04-24T10:00:00',
      '2026-04-24 10:00:00',
      '2026-04-24T10:00:00.123456',
      '2026-04-24T10:00:00,5',
      '2026-04-24T10:00:00.1234567891',
      '2026-04-24T10:00:00Z',
      '2026-04-24T10:00:00.123Z',
      '2026-04-24T10:00:00+00:00',
      '2026-04-24T10:00:00.123456-05:30',
      '2026-04-24T10:00:00+05:99',
      '0001-01-01T00:00:00+23:59',
      '9999-12-31T23:59:59.999999-23:59',
    ];
    for (const s of shapes) {
      expect(readCommonTimestamp(s), s).toBeDefined();
      expect(readCommonTimestamp(s), s).toEqual(full(s));
    }
  });

  it('leaves every other shape, and out-of-range fields, to the full parser', () => {
    const others = [
      '2026-04-24T10:00',
      '2026-04-24T10:00:00+0530',
      '2026-04-24T10:00:00+05',
      '2026-04-24T10:00:00.Z',
      '2026-04-24T10:00:00.',
      '2026-04-24T10:00:00 ',
      '2026-04-24T10:00:00Z ',
      '2026-04-24t10:00:00',
      '2026-04-24T10:00:00+24:00',
      '2026-02-29T10:00:00',
      '2026-04-24T24:00:00',
      '0000-01-01T00:00:00',
      '2026-04-24\u00e910:00:00',
      '2026-04-2\u0664T10:00:00',
    ];
    for (const s of others) expect(readCommonTimestamp(s), s).toBeUndefined();
  });

  it('gives what the full parser gives on 50,000 generated and mutated timestamps', () => {
    const r = new Rng(11);
    let read = 0;
    for (let k = 0; k < 50000; k++) {
      const s = r.chance(0.5) ? commonShape(r) : mutate(r, commonShape(r));
      const fast = readCommonTimestamp(s);
      if (fast === undefined) continue;
      read++;
      expect(fast, s).toEqual(full(s));
    }
    expect(read).toBeGreaterThan(10000);
  });
});

describe.skipIf(!!pythonMissing)('readCommonTimestamp against CPython 3.12', () => {
  it('gives the instant _parse_ts gives on 50,000 timestamps of the common shape', () => {
    const r = new Rng(12);
    const strings = Array.from({length: 50000}, () => (r.chance(0.8) ? commonShape(r) : mutate(r, commonShape(r))));
    const answers = cpythonAnswers(strings);
    const wrong: unknown[] = [];
    let read = 0;
    strings.forEach((s, k) => {
      const fast = readCommonTimestamp(s);
      if (fast === undefined) return;
      read++;
      const want = expectedInstant(answers[k]!);
      if (JSON.stringify(fast) !== JSON.stringify(want)) wrong.push({s, fast, want});
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(read).toBeGreaterThan(15000);
  });
});
