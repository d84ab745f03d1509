import {describe, expect, it} from 'vitest';
import {pyFloat, pyInt, pyStr, pyStrip, pyTruthy} from '../../src/py/convert.js';
import {DECIMAL_ZEROS} from '../../src/py/unicode-data.js';
import {NeedsExactParse, PyCrash, type PyValue} from '../../src/py/value.js';
import {python, pythonMissing} from '../support/python.js';
import {
  PY_CODECS, PY_UNTAG, Rng, codePoints, dict, floatHex, hexFloat, interestingDouble, randomString, randomValue,
} from './generate.js';

/** The outcome of a conversion as comparable text: the value, or 'crash'. */
function outcome(f: () => number | bigint | string): string {
  try {
    const v = f();
    // NaN's sign bit never shows in Python's output ('nan', 'NaN'), so all NaNs compare equal.
    if (typeof v === 'number') return v !== v ? 'f:nan' : 'f:' + floatHex(v);
    return String(v);
  } catch (e) {
    if (e instanceof PyCrash) return 'crash';
    throw e;
  }
}

describe('pyTruthy', () => {
  it.each<[PyValue, boolean]>([
    [null, false], [false, false], [true, true], [0, false], [-0, false], [NaN, true], [0.5, true],
    [0n, false], [-1n, true], ['', false], ['0', true], ['false', true], [[], false], [[0], true],
    [dict([]), false], [dict([['a', null]]), true], [{}, false],
  ])('bool() of case %# is %s', (v, expected) => {
    expect(pyTruthy(v)).toBe(expected);
  });
});

describe('pyInt', () => {
  it('gives 0 for falsy values, as `x or 0` does', () => {
    for (const v of [null, false, 0, -0, 0n, '', [], dict([])]) expect(pyInt(v, true)).toBe(0);
  });
  it('converts bools, floats (toward zero) and ints', () => {
    expect(pyInt(true, true)).toBe(1);
    expect(pyInt(-2.9, true)).toBe(-2);
    expect(Object.is(pyInt(-0.5, true), 0)).toBe(true);
    expect(pyInt(1e20, true)).toBe(100000000000000000000n);
    expect(pyInt(2n ** 60n, true)).toBe(2n ** 60n);
    expect(pyInt(12n, true)).toBe(12);
  });
  it('parses text like int(str)', () => {
    expect(pyInt(' 7 ', true)).toBe(7);
    expect(pyInt('1_000', true)).toBe(1000);
    expect(pyInt('\u0661\u0662', true)).toBe(12);
    expect(pyInt('-\uff17\u3000', true)).toBe(-7);
    expect(pyInt('9'.repeat(30), true)).toBe(10n ** 30n - 1n);
  });
  it.each(['1.5', '1e3', ' ', '1__0', '_1', '1_', '\x1c5', '5\x00', 'x', '+-1', '- 1', '\u00b2'])(
    'raises PyCrash for %j',
    s => expect(() => pyInt(s, true)).toThrow(PyCrash),
  );
  it('raises PyCrash for NaN, infinities, lists and dicts', () => {
    for (const v of [NaN, Infinity, [1n], dict([['a', 1n]])]) expect(() => pyInt(v, true)).toThrow(PyCrash);
  });
  it('limits text to 4300 digits, as Python does', () => {
    expect(pyInt('1'.repeat(4300), true)).toBe(BigInt('1'.repeat(4300)));
    expect(() => pyInt('1'.repeat(4301), true)).toThrow(PyCrash);
  });
  it('asks for an exact parse for JSON.parse numbers it cannot trust', () => {
    expect(pyInt(2 ** 53 - 1, false)).toBe(2 ** 53 - 1);
    expect(pyInt(-3.7, false)).toBe(-3);
    for (const v of [2 ** 53, -1e300, Infinity, NaN]) expect(() => pyInt(v, false)).toThrow(NeedsExactParse);
  });
});

describe('pyFloat', () => {
  it('gives 0.0 for falsy values and converts bools, ints, floats', () => {
    expect(pyFloat(null, true)).toBe(0);
    expect(Object.is(pyFloat(-0, true), 0)).toBe(true);
    expect(pyFloat(true, true)).toBe(1);
    expect(pyFloat(2n ** 64n + 1n, true)).toBe(2 ** 64);
    expect(pyFloat(NaN, true)).toBeNaN();
  });
  it('parses text like float(str)', () => {
    expect(pyFloat(' 1.5 ', true)).toBe(1.5);
    expect(pyFloat('1_0.2_5', true)).toBe(10.25);
    expect(pyFloat('.5', true)).toBe(0.5);
    expect(pyFloat('5.', true)).toBe(5);
    expect(pyFloat('-iNfInItY', true)).toBe(-Infinity);
    expect(pyFloat('nan', true)).toBeNaN();
    expect(pyFloat('1e400', true)).toBe(Infinity);
    expect(Object.is(pyFloat('-0', true), -0)).toBe(true);
  });
  it.each(['1e', '.', 'e5', '1_.5', '1._5', 'infinit', 'nan1', '0x10', '\x1c1', '1 2'])(
    'raises PyCrash for %j',
    s => expect(() => pyFloat(s, true)).toThrow(PyCrash),
  );
  it('raises PyCrash for an int too large for a double, a list or a dict', () => {
    for (const v of [2n ** 1024n, [0.5], dict([['a', null]])]) expect(() => pyFloat(v, true)).toThrow(PyCrash);
  });
  it('asks for an exact parse for a non-finite JSON.parse number', () => {
    expect(pyFloat(1e300, false)).toBe(1e300);
    expect(() => pyFloat(Infinity, false)).toThrow(NeedsExactParse);
  });
});

