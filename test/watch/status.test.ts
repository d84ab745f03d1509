import {describe, expect, it} from 'vitest';
import {HourlyScheduler, type RollupOutcome} from '../../src/watch/scheduler.js';
import {WatchStatus} from '../../src/watch/status.js';
import {FakeClock} from '../support/fake-clock.js';

/** A scheduler whose rollups end as the test says, and a status read on a clock of its own. */
function setup() {
  const schedulerClock = new FakeClock(Date.parse('2026-04-21T10:03:00Z'));
  const statusClock = new FakeClock(Date.parse('2026-04-21T10:03:00Z'));
  const settle: Array<(outcome: RollupOutcome) => void> = [];
  const scheduler = new HourlyScheduler({clock: schedulerClock, atMinute: 5, backfillHours: 2, rollup: () => new Promise(resolve => settle.push(resolve))});
  return {scheduler, status: new WatchStatus(scheduler, statusClock), schedulerClock, statusClock, settle};
}

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('WatchStatus.health', () => {
  it('is 503 "starting" until the start-up rollup ends, then 200', async () => {
    const {scheduler, status, settle} = setup();
    scheduler.start();
    expect(status.health()).toMatchObject({ok: false, status: 'starting', hoursBehind: 2, hoursOwed: ['2026-04-21T08', '2026-04-21T09']});
    settle[0]!('ok');
    await tick();
    expect(status.health()).toMatchObject({ok: true, status: 'ok', hoursBehind: 0, nextTickAt: '2026-04-21T10:05:00.000Z', lastRollup: {outcome: 'ok'}});
  });

  it('is 503 "failing" after a failed rollup, naming the hours owed', async () => {
    const {scheduler, status, settle} = setup();
    scheduler.start();
    settle[0]!('failed');
    await tick();
    const health = status.health();
    expect(health).toMatchObject({ok: false, status: 'failing', hoursOwed: ['2026-04-21T08', '2026-04-21T09']});
    expect(health.reason).toMatch(/retried at the next tick/);
  });

  it('is 503 "late" when the tick is overdue (the process stalled) or a rollup runs past an hour', async () => {
    const {scheduler, status, statusClock, settle} = setup();
    scheduler.start();
    settle[0]!('ok');
    await tick();
    statusClock.moveTo('2026-04-21T10:10:00Z'); // the tick of 10:05 never fired
    expect(status.health()).toMatchObject({ok: false, status: 'late'});
    const busy = setup();
    busy.scheduler.start();
    busy.statusClock.moveTo('2026-04-21T10:04:00Z');
    expect(busy.status.health().status).toBe('starting');
    busy.statusClock.moveTo('2026-04-21T11:04:00Z');
    expect(busy.status.health().reason).toMatch(/tick is overdue/);
    // The ticks did fire (the scheduler's clock moved too): still late, as the rollup blocks the next.
    const stuck = setup();
    stuck.scheduler.start();
    for (const clock of [stuck.statusClock, stuck.schedulerClock]) clock.moveTo('2026-04-21T11:04:00Z');
    expect(stuck.status.health()).toMatchObject({ok: false, status: 'late'});
    expect(stuck.status.health().reason).toMatch(/more than an hour/);
  });
});
