import {describe, expect, it} from 'vitest';
import {addEvent, describe as describeValue, openContribution, type EventContext} from '../../src/metrics/session-stats.js';
import type {PyDict, PyValue} from '../../src/py/value.js';

const dict = (o: Record<string, PyValue>): PyDict => Object.assign(Object.create(null) as PyDict, o);

function context(exact = true): EventContext & {warnings: Array<{code: string; message: string}>} {
  const warnings: Array<{code: string; message: string}> = [];
  return {exact, warn: (code, message) => void warnings.push({code, message}), warnings};
}

describe('describe (a bad value in a warning)', () => {
  it('writes overflowed and NaN floats as JSON literals, not null', () => {
    expect(describeValue(Infinity)).toBe('Infinity');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue([1, Infinity, dict({a: NaN})])).toBe('[1,Infinity,{"a":NaN}]');
  });

  it('writes big integers as digits, not as a quoted string', () => {
    expect(describeValue(123456789012345678901234567890n)).toBe('123456789012345678901234567890');
    expect(describeValue([5n])).toBe('[5]');
    expect(describeValue('5')).toBe('"5"');
  });

  it('cuts long values to 60 characters', () => {
    expect(describeValue('x'.repeat(100))).toHaveLength(60);
  });
});

describe('addEvent', () => {
  const at = {event_type: 'llm_call', timestamp: '2026-04-21T10:00:00'};

  it('names an overflowed token count (int(inf) crashes the reference) as Infinity', () => {
    const ctx = context();
    addEvent(openContribution(0), dict({...at, data: dict({prompt_tokens: Infinity})}), null, ctx);
    expect(ctx.warnings).toEqual([{code: 'value_coerced', message: 'prompt_tokens Infinity is not an integer; counted as 0'}]);
  });

  it('warns about a flavor that is not a string (json.dumps cannot sort it among string flavors), and keeps it', () => {
    for (const flavor of [1.5, Infinity, NaN, 5n, true] as PyValue[]) {
      const ctx = context();
      const c = openContribution(0);
      addEvent(c, dict({...at, event_type: 'hf_job_complete', data: dict({flavor, wall_time_s: 60})}), null, ctx);
      expect(ctx.warnings.map(w => w.code)).toEqual(['flavor_not_string']);
      expect([...c.gpuHours.values()].map(e => e.flavor)).toEqual([flavor]);
    }
  });

  it('does not warn about a string flavor, known or not, or a falsy one (counted as "unknown")', () => {
    for (const flavor of ['h100', 'tpu-v9', null, '', 0n, -0, false] as PyValue[]) {
      const ctx = context();
      addEvent(openContribution(0), dict({...at, event_type: 'hf_job_complete', data: dict({flavor})}), null, ctx);
      expect(ctx.warnings).toEqual([]);
    }
  });
});
