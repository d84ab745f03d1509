import type {Transform} from 'node:stream';
import {stageTransform, type Stage} from '../stream.js';
import {isDict, type PyDict} from '../py/value.js';
import {parseTimestamp, type Instant} from '../time/iso.js';
import {hourIndex, hourlyFrame, isRepresentableHour, type BucketPlan} from '../buckets.js';
import type {SessionPart} from '../parse/session-events.js';

/** An event placed in its bucket. `time` is null only in the unwindowed daily bucket. */
export interface WindowedEvent {
  bucket: number;
  event: PyDict;
  time: Instant | null;
}

export type WindowedPart = Exclude<SessionPart, {kind: 'events'}> | {kind: 'events'; events: WindowedEvent[]};

export interface TimeWindowOptions {
  plan: BucketPlan;
  /** Bucket indices this file may contribute to (the folder rule); null = any (stdin). */
  allowed: ReadonlySet<number> | null;
  warn(code: string, message: string): void;
}

/**
 * Tags each event with its bucket and drops the rest: events without a parseable timestamp, or
 * outside every requested hour. In the daily plan every event goes to bucket 0, as the reference's
 * daily backfill does not window.
 */
export function timeWindow(options: TimeWindowOptions): Transform {
  return stageTransform(windowStage(options));
}

/** The time-window stage as a plain function (see Stage): what `timeWindow` wraps. */
export function windowStage({plan, allowed, warn}: TimeWindowOptions): Stage<SessionPart, WindowedPart> {
  const {base} = hourlyFrame(plan);
  let notDicts = 0;
  const place = (event: PyDict): WindowedEvent | undefined => {
    const time = parseTimestamp(event.timestamp);
    if (plan.kind === 'daily') return {bucket: 0, event, time};
    if (time === null) return undefined;
    const bucket = hourIndex(time, base);
    if (allowed ? !allowed.has(bucket) : !isRepresentableHour(bucket)) return undefined;
    return {bucket, event, time};
  };
  return {
    step(part) {
      if (part.kind !== 'events') return part;
      const events: WindowedEvent[] = [];
      for (const event of part.events) {
        if (!isDict(event)) {
          notDicts++;
          continue;
        }
        const placed = place(event);
        if (placed) events.push(placed);
      }
      return events.length ? {kind: 'events', events} : undefined;
    },
    flush() {
      if (notDicts) warn('event_not_object', `${notDicts} event(s) are not JSON objects; skipped`);
      return undefined;
    },
  };
}
