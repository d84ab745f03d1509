import type {PyValue} from '../py/value.js';
import {PyFloatSum} from '../py/sum.js';
import {EVENT_COUNTS, TOKEN_COUNTS, zeroCounts, type EventCounts, type SessionContribution, type SessionResult, type TokenCounts} from '../types.js';
import {addInt} from './session-stats.js';

/** Everything a bucket's KPI row is computed from. Small: no events, one number per session at most. */
export interface BucketTotals extends EventCounts, TokenCounts {
  sessions: number;
  users: Set<string>;
  turns: number;
  /** Python 3.12 `sum()` of the sessions' costs, in canonical session order. */
  cost: PyFloatSum;
  failures: number;
  regenerates: number;
  /** Seconds from session start to first action, one per session that has one (>= 0). */
  firstActions: number[];
  gpuHours: Map<string, {flavor: PyValue; hours: number}>;
  ctaBySource: Map<string, number | bigint>;
}

function emptyTotals(): BucketTotals {
  return {
    ...zeroCounts(), sessions: 0, users: new Set(), turns: 0, cost: new PyFloatSum(), failures: 0, regenerates: 0,
    firstActions: [], gpuHours: new Map(), ctaBySource: new Map(),
  };
}

/**
 * Keyed per-bucket accumulator: bucket index -> totals, for any number of buckets in one pass.
 * Sessions must be folded in canonical order (float sums depend on it); `inCanonicalOrder`
 * puts results that finish in any order back in line.
 */
export class KeyedAccumulator {
  private readonly totals = new Map<number, BucketTotals>();

  fold(contribution: SessionContribution): void {
    let t = this.totals.get(contribution.bucket);
    if (!t) this.totals.set(contribution.bucket, (t = emptyTotals()));
    const c = contribution;
    t.sessions++;
    if (c.user !== null) t.users.add(c.user);
    t.turns += c.turns;
    for (const key of EVENT_COUNTS) t[key] += c[key];
    for (const key of TOKEN_COUNTS) t[key] = addInt(t[key], c[key]);
    t.cost.add(c.cost);
    if (c.failed) t.failures++;
    if (c.regenerated) t.regenerates++;
    if (c.firstActionS !== null && c.firstActionS >= 0) t.firstActions.push(c.firstActionS);
    for (const [key, {flavor, hours}] of c.gpuHours) {
      const entry = t.gpuHours.get(key);
      if (entry) entry.hours += hours;
      else t.gpuHours.set(key, {flavor, hours: 0 + hours});
    }
    for (const [source, count] of c.ctaBySource) {
      t.ctaBySource.set(source, addInt(t.ctaBySource.get(source) ?? 0, count));
    }
  }

  /** Buckets that received at least one session, by bucket index ascending. */
  buckets(): Array<[number, BucketTotals]> {
    return [...this.totals].sort((a, b) => a[0] - b[0]);
  }
}

/**
 * Returns a function that takes results in any order and calls `fold` with them in `seq` order
 * (0, 1, 2, ...). Holds only the results that arrived early.
 */
export function inCanonicalOrder(fold: (result: SessionResult) => void): (result: SessionResult) => void {
  const early = new Map<number, SessionResult>();
  let next = 0;
  return result => {
    early.set(result.seq, result);
    for (let r = early.get(next); r; r = early.get(next)) {
      early.delete(next);
      next++;
      fold(r);
    }
  };
}
