import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {addInt, addToKey, describe as describeValue, dictKey, eventData, FLAVOR_GPUS, floatField, tokenCount} from '../../src/metrics/coerce.js';
import {pyFloatRepr} from '../../src/py/format.js';
import {NeedsExactParse, type PyValue} from '../../src/py/value.js';
import {pyDict} from '../support/py-dict.js';
import {python, pythonMissing, REFERENCE_DIR} from '../support/python.js';


/** An EventContext that records its warnings. */
function context(exact = true) {
  const warnings: string[] = [];
  return {exact, warnings, warn: (code: string, message: string) => void warnings.push(`${code}: ${message}`)};
}

describe('FLAVOR_GPUS', () => {
  it('is the reference script\'s GPU count per flavor', () => {
    const script = readFileSync(join(REFERENCE_DIR, 'build_kpis.py'), 'utf8');
    const table = script.slice(script.indexOf('_FLAVOR_GPU_COUNT = {'), script.indexOf('}', script.indexOf('_FLAVOR_GPU_COUNT = {')));
    const reference = Object.fromEntries([...table.matchAll(/"([\w-]+)": (\d+)/g)].map(m => [m[1], Number(m[2])]));
    expect(Object.keys(reference).length).toBeGreaterThan(10);
    expect(FLAVOR_GPUS).toEqual(reference);
  });
});

describe('addInt', () => {
  it('adds on doubles while the sum is exact, and exactly past 2^53', () => {
    expect(addInt(2, 3)).toBe(5);
    expect(addInt(2 ** 53 - 1, 2)).toBe(2n ** 53n + 1n);
    expect(addInt(-(2 ** 53), -1)).toBe(-(2n ** 53n) - 1n);
    expect(addInt(2n ** 70n, 1)).toBe(2n ** 70n + 1n);
  });
});

describe('dictKey', () => {
  it('keys values as a Python dict does: 1, 1.0 and True are one key, "1" another', () => {
    const ctx = context();
    expect(dictKey(1n, ctx)!.key).toBe(dictKey(true, ctx)!.key);
    expect(dictKey(1.0, ctx)!.key).toBe(dictKey(1n, ctx)!.key);
    expect(dictKey('1', ctx)!.key).not.toBe(dictKey(1n, ctx)!.key);
    expect(dictKey('x', ctx)).toEqual({key: 'sx', value: 'x'});
  });

  it('gives null for a value Python cannot hash', () => {
    expect(dictKey(['x'], context())).toBeNull();
    expect(dictKey(pyDict({a: 1n}), context())).toBeNull();
  });

  it('asks for the exact parse for a number from JSON.parse (5 and 5.0 print differently)', () => {
    expect(() => dictKey(5, context(false))).toThrow(NeedsExactParse);
    expect(dictKey('5', context(false))).toEqual({key: 's5', value: '5'});
  });
});

describe('addToKey', () => {
  it('adds to the count of a key, keeping the value it was first seen with', () => {
    const map = new Map<string, {value: PyValue; n: number}>();
    addToKey(map, {key: 'n1', value: true}, 1);
    addToKey(map, {key: 'n1', value: 1n}, 2);
    addToKey(map, {key: 's1', value: '1'}, 1);
    expect([...map]).toEqual([['n1', {value: true, n: 3}], ['s1', {value: '1', n: 1}]]);
  });
});

describe('eventData', () => {
  it('gives an object data as it is', () => {
    const data = pyDict({a: 1n});
    expect(eventData(pyDict({event_type: 'x', data}), context())).toBe(data);
  });

  it('reads missing, null and falsy data as {} without a word, as `data or {}` does', () => {
    const ctx = context();
    for (const data of [undefined, null, [], 0, '', false] as PyValue[]) {
      expect(eventData(pyDict({event_type: 'x', ...(data === undefined ? {} : {data})}), ctx)).toEqual({});
    }
    expect(ctx.warnings).toEqual([]);
  });

  it('reads any other data as {}, and says so (the reference crashes)', () => {
    const ctx = context();
    for (const data of ['oops', [1n], 5n, true] as PyValue[]) expect(eventData(pyDict({event_type: 'llm_call', data}), ctx)).toEqual({});
    expect(ctx.warnings).toEqual([
      'value_coerced: llm_call event data "oops" is not an object; treated as {}',
      'value_coerced: llm_call event data [1] is not an object; treated as {}',
      'value_coerced: llm_call event data 5 is not an object; treated as {}',
      'value_coerced: llm_call event data true is not an object; treated as {}',
    ]);
  });
});