describe('pyStr', () => {
  it.each<[PyValue, string]>([
    ['x', 'x'], [5n, '5'], [1e16, '1e+16'], [5, '5.0'], [true, 'True'], [null, 'None'],
    [['x', 1n, 0.5, null], "['x', 1, 0.5, None]"], [dict([['b', 1n], ['1', []]]), "{'b': 1, '1': []}"],
    [["it's"], `["it's"]`], [[`'"`], `['\\'"']`], [['\t\n\r\\\x00\x7f\xa0\xe9'], "['\\t\\n\\r\\\\\\x00\\x7f\\xa0\xe9']"],
    [['\u200b\ud800🚀\u{e0001}'], "['\\u200b\\ud800🚀\\U000e0001']"],
  ])('str() of case %# is %s', (v, expected) => {
    expect(pyStr(v)).toBe(expected);
  });
});

describe('pyStrip', () => {
  it('strips Python whitespace, including U+001C..U+001F and U+0085 but not U+FEFF or U+200B', () => {
    expect(pyStrip('\x1c\x85\u3000 a b\t\n\x0b\x0c\r\x1f')).toBe('a b');
    expect(pyStrip('\ufeffa\u200b')).toBe('\ufeffa\u200b');
    expect(pyStrip(' \u2028 ')).toBe('');
  });
});

/** Characters that make number text interesting: Unicode digits, whitespace, signs, underscores. */
function numberishText(rng: Rng): string {
  const digit = (): string => {
    if (rng.chance(0.6)) return String(rng.int(0, 9));
    return String.fromCodePoint(rng.pick(DECIMAL_ZEROS) + rng.int(0, 9));
  };
  const space = (): string => rng.pick([' ', '\t', '\n', '\x0b', '\x0c', '\r', '\x1c', '\x1f', '\x85', '\xa0', '\u2000', '\u3000', '\u200b', '\ufeff', '\u180e']);
  const pieces = [
    digit, digit, digit, digit, () => '_', () => '.', () => rng.pick(['e', 'E']), () => rng.pick(['+', '-']),
    () => rng.pick(['inf', 'Infinity', 'NAN', 'nan', 'iNf', 'x', '\x00', '\u00b2', '\u2155', '\ud800', '0x']),
  ];
  let s = '';
  if (rng.chance(0.3)) s += space();
  if (rng.chance(0.4)) s += rng.pick(['+', '-']);
  if (rng.chance(0.5)) {
    // A well-formed core, so valid text is common.
    for (let n = rng.int(1, 6); n > 0; n--) s += digit() + (rng.chance(0.15) ? '_' : '');
    if (rng.chance(0.4)) s += '.' + digit() + digit();
    if (rng.chance(0.2)) s += 'e' + rng.pick(['', '-', '+']) + digit() + digit();
  } else {
    for (let n = rng.int(0, 8); n > 0; n--) s += rng.pick(pieces)();
  }
  if (rng.chance(0.3)) s += space() + (rng.chance(0.3) ? space() : '');
  return s;
}

/** Python side of `convertBoth`: `both(x)` gives the outcomes of int(x or 0) and float(x or 0.0). */
const PY_CONVERT = `
def attempt(f):
    try:
        v = f()
        if isinstance(v, float): return 'f:nan' if v != v else 'f:' + float_to_hex(v)
        return str(v)
    except (ValueError, OverflowError):
        return 'crash'
def both(x): return [attempt(lambda: int(x or 0)), attempt(lambda: float(x or 0.0))]
`;

/** Our outcomes of `int(v or 0)` and `float(v or 0.0)`, comparable with PY_CONVERT's. */
function convertBoth(v: PyValue): [string, string] {
  const asInt = outcome(() => {
    const r = pyInt(v, true);
    if (typeof r === 'number' && !Number.isSafeInteger(r)) throw new Error(`unsafe number ${r}`);
    return typeof r === 'number' ? BigInt(r) : r;
  });
  return [asInt, outcome(() => pyFloat(v, true))];
}

