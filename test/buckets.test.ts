import {describe, expect, it} from 'vitest';
import {bucketAt, bucketDay, folderBuckets, hourIndex, hourStart, planBuckets, previousDay, type BucketPlan, type PlanFlags} from '../src/buckets.js';
import {parseIsoDateTime, toInstant} from '../src/time/iso.js';

const hour = (text: string) => hourStart(parseIsoDateTime(text)!);

describe('hourIndex', () => {
  const base = {sec: 1_000_000 * 3600, micro: 0};
  it('puts the first microsecond of an hour in that hour and the last one in the previous', () => {
    expect(hourIndex({sec: base.sec + 3600, micro: 0}, base)).toBe(1);
    expect(hourIndex({sec: base.sec + 3599, micro: 999_999}, base)).toBe(0);
    expect(hourIndex({sec: base.sec - 1, micro: 999_999}, base)).toBe(-1);
  });
  it('respects a base with microseconds (an offset like +05:30:15.5)', () => {
    const odd = {sec: base.sec, micro: 500_000};
    expect(hourIndex({sec: base.sec, micro: 499_999}, odd)).toBe(-1);
    expect(hourIndex({sec: base.sec + 3600, micro: 499_999}, odd)).toBe(0);
    expect(hourIndex({sec: base.sec + 3600, micro: 500_000}, odd)).toBe(1);
  });
});

describe('bucketAt', () => {
  it('labels UTC hours as the reference does', () => {
    const {base, offsetMicros} = hour('2026-04-24T23');
    const plan: BucketPlan = {kind: 'hourly', base, offsetMicros, indices: [0, 1]};
    expect(bucketAt(plan, 0)).toMatchObject({key: '2026-04-24T23', path: 'hourly/2026-04-24/23.csv'});
    expect(bucketAt(plan, 1)).toMatchObject({key: '2026-04-25T00', path: 'hourly/2026-04-25/00.csv'});
  });
  it('labels and windows an hour given with an offset in that offset', () => {
    const {base, offsetMicros} = hour('2026-04-21T14:45+05:30');
    const plan: BucketPlan = {kind: 'hourly', base, offsetMicros, indices: [0]};
    const bucket = bucketAt(plan, 0);
    expect(bucket.key).toBe('2026-04-21T14');
    expect(bucket.start).toEqual(toInstant(parseIsoDateTime('2026-04-21T08:30Z')!));
    expect(bucketDay(plan, 0)).toBe('2026-04-21');
  });
  it('does not pad years before 1000 in labels (strftime on Linux) but does in folder dates', () => {
    const {base, offsetMicros} = hour('0005-01-01T03');
    const plan: BucketPlan = {kind: 'hourly', base, offsetMicros, indices: [0]};
    expect(bucketAt(plan, 0).key).toBe('5-01-01T03');
    expect(bucketDay(plan, 0)).toBe('0005-01-01');
  });
});

describe('folderBuckets', () => {
  it('lets a folder reach only hours of its own day and the next', () => {
    const {base, offsetMicros} = hour('2026-04-24T00');
    const plan: BucketPlan = {kind: 'hourly', base, offsetMicros, indices: Array.from({length: 72}, (_, i) => i)};
    const folders = folderBuckets(plan);
    expect([...folders.keys()]).toEqual(['2026-04-23', '2026-04-24', '2026-04-25', '2026-04-26']);
    expect([...folders.get('2026-04-23')!]).toEqual(Array.from({length: 24}, (_, i) => i));
    expect(Math.min(...folders.get('2026-04-25')!)).toBe(24);
    expect(Math.max(...folders.get('2026-04-25')!)).toBe(71);
  });
  it('crosses year and leap-day boundaries', () => {
    expect(previousDay('2026-01-01')).toBe('2025-12-31');
    expect(previousDay('2024-03-01')).toBe('2024-02-29');
  });
});

const argv = (flags: PlanFlags): PlanFlags => flags;
const keys = (a: PlanFlags, now = new Date('2026-04-24T14:37:00Z')) => {
  const plan = planBuckets(a, now);
  if (plan.kind !== 'hourly') return [plan.kind];
  return plan.indices.map(i => bucketAt(plan, i).key);
};

describe('planBuckets', () => {
  it('takes every hour in [from, to)', () => {
    const k = keys(argv({from: '2026-04-20T00', to: '2026-04-27T00'}));
    expect(k).toHaveLength(168);
    expect(k[0]).toBe('2026-04-20T00');
    expect(k.at(-1)).toBe('2026-04-26T23');
  });
  it('pins --from and --to to the start of their hour, as the oracle does', () => {
    expect(keys(argv({from: '2026-04-20T00:59', to: '2026-04-20T02:30'}))).toEqual(['2026-04-20T00', '2026-04-20T01']);
  });
  it('takes the N completed hours before now for --hours (the cron path)', () => {
    expect(keys(argv({hours: 2}))).toEqual(['2026-04-24T12', '2026-04-24T13']);
    expect(keys(argv({hours: 1, now: '2026-04-25T00'}))).toEqual(['2026-04-24T23']);
  });
  it('defaults to the last completed hour', () => {
    expect(keys(argv({}))).toEqual(['2026-04-24T13']);
  });
  it('reads every touched hour from stdin without hour flags', () => {
    expect(keys(argv({stdin: true}))).toEqual(['touched']);
  });
  it('raises KPI_OPTION_INVALID when --from is not before --to', () => {
    expect(() => planBuckets(argv({from: '2026-04-21T00', to: '2026-04-20T00'}), new Date())).toThrow(/--from must be before --to/);
  });
  it('raises KPI_OPTION_INVALID for an hour fromisoformat rejects, naming the flag and value', () => {
    expect(() => planBuckets(argv({datetime: '2026-04-24 14 '}), new Date())).toThrow(/`--datetime` must be an ISO hour.*"2026-04-24 14 "/);
    expect(() => planBuckets(argv({dailyBackfill: '24/04/2026'}), new Date())).toThrow(/`--daily-backfill`/);
  });
});
