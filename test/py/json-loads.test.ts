import {describe, expect, it} from 'vitest';
import {PY_JSON_MAX_DEPTH, PyJsonError, exceedsDepth, parsePyJson} from '../../src/py/json-loads.js';
import {KEY_ORDER, type PyDict} from '../../src/py/value.js';
import {python, pythonMissing} from '../support/python.js';
import {PY_CANONICAL, Rng, canonical, jsonTexts, nested} from '../parse/generate.js';

/** Our outcome in the form `PY_CANONICAL`'s `outcome` gives Python's. */
function outcome(text: string): string {
  try {
    return canonical(parsePyJson(text));
  } catch (e) {
    if (!(e instanceof PyJsonError)) throw e;
    if (e.reason.startsWith('maximum recursion')) return 'E:depth';
    return e.reason.startsWith('Exceeds the limit') ? 'E:digits' : 'E';
  }
}

function pythonOutcomes(texts: string[]): string[] {
  return python<string[]>(PY_CANONICAL + 'print(json.dumps([outcome(lambda: json.loads(t)) for t in json.load(sys.stdin)]))', texts);
}

function fails(text: string): string {
  try {
    parsePyJson(text);
  } catch (e) {
    if (e instanceof PyJsonError) return e.reason;
    throw e;
  }
  throw new Error(`parsed: ${JSON.stringify(text)}`);
}

