import type {Transform} from 'node:stream';
import {stageTransform, type Stage} from '../stream.js';
import {isDict, type PyValue} from '../py/value.js';
import {parseTimestamp, type Instant} from '../time/iso.js';
import {trueDivide} from '../py/sum.js';
import {pyTruthy} from '../py/convert.js';
import {addEvent, describe, openContribution, type EventContext, type OpenContribution} from '../metrics/session-stats.js';
import {hashKey} from '../metrics/keys.js';
import {decodeMessages, type SessionHeader} from '../parse/session-events.js';
import type {SessionContribution} from '../types.js';
import type {WindowedPart} from './time-window.js';

/** One session's outcome: its contributions per bucket, or why the reference skips it. */
export type SessionOutcome =
  | {skipped: string}
  | {skipped?: undefined; contributions: SessionContribution[]; events: number; eventsByBucket: Map<number, number>};

export interface SessionMetricsOptions extends EventContext {
  /** A bucket every valid session counts in, events or not (the daily backfill's bucket 0). */
  everySessionIn?: number;
}

/**
 * Reduces one session's windowed events into one contribution per bucket it touches, and emits
 * them when the row ends (the header may come after the events, and a repeated `events` key or an
 * invalid row voids what came before).
 */
export function sessionMetrics(ctx: SessionMetricsOptions): Transform {
  return stageTransform(metricsStage(ctx));
}

/** The session-metrics stage as a plain function (see Stage): what `sessionMetrics` wraps. */
export function metricsStage(ctx: SessionMetricsOptions): Stage<WindowedPart, SessionOutcome> {
  let open = new Map<number, OpenContribution>();
  let events = 0;
  let eventsByBucket = new Map<number, number>();
  const step = (part: WindowedPart): SessionOutcome | undefined => {
    switch (part.kind) {
      case 'events':
        for (const {bucket, event, time} of part.events) {
          let c = open.get(bucket);
          if (!c) open.set(bucket, (c = openContribution(bucket)));
          addEvent(c, event, time, ctx);
          eventsByBucket.set(bucket, (eventsByBucket.get(bucket) ?? 0) + 1);
        }
        events += part.events.length;
        return undefined;
      case 'reset':
        open = new Map();
        events = 0;
        eventsByBucket = new Map();
        return undefined;
      case 'skip':
        return {skipped: part.reason};
      case 'end':
        if (ctx.everySessionIn !== undefined && !open.has(ctx.everySessionIn)) {
          open.set(ctx.everySessionIn, openContribution(ctx.everySessionIn));
        }
        return {contributions: closeSession(open, part.header, ctx), events, eventsByBucket};
    }
  };
  return {step};
}

function closeSession(open: Map<number, OpenContribution>, header: SessionHeader, ctx: EventContext): SessionContribution[] {
  for (const note of header.notes) ctx.warn('value_coerced', note);
  if (open.size === 0) return [];
  const turns = countTurns(decodeMessages(header), ctx);
  const user = userOf(header, ctx);
  const start = parseTimestamp(header.startTime);
  const out: SessionContribution[] = [];
  for (const c of [...open.values()].sort((a, b) => a.bucket - b.bucket)) {
    const {firstActionAt, ...contribution} = c;
    contribution.turns = turns;
    contribution.user = user;
    contribution.firstActionS = firstActionAt && start ? secondsBetween(start, firstActionAt) : null;
    out.push(contribution);
  }
  return out;
}

/** `(later - earlier).total_seconds()`: exact microseconds, correctly rounded to seconds. */
export function secondsBetween(earlier: Instant, later: Instant): number {
  const ds = later.sec - earlier.sec;
  const dm = later.micro - earlier.micro;
  if (Math.abs(ds) < 9e9) return (ds * 1e6 + dm) / 1e6;
  return trueDivide(BigInt(ds) * 1_000_000n + BigInt(dm), 1_000_000n);
}

/** User messages of the whole session (messages are not windowed). */
function countTurns(messages: PyValue, ctx: EventContext): number {
  if (!Array.isArray(messages)) {
    if (pyTruthy(messages)) ctx.warn('value_coerced', `messages is ${describe(messages)}, not a list; no turns counted`);
    return 0;
  }
  let turns = 0;
  let odd = 0;
  for (const m of messages) {
    if (!isDict(m)) odd++;
    else if (m.role === 'user') turns++;
  }
  if (odd) ctx.warn('value_coerced', `${odd} message(s) are not JSON objects; skipped`);
  return turns;
}

/** `user_id or session_id`, as a set key; an unhashable id is treated as absent. */
function userOf(header: SessionHeader, ctx: EventContext): string | null {
  for (const [field, value] of [['user_id', header.userId], ['session_id', header.sessionId]] as const) {
    if (!pyTruthy(value)) continue;
    const key = hashKey(value, ctx.exact);
    if (key !== null) return key;
    ctx.warn('value_coerced', `${field} ${describe(value)} is a list or object; treated as absent`);
  }
  return null;
}
