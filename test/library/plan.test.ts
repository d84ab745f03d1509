import {describe, expect, it} from 'vitest';
import {bucketAt, type BucketPlan} from '../../src/buckets.js';
import {planDay, planHour, planLastHours, planRange, planTouchedHours} from '../../src/library/plan.js';

const keys = (plan: BucketPlan) => (plan.kind === 'hourly' ? plan.indices.map(i => bucketAt(plan, i).key) : []);

describe('library plans', () => {
  it('planRange takes every hour in [from, to)', () => {
    const k = keys(planRange('2026-04-20T00', '2026-04-27T00'));
    expect(k).toHaveLength(168);
    expect([k[0], k.at(-1)]).toEqual(['2026-04-20T00', '2026-04-26T23']);
  });

  it('planHour labels the hour in the offset it was given', () => {
    expect(keys(planHour('2026-04-24T14'))).toEqual(['2026-04-24T14']);
    expect(keys(planHour('2026-04-21T14+05:30'))).toEqual(['2026-04-21T14']);
  });

  it('planLastHours takes the completed hours before now', () => {
    expect(keys(planLastHours(3, new Date('2026-04-24T14:37:00Z')))).toEqual(['2026-04-24T11', '2026-04-24T12', '2026-04-24T13']);
  });

  it('planDay and planTouchedHours give the daily and the every-touched-hour plans', () => {
    expect(planDay('2026-04-24')).toEqual({kind: 'daily', day: '2026-04-24'});
    expect(planTouchedHours()).toEqual({kind: 'touched'});
  });

  it('raises KPI_OPTION_INVALID for a bad hour, an empty range or a count below 1', () => {
    expect(() => planHour('yesterday')).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID'}));
    expect(() => planRange('2026-04-21T00', '2026-04-20T00')).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID'}));
    expect(() => planLastHours(0)).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID'}));
    expect(() => planDay('24/04/2026')).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID'}));
  });
});
