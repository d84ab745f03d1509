import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {countsJson, float, int, percentile, rate, roundedPercentile, sortedJson} from '../../src/metrics/cells.js';
import {hashKey} from '../../src/metrics/keys.js';
import {PyCrash, type PyValue} from '../../src/py/value.js';
import {python, pythonMissing, REFERENCE_DIR} from '../support/python.js';
import {codePoints, floatHex, interestingDouble, PY_CODECS, PY_UNTAG, randomString, Rng, type Tagged} from '../py/generate.js';

/** The reference script's own `_percentile`, to run beside ours. */
function referencePercentile(): string {
  const script = readFileSync(join(REFERENCE_DIR, 'build_kpis.py'), 'utf8');
  const start = script.indexOf('def _percentile(');
  return script.slice(start, script.indexOf('\n\n\n', start));
}

/** What a cell function gives, or null where it raises PyCrash (the reference crashes there too). */
function orCrash(cell: () => string): string | null {
  try {
    return cell();
  } catch (error) {
    if (error instanceof PyCrash) return null;
    throw error;
  }
}

describe('int and float', () => {
  it('print as str() does', () => {
    expect(int(2n ** 64n)).toBe('18446744073709551616');
    expect(int(3)).toBe('3');
    expect(float(3)).toBe('3.0');
    expect(float(1e-5)).toBe('1e-05');
  });
});

describe('rate', () => {
  it('is round(part / whole, 4), and 0.0 for a whole that is not positive', () => {
    expect(rate(1, 3)).toBe('0.3333');
    expect(rate(2, 3)).toBe('0.6667');
    expect(rate(0, 5)).toBe('0.0');
    expect(rate(0, 0)).toBe('0.0');
    expect(rate(3, -1)).toBe('0.0');
  });

  it.skipIf(pythonMissing)('agrees with the reference\'s round(part / whole, 4) on generated ints, past 2^53 too', () => {
    const rng = new Rng(21);
    const anInt = (): bigint => (rng.chance(0.3) ? BigInt(rng.int(0, 5)) : BigInt(rng.int(0, 1e9)) ** BigInt(rng.int(1, 4)));
    const pairs = Array.from({length: 3000}, (): [bigint, bigint] => [anInt(), anInt()]);
    const expected = python<(string | null)[]>(
      `import json, sys
def rate(p, w):
    try: return repr(round(p / w, 4) if w > 0 else 0.0)
    except OverflowError: return None
print(json.dumps([rate(int(p), int(w)) for p, w in json.load(sys.stdin)]))`,
      pairs.map(([p, w]) => [p.toString(), w.toString()]),
    );
    const narrow = (n: bigint) => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);
    expect(pairs.map(([p, w]) => orCrash(() => rate(narrow(p), narrow(w))))).toEqual(expected);
  });
});

describe('percentile', () => {
  it('interpolates linearly between closest ranks; 0.0 for no values', () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([1, 2], 0.5)).toBe(1.5);
    expect(percentile([10, 0], 0.95)).toBeCloseTo(9.5, 12);
  });

  it.skipIf(pythonMissing)('agrees with the reference\'s round(_percentile(values, p), digits), NaN and infinities included', () => {
    const rng = new Rng(22);
    const cases = Array.from({length: 1500}, () => {
      const length = rng.chance(0.2) ? rng.int(60, 130) : rng.int(0, 12);
      const pool = Array.from({length: rng.int(1, 6)}, () => interestingDouble(rng));
      const values = Array.from({length}, () => (rng.chance(0.5) ? rng.pick(pool) : interestingDouble(rng)));
      return {values, p: rng.pick([0.5, 0.95]), digits: rng.pick([2, 6])};
    });
    // Where NaN lands depends on the sort algorithm, which differs below and from 64 values.
    const withNaN = (long: boolean) => cases.filter(c => c.values.length >= 64 === long && c.values.some(Number.isNaN)).length;
    expect(Math.min(withNaN(false), withNaN(true))).toBeGreaterThan(20);
    const expected = python<(string | null)[]>(
      PY_CODECS + referencePercentile() + `
def cell(values, p, digits):
    try: return repr(round(_percentile([hex_to_float(h) for h in values], p), digits))
    except OverflowError: return None
print(json.dumps([cell(c['values'], c['p'], c['digits']) for c in json.load(sys.stdin)]))`,
      cases.map(c => ({...c, values: c.values.map(floatHex)})),
    );
    const got = cases.map(c => orCrash(() => roundedPercentile(c.values, c.p, c.digits)));
    const mismatches = cases.map((c, i) => ({...c, got: got[i], expected: expected[i]})).filter(m => m.got !== m.expected);
    expect(mismatches).toEqual([]);
  });
});

describe('sortedJson', () => {
  it('orders string keys by code point, as json.dumps(sort_keys=True) does', () => {
    expect(sortedJson([['\u{1f680}', 1n], ['\uff5e', 2n], ['b', 0.5], ['B', NaN]])).toBe('{"B": NaN, "b": 0.5, "\\uff5e": 2, "\\ud83d\\ude80": 1}');
  });

  it('orders number keys by value and prints them as JSON keys', () => {
    expect(sortedJson([[2.5, 1n], [true, 1n], [10n, 1n], [-Infinity, 1n], [0.1, 1n]])).toBe('{"-Infinity": 1, "0.1": 1, "true": 1, "2.5": 1, "10": 1}');
  });

  it.skipIf(pythonMissing)('agrees with json.dumps(d, sort_keys=True) on generated dicts of string or of number keys', () => {
    const rng = new Rng(23);
    const tagged = (v: PyValue): Tagged => (typeof v === 'bigint' ? ['i', v.toString()] : typeof v === 'boolean' ? ['b', v] : typeof v === 'number' ? ['f', floatHex(v)] : ['s', codePoints(v as string)]);
    const cases = Array.from({length: 800}, () => {
      const numeric = rng.chance(0.4);
      const entries = new Map<string, [PyValue, PyValue]>();
      for (let n = rng.int(0, 8); n > 0; n--) {
        const key: PyValue = !numeric ? randomString(rng, 5) : rng.pick([() => BigInt(rng.int(-50, 50)), () => rng.chance(0.5), () => interestingDouble(rng)])();
        // Left out: each NaN Python builds from its bits is a dict key of its own, unlike the stats' one.
        if (typeof key === 'number' && Number.isNaN(key)) continue;
        const value: PyValue = rng.chance(0.5) ? BigInt(rng.int(0, 1000)) : interestingDouble(rng);
        // Keys Python holds equal (1, 1.0, True) are one dict key, as the stats keep them.
        if (!entries.has(hashKey(key, true)!)) entries.set(hashKey(key, true)!, [key, value]);
      }
      return [...entries.values()];
    });
    const expected = python<string[]>(
      PY_CODECS + PY_UNTAG + `print(json.dumps([json.dumps({untag(k): untag(v) for k, v in entries}, sort_keys=True) for entries in json.load(sys.stdin)]))`,
      cases.map(entries => entries.map(([k, v]) => [tagged(k), tagged(v)])),
    );
    expect(cases.map(entries => sortedJson(entries))).toEqual(expected);
  });
});

describe('countsJson', () => {
  it('writes counts by their first-seen key', () => {
    expect(countsJson([{value: 'research', n: 2}, {value: 'bash', n: 1}])).toBe('{"bash": 1, "research": 2}');
    expect(countsJson([])).toBe('{}');
  });
});
