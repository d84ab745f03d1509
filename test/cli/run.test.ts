import {describe, expect, it} from 'vitest';
import {commitMessage} from '../../src/cli/run.js';

describe('commitMessage', () => {
  it('names one bucket as the reference does, and a range by its ends and count', () => {
    expect(commitMessage(['2026-04-24T14'])).toBe('KPIs for 2026-04-24T14');
    expect(commitMessage(['2026-04-20T00', '2026-04-20T01', '2026-04-20T05'])).toBe('KPIs for 2026-04-20T00 .. 2026-04-20T05 (3 buckets)');
  });
});
