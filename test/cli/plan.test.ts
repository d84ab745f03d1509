import {describe, expect, it} from 'vitest';
import {commitMessage, planBuckets} from '../../src/cli/run.js';
import {bucketAt} from '../../src/buckets.js';
import type {CliArgs} from '../../src/cli/args.js';

const argv = (extra: Partial<CliArgs>): CliArgs => ({retries: 5, concurrency: 8, logFormat: 'text', schema: 'v1', sourceDir: 'd', outDir: 'o', ...extra});
const keys = (a: CliArgs, now = new Date('2026-04-24T14:37:00Z')) => {
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
    expect(keys(argv({sourceDir: undefined, stdin: true}))).toEqual(['touched']);
  });
  it('raises KPI_OPTION_INVALID when --from is not before --to', () => {
    expect(() => planBuckets(argv({from: '2026-04-21T00', to: '2026-04-20T00'}), new Date())).toThrow(/--from must be before --to/);
  });
  it('raises KPI_OPTION_INVALID for an hour fromisoformat rejects, naming the flag and value', () => {
    expect(() => planBuckets(argv({datetime: '2026-04-24 14 '}), new Date())).toThrow(/`--datetime` must be an ISO hour.*"2026-04-24 14 "/);
    expect(() => planBuckets(argv({dailyBackfill: '24/04/2026'}), new Date())).toThrow(/`--daily-backfill`/);
  });
});

describe('commitMessage', () => {
  it('names one bucket as the reference does, and a range by its ends and count', () => {
    expect(commitMessage(['2026-04-24T14'])).toBe('KPIs for 2026-04-24T14');
    expect(commitMessage(['2026-04-20T00', '2026-04-20T01', '2026-04-20T05'])).toBe('KPIs for 2026-04-20T00 .. 2026-04-20T05 (3 buckets)');
  });
});
