import type {Transform} from 'node:stream';
import {stageTransform, type Stage} from '../stream.js';
import {addEvent, closeShare, openShare, type CompiledSchema, type OpenShare} from '../metrics/schema.js';
import {sessionFacts} from '../metrics/session-facts.js';
import type {EventContext} from '../metrics/define.js';
import type {SessionHeader} from '../parse/session-events.js';
import type {SessionContribution} from '../types.js';
import type {WindowedPart} from './time-window.js';

/** One session's outcome: its contributions per bucket, or why the reference skips it. */
export type SessionOutcome =
  | {skipped: string}
  | {skipped?: undefined; contributions: SessionContribution[]; events: number; eventsByBucket: Map<number, number>};

export interface SessionMetricsOptions extends EventContext {
  /** The run's KPI schema, compiled (see metrics/schema.ts). */
  schema: CompiledSchema;
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
  const {schema} = ctx;
  let open = new Map<number, OpenShare>();
  let events = 0;
  let eventsByBucket = new Map<number, number>();
  const step = (part: WindowedPart): SessionOutcome | undefined => {
    switch (part.kind) {
      case 'events':
        for (const {bucket, event, time} of part.events) {
          let c = open.get(bucket);
          if (!c) open.set(bucket, (c = openShare(schema, bucket)));
          addEvent(schema, c, event, time, ctx);
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
          open.set(ctx.everySessionIn, openShare(schema, ctx.everySessionIn));
        }
        return {contributions: closeSession(open, part.header, ctx), events, eventsByBucket};
    }
  };
  return {step};
}

function closeSession(open: Map<number, OpenShare>, header: SessionHeader, ctx: SessionMetricsOptions): SessionContribution[] {
  for (const note of header.notes) ctx.warn('value_coerced', note);
  if (open.size === 0) return [];
  const facts = sessionFacts(header, ctx.schema.facts, ctx);
  const shares = [...open.values()].sort((a, b) => a.bucket - b.bucket);
  for (const share of shares) closeShare(ctx.schema, share, facts);
  return shares;
}
