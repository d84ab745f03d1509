import {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {describe, expect, it} from 'vitest';
import {planDay, planHour, planRange, planTouchedHours} from '../../src/library/plan.js';
import type {BucketPlan} from '../../src/buckets.js';
import type {SessionPart} from '../../src/parse/session-events.js';
import type {PyValue} from '../../src/py/value.js';
import {fromArray} from '../../src/stream.js';
import {timeWindow, type WindowedPart} from '../../src/transforms/time-window.js';

const header = {fields: {session_id: 's'}, messages: null, notes: []};

/** The events given, through timeWindow: each kept event's bucket and timestamp, and the warnings. */
async function windowed(plan: BucketPlan, events: PyValue[], allowed: ReadonlySet<number> | null = null) {
  const parts: WindowedPart[] = [];
  const warnings: string[] = [];
  const input: SessionPart[] = [{kind: 'events', events}, {kind: 'end', header}];
  await pipeline(
    fromArray(input),
    timeWindow({plan, allowed, warn: (code, message) => warnings.push(`${code}: ${message}`)}),
    new Writable({
      objectMode: true,
      write(part: WindowedPart, _encoding, done) {
        parts.push(part);
        done();
      },
    }),
  );
  const kept = parts.flatMap(p => (p.kind === 'events' ? p.events.map(e => [e.bucket, e.event.timestamp]) : []));
  return {kept, kinds: parts.map(p => p.kind), warnings};
}

const at = (timestamp: PyValue) => ({event_type: 'llm_call', timestamp});

describe('timeWindow', () => {
  const events = [at('2026-04-24T12:59:59.999999'), at('2026-04-24T13:00:00'), at('2026-04-24T14:30:00'), at('2026-04-24T15:00:00')];

  it('tags each event with its hour and drops those outside the allowed hours', async () => {
    const plan = planRange('2026-04-24T13', '2026-04-24T15');
    const {kept, kinds} = await windowed(plan, events, new Set([0, 1]));
    expect(kept).toEqual([[0, '2026-04-24T13:00:00'], [1, '2026-04-24T14:30:00']]);
    expect(kinds).toEqual(['events', 'end']);
  });

  it('with no folder rule (null), tags every hour, before and after the plan too', async () => {
    const {kept} = await windowed(planRange('2026-04-24T13', '2026-04-24T15'), events, null);
    expect(kept.map(([bucket]) => bucket)).toEqual([-1, 0, 1, 2]);
  });

  it('places an offset timestamp by its UTC instant', async () => {
    const {kept} = await windowed(planHour('2026-04-24T14'), [at('2026-04-24T16:10:00+02:00'), at('2026-04-24T14:10:00+02:00')], new Set([0]));
    expect(kept).toEqual([[0, '2026-04-24T16:10:00+02:00']]);
  });

  it('keeps to the buckets the folder rule allows', async () => {
    const plan = planRange('2026-04-24T13', '2026-04-24T15');
    const {kept} = await windowed(plan, [at('2026-04-24T13:00:00'), at('2026-04-24T14:00:00')], new Set([1]));
    expect(kept).toEqual([[1, '2026-04-24T14:00:00']]);
  });

  it('drops events without a parseable timestamp, and emits no empty batch', async () => {
    const {kept, kinds} = await windowed(planHour('2026-04-24T14'), [at(null), at('yesterday'), at(1714000000)]);
    expect(kept).toEqual([]);
    expect(kinds).toEqual(['end']);
  });

  it('puts every event of the daily plan in bucket 0, timestamp or not', async () => {
    const {kept} = await windowed(planDay('2026-04-24'), [at('2026-04-24T01:00:00'), at(null), at('1999-01-01T00:00:00')]);
    expect(kept.map(([bucket]) => bucket)).toEqual([0, 0, 0]);
  });

  it('takes any hour in the every-touched-hour plan, as hours since the epoch', async () => {
    const {kept} = await windowed(planTouchedHours(), [at('1970-01-01T02:30:00')]);
    expect(kept).toEqual([[2, '1970-01-01T02:30:00']]);
  });

  it('warns once, with a count, about events that are not objects', async () => {
    const {kept, warnings} = await windowed(planHour('2026-04-24T14'), [1, 'x', at('2026-04-24T14:00:00'), null]);
    expect(kept).toHaveLength(1);
    expect(warnings).toEqual(['event_not_object: 3 event(s) are not JSON objects; skipped']);
  });
});
