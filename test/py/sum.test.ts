import {describe, expect, it} from 'vitest';
import {PyFloatSum, pySumFloats, trueDivide} from '../../src/py/sum.js';
import {PyCrash} from '../../src/py/value.js';
import {python, pythonMissing} from '../support/python.js';
import {PY_CODECS, Rng, floatHex, interestingDouble} from './generate.js';

describe('PyFloatSum', () => {
  it('compensates like Python 3.12 sum()', () => {
    expect(pySumFloats([1e16, 1.0, -1e16])).toBe(1);
    expect(pySumFloats([0.1, 0.2, 0.3])).toBe(0.6);
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6);
  });
  it('starts from the int 0, so a sum of -0.0 values is 0.0', () => {
    expect(Object.is(pySumFloats([-0, -0]), 0)).toBe(true);
    expect(pySumFloats([])).toBe(0);
  });
  it('keeps overflow and infinities instead of turning them into NaN', () => {
    expect(pySumFloats([1e308, 1e308, -1e308])).toBe(Infinity);
    expect(pySumFloats([Infinity, -1])).toBe(Infinity);
    expect(pySumFloats([Infinity, -Infinity])).toBeNaN();
    expect(pySumFloats([1, NaN])).toBeNaN();
  });
  it('can be read between additions', () => {
    const sum = new PyFloatSum();
    sum.add(1e16);
    sum.add(1);
    expect(sum.value).toBe(1e16 + 1);
    sum.add(-1e16);
    expect(sum.value).toBe(1);
  });
});

describe('trueDivide', () => {
  it('divides ints like Python', () => {
    expect(trueDivide(1, 3)).toBe(1 / 3);
    expect(trueDivide(3n, 4)).toBe(0.75);
    expect(Object.is(trueDivide(0, -5), -0)).toBe(true);
    expect(Object.is(trueDivide(0n, -(2n ** 80n)), -0)).toBe(true);
  });
  it('rounds once when the operands are past 2^53', () => {
    // (2^53 + 1) / 1 is a tie between 2^53 and 2^53 + 2: ties go to even.
    expect(trueDivide(2n ** 53n + 1n, 1n)).toBe(2 ** 53);
    expect(trueDivide(2n ** 53n + 3n, 1n)).toBe(2 ** 53 + 4);
    // Converting 2^55 + 1 to a double first loses the +1, and the quotient then rounds the other way.
    expect(trueDivide(2n ** 55n + 1n, 3n)).toBe(12009599006321324);
    expect(Number(2n ** 55n + 1n) / 3).toBe(12009599006321322);
  });
  it('throws RangeError for a zero divisor and PyCrash on overflow', () => {
    expect(() => trueDivide(1, 0)).toThrow(RangeError);
    expect(() => trueDivide(1n, 0n)).toThrow(RangeError);
    expect(() => trueDivide(2n ** 1100n, 3n)).toThrow(PyCrash);
  });
});

describe.skipIf(pythonMissing)('sums and quotients against Python 3.12', () => {
  it('PyFloatSum matches sum() on 3000 generated lists of floats', () => {
    const rng = new Rng(30);
    const lists = Array.from({length: 3000}, () => {
      const n = rng.int(0, 40);
      const scale = 10 ** rng.int(-5, 300);
      return Array.from({length: n}, () => {
        // Mostly ordinary costs, with cancellations, signed zeros and the odd NaN or infinity.
        switch (rng.int(0, 9)) {
          case 0:
            return interestingDouble(rng);
          case 1:
            return rng.pick([-0, 0, 1e16, -1e16, 1e308, -1e308]);
          case 2:
            return -scale * rng.next();
          default:
            return rng.next() * (rng.chance(0.5) ? scale : 0.01);
        }
      });
    });
    const expected = python<string[]>(
      PY_CODECS +
        `def show(v):
    if isinstance(v, int): return 'int ' + str(v)
    return 'nan' if v != v else float_to_hex(v)
print(json.dumps([show(sum(map(hex_to_float, xs))) for xs in json.load(sys.stdin)]))`,
      lists.map(xs => xs.map(floatHex)),
    );
    const got = lists.map(xs => {
      const v = pySumFloats(xs);
      if (xs.length === 0) return 'int ' + v;
      return v !== v ? 'nan' : floatHex(v);
    });
    const mismatches = got.map((g, i) => [i, g, expected[i]]).filter(([, g, e]) => g !== e);
    expect(mismatches).toEqual([]);
    // Compensation must matter somewhere, or this test could not tell sum() from a plain loop.
    const plain = lists.filter((xs, i) => {
      let t = 0;
      for (const x of xs) t += x;
      return xs.length > 0 && t === t && floatHex(t) !== expected[i];
    });
    expect(plain.length).toBeGreaterThan(100);
  });

  it('trueDivide matches int / int on 6000 generated pairs', () => {
    const rng = new Rng(31);
    const randomInt = (): bigint => {
      const bits = rng.pick([1, 10, 30, 52, 53, 54, 60, 64, 100, 200, 1000, 1100]);
      let n = 0n;
      for (let b = 0; b < bits; b += 32) n = (n << 32n) | BigInt(rng.u32());
      n &= (1n << BigInt(bits)) - 1n;
      if (rng.chance(0.2)) n = (n >> 40n) << 40n; // trailing zeros make exact ties likelier
      return rng.chance(0.3) ? -n : n;
    };
    const pairs: [bigint, bigint][] = [];
    while (pairs.length < 6000) {
      const b = randomInt();
      if (b !== 0n) pairs.push([randomInt(), b]);
    }
    const expected = python<string[]>(
      PY_CODECS +
        `def div(a, b):
    try: return float_to_hex(int(a) / int(b))
    except OverflowError: return 'crash'
print(json.dumps([div(a, b) for a, b in json.load(sys.stdin)]))`,
      pairs.map(([a, b]) => [String(a), String(b)]),
    );
    const got = pairs.map(([a, b]) => {
      // Safe operands go in as numbers, as the KPI counters do.
      const x = a >= -(2n ** 53n) && a <= 2n ** 53n && rng.chance(0.5) ? Number(a) : a;
      try {
        return floatHex(trueDivide(x, b));
      } catch (e) {
        if (e instanceof PyCrash) return 'crash';
        throw e;
      }
    });
    const mismatches = got.map((g, i) => [String(pairs[i]), g, expected[i]]).filter(([, g, e]) => g !== e);
    expect(mismatches).toEqual([]);
    expect(expected).toContain('crash');
    expect(expected).toContain('0000000000000000');
  });
});
