import {describe, expect, it} from 'vitest';
import {HourlyScheduler, HOUR_MS, type RollupOutcome, type RollupReport} from '../../src/watch/scheduler.js';
import {hourLabel} from '../../src/watch/status.js';
import {FakeClock} from '../support/fake-clock.js';

/** A scheduler over a fake clock whose rollups wait until the test settles them. */
function setup(start: string, options: {backfillHours?: number; atMinute?: number} = {}) {
  const clock = new FakeClock(Date.parse(start));
  const calls: Array<{hours: string[]; settle(outcome: RollupOutcome): Promise<void>}> = [];
  const reports: RollupReport[] = [];
  const scheduler = new HourlyScheduler({
    clock,
    backfillHours: options.backfillHours ?? 6,
    atMinute: options.atMinute ?? 5,
    rollup: hours =>
      new Promise<RollupOutcome>(resolve => {
        calls.push({
          hours: hours.map(hourLabel),
          settle: async outcome => {
            resolve(outcome);
            // Let the scheduler see the outcome (and launch what waited) before the test goes on.
            for (let i = 0; i < 5; i++) await Promise.resolve();
          },
        });
      }),
    onRollup: report => void reports.push(report),
  });
  return {clock, calls, reports, scheduler};
}

describe('HourlyScheduler', () => {
  it('rolls up the N completed hours before start-up in one rollup, then the hour just completed at :MM', async () => {
    const {clock, calls, scheduler} = setup('2026-04-21T10:03:00Z', {backfillHours: 3});
    scheduler.start();
    expect(calls.map(c => c.hours)).toEqual([['2026-04-21T07', '2026-04-21T08', '2026-04-21T09']]);
    expect(new Date(scheduler.nextTickAt).toISOString()).toBe('2026-04-21T10:05:00.000Z');
    await calls[0]!.settle('ok');
    clock.moveTo('2026-04-21T10:05:00Z'); // hour 09 is done already: nothing to do
    expect(calls).toHaveLength(1);
    clock.moveTo('2026-04-21T11:04:59Z');
    expect(calls).toHaveLength(1);
    clock.moveTo('2026-04-21T11:05:00Z');
    expect(calls.map(c => c.hours)).toEqual([['2026-04-21T07', '2026-04-21T08', '2026-04-21T09'], ['2026-04-21T10']]);
    await calls[1]!.settle('ok');
    expect(scheduler.hoursBehind()).toBe(0);
  });

  it('never runs two rollups at once: ticks during a rollup are coalesced into one after it', async () => {
    const {clock, calls, scheduler} = setup('2026-04-21T10:03:00Z', {backfillHours: 1});
    scheduler.start();
    clock.moveTo('2026-04-21T13:30:00Z'); // three ticks while the start-up rollup still runs
    expect(calls).toHaveLength(1);
    expect(scheduler.hoursBehind()).toBe(4);
    await calls[0]!.settle('ok');
    expect(calls.map(c => c.hours)).toEqual([['2026-04-21T09'], ['2026-04-21T10', '2026-04-21T11', '2026-04-21T12']]);
  });

  it('coalesces the ticks missed in a sleep into one rollup of every hour missed', async () => {
    const {clock, calls, scheduler} = setup('2026-04-21T10:03:00Z', {backfillHours: 0});
    scheduler.start();
    expect(calls).toHaveLength(0);
    clock.moveTo('2026-04-21T14:20:00Z', {asleep: true});
    expect(calls.map(c => c.hours)).toEqual([['2026-04-21T10', '2026-04-21T11', '2026-04-21T12', '2026-04-21T13']]);
    expect(new Date(scheduler.nextTickAt).toISOString()).toBe('2026-04-21T15:05:00.000Z');
  });

  it('retries the hours of a failed rollup at the next tick, together with the new hour', async () => {
    const {clock, calls, reports, scheduler} = setup('2026-04-21T10:03:00Z', {backfillHours: 2});
    scheduler.start();
    await calls[0]!.settle('failed');
    expect(reports.map(r => r.outcome)).toEqual(['failed']);
    expect(scheduler.hoursOwed().map(hourLabel)).toEqual(['2026-04-21T08', '2026-04-21T09']);
    expect(calls).toHaveLength(1); // not at once: at the next tick
    clock.moveTo('2026-04-21T10:05:00Z');
    expect(calls[1]!.hours).toEqual(['2026-04-21T08', '2026-04-21T09']);
    await calls[1]!.settle('failed');
    clock.moveTo('2026-04-21T11:05:00Z');
    expect(calls[2]!.hours).toEqual(['2026-04-21T08', '2026-04-21T09', '2026-04-21T10']);
    await calls[2]!.settle('ok');
    expect(scheduler.hoursBehind()).toBe(0);
    expect(scheduler.lastSuccessAt).toBe(Date.parse('2026-04-21T11:05:00Z'));
  });

  it('stop() cancels the ticks and waits for the rollup in flight', async () => {
    const {clock, calls, scheduler} = setup('2026-04-21T10:03:00Z', {backfillHours: 1});
    scheduler.start();
    let stopped = false;
    const stopping = scheduler.stop().then(() => void (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    await calls[0]!.settle('interrupted');
    await stopping;
    expect(clock.pendingTimers).toBe(0);
    clock.moveTo(Date.parse('2026-04-21T10:03:00Z') + 5 * HOUR_MS);
    expect(calls).toHaveLength(1);
  });
});