describe('parsePyJson', () => {
  it('returns integers as bigint and floats as number', () => {
    expect(parsePyJson('[0, -0, 5, 1.0, 1e2, 12345678901234567890123]')).toEqual([0n, 0n, 5n, 1, 100, 12345678901234567890123n]);
  });

  it('reads NaN, Infinity and -Infinity literals', () => {
    expect(parsePyJson('[NaN, Infinity, -Infinity]')).toEqual([NaN, Infinity, -Infinity]);
  });

  it('rounds float literals correctly, overflowing to infinity and keeping -0.0', () => {
    expect(parsePyJson('1e400')).toBe(Infinity);
    expect(parsePyJson('-1e400')).toBe(-Infinity);
    expect(Object.is(parsePyJson('-0.0'), -0)).toBe(true);
    expect(parsePyJson('2.4703282292062328e-324')).toBe(5e-324);
    expect(parsePyJson('2.4703282292062327e-324')).toBe(0);
    expect(parsePyJson('9007199254740993.0')).toBe(9007199254740992);
  });

  it('accepts an integer of 4300 digits and rejects one of 4301, sign not counted', () => {
    expect(parsePyJson('-' + '9'.repeat(4300))).toBe(-(10n ** 4300n - 1n));
    expect(fails('1'.repeat(4301))).toMatch(/^Exceeds the limit/);
    expect(parsePyJson('1' + '0'.repeat(5000) + '.5')).toBe(Infinity);
  });

  it('keeps the first position and the last value of a duplicate key', () => {
    const dict = parsePyJson('{"b": 1, "a": 2, "b": 3, "2": 4, "1": 5}') as PyDict;
    expect((dict as {[KEY_ORDER]?: string[]})[KEY_ORDER]).toEqual(['b', 'a', '2', '1']);
    expect(dict.b).toBe(3n);
  });

  it('builds prototype-less dicts, so __proto__ is a plain key', () => {
    const dict = parsePyJson('{"__proto__": {"x": 1}, "constructor": 2}') as PyDict;
    expect(Object.getPrototypeOf(dict)).toBeNull();
    expect(Object.keys(dict)).toEqual(['__proto__', 'constructor']);
    expect(dict.constructor).toBe(2n);
  });

  it('decodes escapes and keeps lone surrogates', () => {
    expect(parsePyJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC"')).toBe('"\\/\b\f\n\r\t\u00e9\u20ac');
    expect(parsePyJson('"\\ud83d\\ude00 \\ud800 \\udc00\\ud800"')).toBe('\u{1f600} \ud800 \udc00\ud800');
  });

  it('pairs an escaped high surrogate with a raw low one (Python keeps two code points)', () => {
    // Only a double-encoded string can hold the raw lone surrogate; a JS string has no way to
    // keep the two apart. Python prints both forms alike in json.dumps, but sorts them apart.
    expect(parsePyJson('"\\ud83d\ude00"')).toBe('\u{1f600}');
  });

  it('rejects raw control characters in strings but not DEL or U+2028', () => {
    expect(fails('"a\x1fb"')).toBe('Invalid control character at');
    expect(fails('"a\nb"')).toBe('Invalid control character at');
    expect(parsePyJson('"\x7f\u2028"')).toBe('\x7f\u2028');
  });

  it('rejects bad escapes and unterminated strings', () => {
    expect(fails('"\\x"')).toBe('Invalid \\escape');
    expect(fails('"\\u12G4"')).toBe('Invalid \\uXXXX escape');
    expect(fails('"\\u12"')).toBe('Invalid \\uXXXX escape');
    expect(fails('"abc')).toBe('Unterminated string starting at');
    expect(fails('"abc\\')).toBe('Unterminated string starting at');
  });

  it('allows only space, tab, LF and CR as whitespace', () => {
    expect(parsePyJson(' \t\r\n[ 1 ,\r\n2 ]\n ')).toEqual([1n, 2n]);
    for (const space of ['\v', '\f', '\u00a0', '\x1c', '\u3000']) expect(fails(`${space}1`)).toBe('Expecting value');
  });

  it('rejects a leading U+FEFF', () => {
    expect(fails('\ufeff{}')).toBe('Unexpected UTF-8 BOM');
  });

  it('rejects extra data, trailing commas and malformed numbers', () => {
    expect(fails('{} {}')).toBe('Extra data');
    expect(fails('[1,]')).toBe('Expecting value');
    expect(fails('{"a":1,}')).toBe('Expecting property name enclosed in double quotes');
    for (const text of ['01', '1.', '.5', '-', '1e', '+1', '1.e5', '-NaN', 'nan', 'infinity', '']) expect(() => parsePyJson(text)).toThrow(PyJsonError);
  });

  it(`decodes ${PY_JSON_MAX_DEPTH} nested containers and refuses one more`, () => {
    const rng = new Rng(7);
    expect(() => parsePyJson(nested(rng, PY_JSON_MAX_DEPTH, '1'))).not.toThrow();
    expect(() => parsePyJson(nested(rng, PY_JSON_MAX_DEPTH - 1, '[]'))).not.toThrow();
    expect(fails(nested(rng, PY_JSON_MAX_DEPTH, '{}'))).toMatch(/^maximum recursion depth/);
    expect(fails('['.repeat(1_000_000))).toMatch(/^maximum recursion depth/);
  });
});

describe('exceedsDepth', () => {
  it('counts the outermost container as 1 and scalars as 0', () => {
    expect(exceedsDepth(5, 0)).toBe(false);
    expect(exceedsDepth([], 0)).toBe(true);
    expect(exceedsDepth([[1], {a: {}}], 3)).toBe(false);
    expect(exceedsDepth([[1], {a: {}}], 2)).toBe(true);
  });

  it('handles nesting far deeper than the JS stack', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000));
    expect(exceedsDepth(deep, PY_JSON_MAX_DEPTH)).toBe(true);
    expect(exceedsDepth(deep, 200_000)).toBe(false);
  });

  it('agrees with parsePyJson on every generated text JSON.parse accepts', () => {
    const rng = new Rng(11);
    let checked = 0;
    for (const text of jsonTexts(rng, 3000)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue;
      }
      let deep = false;
      try {
        parsePyJson(text);
      } catch (e) {
        deep = e instanceof PyJsonError && e.reason.startsWith('maximum recursion');
      }
      if (exceedsDepth(value, PY_JSON_MAX_DEPTH) !== deep) throw new Error(`disagree on ${text.slice(0, 200)}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });
});

describe.skipIf(pythonMissing)('parsePyJson against Python 3.12 json.loads', () => {
  it('gives the same value, key order or failure on 8000 generated texts', () => {
    const rng = new Rng(20260424);
    const texts = jsonTexts(rng, 8000);
    const expected = pythonOutcomes(texts);
    const ours = texts.map(outcome);
    const diffs = texts.flatMap((t, i) => (ours[i] === expected[i] ? [] : [{text: t.slice(0, 300), ours: ours[i].slice(0, 200), python: expected[i].slice(0, 200)}]));
    expect(diffs.slice(0, 5)).toEqual([]);
    // The corpus must exercise both outcomes and the special failures.
    expect(expected.filter(e => e.startsWith('E')).length).toBeGreaterThan(1500);
    expect(expected.filter(e => !e.startsWith('E')).length).toBeGreaterThan(4000);
    expect(expected).toContain('E:depth');
    expect(expected).toContain('E:digits');
  });

  it('agrees on the hand-written cases above', () => {
    const texts = [
      '[0, -0, 5, 1.0, 1e2]', '[NaN, Infinity, -Infinity]', '-0.0', '1e400', '{"b": 1, "a": 2, "b": 3, "2": 4, "1": 5}',
      '"\\ud83d\\ude00 \\ud800 \\udc00\\ud800"', '"\x7f\u2028"', '\ufeff{}', '\v1', '\x1c1', '"\\u12"', '1.e5', '-NaN',
      '1'.repeat(4301), '-' + '9'.repeat(4300), '{"__proto__": {"x": 1}}',
    ];
    expect(texts.map(outcome)).toEqual(pythonOutcomes(texts));
  });
});
