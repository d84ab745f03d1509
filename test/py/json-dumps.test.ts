import {describe, expect, it} from 'vitest';
import {compareCodePoints, pyJsonDumps, pyJsonString} from '../../src/py/json-dumps.js';
import {python, pythonMissing} from '../support/python.js';
import {PY_CODECS, PY_UNTAG, Rng, codePoints, dict, randomString, randomValue} from './generate.js';

describe('pyJsonString', () => {
  it('escapes like ensure_ascii', () => {
    expect(pyJsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(pyJsonString('\n\r\t\b\f\x00\x1f\x7f')).toBe('"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f"');
    expect(pyJsonString('é\u2028\uffff')).toBe('"\\u00e9\\u2028\\uffff"');
    expect(pyJsonString('🚀')).toBe('"\\ud83d\\ude80"');
    expect(pyJsonString('\udc00x\ud800')).toBe('"\\udc00x\\ud800"');
    expect(pyJsonString('/')).toBe('"/"');
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('\uff5e', '🚀')).toBeLessThan(0);
    expect(compareCodePoints('🚀', '\uff5e')).toBeGreaterThan(0);
    expect(compareCodePoints('\ud800', '\ue000')).toBeLessThan(0);
    expect(compareCodePoints('\ud83d', '🚀')).toBeLessThan(0);
    expect(compareCodePoints('\ud83dx', '🚀')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abc')).toBe(0);
  });
});

describe('pyJsonDumps', () => {
  it('writes scalars like Python', () => {
    expect(pyJsonDumps(null)).toBe('null');
    expect(pyJsonDumps(true)).toBe('true');
    expect(pyJsonDumps(5n)).toBe('5');
    expect(pyJsonDumps(5)).toBe('5.0');
    expect(pyJsonDumps(1e16)).toBe('1e+16');
    expect(pyJsonDumps(NaN)).toBe('NaN');
    expect(pyJsonDumps(-Infinity)).toBe('-Infinity');
  });
  it('uses Python separators and keeps Python key order', () => {
    const d = dict([['b', 1n], ['10', [1n, 2.5, []]], ['a', dict([])]]);
    expect(pyJsonDumps(d)).toBe('{"b": 1, "10": [1, 2.5, []], "a": {}}');
    expect(pyJsonDumps(d, {sortKeys: true})).toBe('{"10": [1, 2.5, []], "a": {}, "b": 1}');
  });
  it('falls back to Object.keys without KEY_ORDER', () => {
    expect(pyJsonDumps({z: 1n, y: null})).toBe('{"z": 1, "y": null}');
  });
  it('sorts keys by code point', () => {
    expect(pyJsonDumps({'🚀': 1n, '\uff5e': 2n}, {sortKeys: true})).toBe('{"\\uff5e": 2, "\\ud83d\\ude80": 1}');
  });
});

describe.skipIf(pythonMissing)('pyJsonDumps against Python 3.12', () => {
  it('matches json.dumps, with and without sort_keys, on 3000 generated values', () => {
    const rng = new Rng(10);
    const cases = Array.from({length: 3000}, () => randomValue(rng, 0));
    const expected = python<[string, string][]>(
      PY_CODECS + PY_UNTAG +
        'print(json.dumps([[json.dumps(v), json.dumps(v, sort_keys=True)] for v in map(untag, json.load(sys.stdin))]))',
      cases.map(([, t]) => t),
    );
    const got = cases.map(([v]) => [pyJsonDumps(v), pyJsonDumps(v, {sortKeys: true})]);
    const mismatches = got.map((g, i) => [i, g, expected[i]]).filter(([, g, e]) => JSON.stringify(g) !== JSON.stringify(e));
    expect(mismatches).toEqual([]);
  });

  it('pyJsonString matches json.dumps(str) on 5000 random strings', () => {
    const rng = new Rng(11);
    const strings = Array.from({length: 5000}, () => randomString(rng, 20));
    const expected = python<string[]>(
      PY_CODECS + 'print(json.dumps([json.dumps(cps_to_str(c)) for c in json.load(sys.stdin)]))',
      strings.map(codePoints),
    );
    expect(strings.map(pyJsonString)).toEqual(expected);
  });

  it('compareCodePoints sorts 3000 random strings like sorted()', () => {
    const rng = new Rng(12);
    // Short strings from a small alphabet share prefixes, so surrogate edge cases meet.
    const alphabet = ['a', '\ud800', '\udc00', '\ud83d', '\ude80', '🚀', '\ue000', '\uff5e', '\uffff', '𐀀'];
    const strings = Array.from({length: 3000}, () => {
      let s = rng.chance(0.5) ? randomString(rng, 3) : '';
      for (let n = rng.int(0, 4); n > 0; n--) s += rng.pick(alphabet);
      return s;
    });
    const expected = python<number[][]>(
      PY_CODECS + 'print(json.dumps([str_to_cps(s) for s in sorted(map(cps_to_str, json.load(sys.stdin)))]))',
      strings.map(codePoints),
    );
    expect([...strings].sort(compareCodePoints).map(codePoints)).toEqual(expected);
  });
});
