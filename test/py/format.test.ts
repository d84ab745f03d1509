import {describe, expect, it} from 'vitest';
import {pyFloatRepr, pyIntStr, pyRound} from '../../src/py/format.js';
import {PyCrash} from '../../src/py/value.js';
import {python, pythonMissing} from '../support/python.js';
import {PY_CODECS, Rng, floatHex, hexFloat, interestingDouble, nudge} from './generate.js';

describe('pyFloatRepr', () => {
  it.each([
    [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [100, '100.0'], [1.5, '1.5'], [0.1, '0.1'],
    [1e-4, '0.0001'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [1e16, '1e+16'], [1.5e16, '1.5e+16'],
    [9999999999999998, '9999999999999998.0'], [1e22, '1e+22'], [1e100, '1e+100'], [5e-324, '5e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    [-1e-5, '-1e-05'], [123456789.125, '123456789.125'],
  ])('prints %s as %s', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });
});

describe('pyIntStr', () => {
  it('prints integers without a decimal point or exponent', () => {
    expect(pyIntStr(0)).toBe('0');
    expect(pyIntStr(-0)).toBe('0');
    expect(pyIntStr(-42)).toBe('-42');
    expect(pyIntStr(1e21)).toBe('1000000000000000000000');
    expect(pyIntStr(2n ** 70n)).toBe('1180591620717411303424');
  });
  it('refuses a number that is not an integer', () => {
    expect(() => pyIntStr(1.5)).toThrow(RangeError);
  });
});

describe('pyRound', () => {
  it.each([
    [0.03125, 4, 0.0312], [1.125, 2, 1.12], [2.675, 2, 2.67], [0.125, 2, 0.12], [0.375, 2, 0.38],
    [2.5, 0, 2], [3.5, 0, 4], [-2.5, 0, -2], [1234.5, -1, 1230], [1250, -2, 1200], [1350, -2, 1400],
    [0.5, 0, 0], [1e300, 2, 1e300], [0.1 + 0.2, 4, 0.3],
  ])('rounds %s to %s digits as %s', (x, n, expected) => {
    expect(pyRound(x, n)).toBe(expected);
  });
  it('keeps the sign of a value that rounds to zero', () => {
    expect(Object.is(pyRound(-0.00001, 4), -0)).toBe(true);
    expect(Object.is(pyRound(-0.4, 0), -0)).toBe(true);
    expect(Object.is(pyRound(0.00001, 4), 0)).toBe(true);
    expect(Object.is(pyRound(-0, 2), -0)).toBe(true);
  });
  it('returns NaN and infinities unchanged', () => {
    expect(pyRound(NaN, 2)).toBeNaN();
    expect(pyRound(-Infinity, 2)).toBe(-Infinity);
  });
  it('handles ndigits beyond what a double can hold like Python', () => {
    expect(pyRound(0.1, 400)).toBe(0.1);
    expect(Object.is(pyRound(-5, -400), -0)).toBe(true);
  });
  it('raises PyCrash when the rounded value overflows', () => {
    expect(() => pyRound(Number.MAX_VALUE, -308)).toThrow(PyCrash);
  });
});

describe.skipIf(pythonMissing)('format helpers against Python 3.12', () => {
  it('pyFloatRepr matches repr() on 20000 generated doubles', () => {
    const rng = new Rng(1);
    const xs = Array.from({length: 20_000}, () => interestingDouble(rng));
    const expected = python<string[]>(
      PY_CODECS + 'print(json.dumps([repr(hex_to_float(h)) for h in json.load(sys.stdin)]))',
      xs.map(floatHex),
    );
    const mismatches = xs.map((x, i) => [x, pyFloatRepr(x), expected[i]]).filter(([, a, b]) => a !== b);
    expect(mismatches).toEqual([]);
  });

  it('pyRound matches round() on 20000 generated (value, ndigits) pairs', () => {
    const rng = new Rng(2);
    const cases = Array.from({length: 20_000}, (): [number, number] => {
      const n = rng.chance(0.7) ? rng.pick([0, 1, 2, 4]) : rng.int(-20, 30);
      // Half the cases sit exactly on or one ULP beside a decimal tie at n digits.
      let x = interestingDouble(rng);
      if (rng.chance(0.5) && n >= 0 && n <= 20) {
        x = (rng.int(-100000, 100000) + 0.5) / 10 ** n;
        x = nudge(x, rng.int(-1, 1));
      }
      return [x, n];
    });
    const expected = python<(string | null)[]>(
      PY_CODECS +
        `out = []
for h, n in json.load(sys.stdin):
    try: out.append(float_to_hex(round(hex_to_float(h), n)))
    except OverflowError: out.append(None)
print(json.dumps(out))`,
      cases.map(([x, n]) => [floatHex(x), n]),
    );
    const mismatches = cases
      .map(([x, n], i) => {
        let got: string | null;
        try {
          got = floatHex(pyRound(x, n));
        } catch (e) {
          if (!(e instanceof PyCrash)) throw e;
          got = null;
        }
        return {x, n, got: got && hexFloat(got), want: expected[i] && hexFloat(expected[i]!), gotHex: got, wantHex: expected[i]};
      })
      .filter(c => c.gotHex !== c.wantHex);
    expect(mismatches).toEqual([]);
  });

  it('pyIntStr matches str(int) on 2000 generated integers', () => {
    const rng = new Rng(3);
    const xs: (number | bigint)[] = Array.from({length: 2000}, () => {
      if (rng.chance(0.5)) return Math.trunc(interestingDouble(rng)) || 0;
      return BigInt.asIntN(rng.int(1, 300), BigInt(rng.u32()) ** BigInt(rng.int(1, 9)));
    }).filter(x => typeof x === 'bigint' || Number.isFinite(x));
    const expected = python<string[]>(
      'import json,sys; print(json.dumps([str(int(x)) for x in json.load(sys.stdin)]))',
      xs.map(x => (typeof x === 'bigint' ? x.toString() : BigInt(x).toString())),
    );
    expect(xs.map(pyIntStr)).toEqual(expected);
  });
});
