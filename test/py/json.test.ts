import {describe, expect, it} from 'vitest';
import {compareCodePoints, pyJsonDumps, pyJsonString} from '../../src/py/json.js';
import {KEY_ORDER, type PyDict, type PyValue} from '../../src/py/value.js';
import {python, pythonMissing} from '../support/python.js';
import {PY_CODECS, Rng, codePoints, floatHex, interestingDouble, randomString} from './generate.js';

/** A dict the way the exact parser builds it: no prototype, keys in Python order. */
function dict(entries: [string, PyValue][]): PyDict {
  const d = Object.create(null) as PyDict;
  for (const [k, v] of entries) d[k] = v;
  (d as {[KEY_ORDER]?: string[]})[KEY_ORDER] = entries.map(([k]) => k);
  return d;
}

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

type Tagged = ['n'] | ['b', boolean] | ['i', string] | ['f', string] | ['s', number[]] | ['l', Tagged[]] | ['d', [number[], Tagged][]];

/** A random JSON value plus its tagged form for Python. */
function randomValue(rng: Rng, depth: number): [PyValue, Tagged] {
  const kind = depth > 3 ? rng.int(0, 4) : rng.int(0, 6);
  switch (kind) {
    case 0:
      return [null, ['n']];
    case 1: {
      const b = rng.chance(0.5);
      return [b, ['b', b]];
    }
    case 2: {
      const i = BigInt(rng.int(-1e9, 1e9)) ** BigInt(rng.int(1, 4));
      return [i, ['i', i.toString()]];
    }
    case 3: {
      const f = interestingDouble(rng);
      return [f, ['f', floatHex(f)]];
    }
    case 4: {
      const s = randomString(rng, 12);
      return [s, ['s', codePoints(s)]];
    }
    case 5: {
      const items = Array.from({length: rng.int(0, 4)}, () => randomValue(rng, depth + 1));
      return [items.map(([v]) => v), ['l', items.map(([, t]) => t)]];
    }
    default: {
      const entries = new Map<string, [PyValue, Tagged]>();
      for (let n = rng.int(0, 5); n > 0; n--) {
        // Integer-like keys make Object.keys order differ from insertion order.
        const key = rng.chance(0.3) ? String(rng.int(0, 20)) : randomString(rng, 4);
        entries.set(key, randomValue(rng, depth + 1));
      }
      const list = [...entries];
      return [
        dict(list.map(([k, [v]]) => [k, v])),
        ['d', list.map(([k, [, t]]) => [codePoints(k), t] as [number[], Tagged])],
      ];
    }
  }
}

const PY_UNTAG = `
def untag(t):
    k = t[0]
    if k == 'n': return None
    if k == 'b': return t[1]
    if k == 'i': return int(t[1])
    if k == 'f': return hex_to_float(t[1])
    if k == 's': return cps_to_str(t[1])
    if k == 'l': return [untag(x) for x in t[1]]
    return {cps_to_str(key): untag(v) for key, v in t[1]}
`;

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