describe.skipIf(pythonMissing)('conversions against Python 3.12', () => {
  it('pyInt and pyFloat match int(x or 0) and float(x or 0.0) on 8000 generated strings', () => {
    const rng = new Rng(20);
    const texts = Array.from({length: 8000}, () => numberishText(rng));
    texts.push('7'.repeat(4300), '7'.repeat(4301), '0'.repeat(4301), '1_' + '2'.repeat(4299), '1_' + '2'.repeat(4300));
    const expected = python<[string, string][]>(
      PY_CODECS + PY_CONVERT + 'print(json.dumps([both(cps_to_str(cps)) for cps in json.load(sys.stdin)]))',
      texts.map(codePoints),
    );
    const mismatches = texts
      .map((s, i) => [JSON.stringify(s), convertBoth(s), expected[i]])
      .filter(([, g, e]) => String(g) !== String(e));
    expect(mismatches).toEqual([]);
    // The generator must reach both outcomes of both conversions, also for non-ASCII text.
    const reached = new Set(
      texts.flatMap((s, i) => {
        const kind = /[^\x00-\x7e]/.test(s) ? 'unicode' : 'ascii';
        return expected[i].map((r, which) => `${kind} ${which} ${r === 'crash' ? 'crash' : 'ok'}`);
      }),
    );
    expect(reached.size).toBe(8);
  });

  it('pyInt and pyFloat match int(x or 0) and float(x or 0.0) on 6000 generated floats and ints', () => {
    const rng = new Rng(21);
    const floats = Array.from({length: 3000}, () => interestingDouble(rng));
    const ints = Array.from({length: 3000}, () => {
      // Near 2^1024 the int-to-float conversion overflows; random low bits exercise the ties.
      const bits = rng.pick([1, 20, 53, 54, 55, 64, 100, 1023, 1024, 1025]);
      let n = (1n << BigInt(bits)) - BigInt(rng.int(0, 3)) * (1n << BigInt(Math.max(0, bits - 54)));
      if (rng.chance(0.5)) n += BigInt(rng.u32()) << BigInt(Math.max(0, bits - 80));
      return rng.chance(0.3) ? -n : n;
    });
    const expected = python<[string, string][]>(
      PY_CODECS + PY_CONVERT +
        `data = json.load(sys.stdin)
values = [hex_to_float(h) for h in data['floats']] + [int(s) for s in data['ints']]
print(json.dumps([both(x) for x in values]))`,
      {floats: floats.map(floatHex), ints: ints.map(String)},
    );
    const values: PyValue[] = [...floats, ...ints];
    const mismatches = values
      .map((v, i) => [String(v), convertBoth(v), expected[i]])
      .filter(([, g, e]) => String(g) !== String(e));
    expect(mismatches).toEqual([]);
  });

  it('pyStr matches str() on 3000 generated JSON values', () => {
    const rng = new Rng(22);
    const cases = Array.from({length: 3000}, () => randomValue(rng, 0));
    const expected = python<number[][]>(
      PY_CODECS + PY_UNTAG + 'print(json.dumps([str_to_cps(str(untag(t))) for t in json.load(sys.stdin)]))',
      cases.map(([, t]) => t),
    );
    expect(cases.map(([v]) => codePoints(pyStr(v)))).toEqual(expected);
  });

  it('pyStr matches repr() on strings of 2000 code points from every plane', () => {
    const rng = new Rng(23);
    // Uniform code points reach unassigned, private-use and format characters; the rest are biased.
    const strings = Array.from({length: 200}, () => {
      let s = '';
      for (let n = 0; n < 10; n++) s += String.fromCodePoint(rng.chance(0.5) ? rng.int(0, 0x10ffff) : rng.int(0x80, 0x3000));
      return s;
    });
    strings.push(randomString(rng, 50), `'`, `"`, `'"`, `'\\`);
    const expected = python<number[][]>(
      PY_CODECS + 'print(json.dumps([str_to_cps(str([cps_to_str(c)])) for c in json.load(sys.stdin)]))',
      strings.map(codePoints),
    );
    expect(strings.map(s => codePoints(pyStr([s])))).toEqual(expected);
  });

  it('pyTruthy and pyStrip match bool() and str.strip() on 3000 generated values', () => {
    const rng = new Rng(24);
    const cases = Array.from({length: 3000}, () => randomValue(rng, 2));
    const spaces = ' \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\u180e';
    const texts = Array.from({length: 3000}, () => {
      const pad = () => Array.from({length: rng.int(0, 3)}, () => spaces[rng.int(0, spaces.length - 1)]).join('');
      return pad() + randomString(rng, 3) + pad();
    });
    const expected = python<{truthy: boolean[]; stripped: number[][]}>(
      PY_CODECS + PY_UNTAG +
        `data = json.load(sys.stdin)
print(json.dumps({'truthy': [bool(untag(t)) for t in data['values']],
                  'stripped': [str_to_cps(cps_to_str(c).strip()) for c in data['texts']]}))`,
      {values: cases.map(([, t]) => t), texts: texts.map(codePoints)},
    );
    expect(cases.map(([v]) => pyTruthy(v))).toEqual(expected.truthy);
    expect(texts.map(s => codePoints(pyStrip(s)))).toEqual(expected.stripped);
  });
});

describe('generate helpers', () => {
  it('hexFloat inverts floatHex', () => {
    expect(hexFloat(floatHex(-0))).toBe(-0);
  });
});