describe('tokenCount and floatField', () => {
  it('count a value int() or float() rejects as 0, naming the field and the value', () => {
    const ctx = context();
    expect(tokenCount(pyDict({prompt_tokens: 'many'}), 'prompt_tokens', ctx)).toBe(0);
    expect(tokenCount(pyDict({prompt_tokens: Infinity}), 'prompt_tokens', ctx)).toBe(0);
    expect(floatField(pyDict({cost_usd: [0.5]}), 'cost_usd', ctx)).toBe(0);
    expect(floatField(pyDict({cost_usd: 10n ** 400n}), 'cost_usd', ctx)).toBe(0);
    expect(ctx.warnings).toEqual([
      'value_coerced: prompt_tokens "many" is not an integer; counted as 0',
      'value_coerced: prompt_tokens Infinity is not an integer; counted as 0',
      'value_coerced: cost_usd [0.5] is not a number; counted as 0.0',
      `value_coerced: cost_usd ${'1' + '0'.repeat(56)}... is not a number; counted as 0.0`,
    ]);
  });

  it('let a request for the exact parse through', () => {
    expect(() => tokenCount(pyDict({prompt_tokens: 1e300}), 'prompt_tokens', context(false))).toThrow(NeedsExactParse);
    expect(() => floatField(pyDict({cost_usd: Infinity}), 'cost_usd', context(false))).toThrow(NeedsExactParse);
  });

  const TEXTS = ['', '7', ' 7 ', '-0', '1_000', '1__0', '\u0663', '0x10', '1.5', '1e3', ' 2.5 ', 'nan', '-inf', 'infinity', '12345678901234567890123', 'abc', '\u00a07\u3000', '+3'];

  it.skipIf(pythonMissing)('agree with int(x or 0) and float(x or 0.0) on text, failures included', () => {
    const expected = python<Array<[string | null, string | null]>>(
      `import json, sys
def attempt(f):
    try: return f()
    except (ValueError, OverflowError): return None
print(json.dumps([[attempt(lambda: str(int(s or 0))), attempt(lambda: repr(float(s or 0.0)))] for s in json.load(sys.stdin)]))`,
      TEXTS,
    );
    const got = TEXTS.map(text => {
      const ctx = context();
      const int = tokenCount(pyDict({n: text}), 'n', ctx);
      const float = floatField(pyDict({n: text}), 'n', ctx);
      const failed = (what: string) => ctx.warnings.some(w => w.includes(what));
      return [failed('not an integer') ? null : String(int), failed('not a number') ? null : pyFloatRepr(float)];
    });
    expect(got).toEqual(expected);
  });
});

describe('describe', () => {
  it('writes a value as JSON would, big integers and non-finite floats bare', () => {
    expect(describeValue('oops')).toBe('"oops"');
    expect(describeValue(2n ** 70n)).toBe('1180591620717411303424');
    expect(describeValue([1n, NaN, -Infinity, 'x', pyDict({a: Infinity})])).toBe('[1,NaN,-Infinity,"x",{"a":Infinity}]');
    expect(describeValue(null)).toBe('null');
  });

  it('cuts what is longer than 60 characters to 57 and "..."', () => {
    expect(describeValue('x'.repeat(58))).toBe(`"${'x'.repeat(58)}"`);
    expect(describeValue('x'.repeat(59))).toBe(`"${'x'.repeat(56)}...`);
  });
});
