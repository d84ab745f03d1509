import type {SessionContribution, SessionResult} from '../types.js';
import {BucketTotals, type CompiledSchema} from './schema.js';

export {BucketTotals};

/**
 * Keyed per-bucket accumulator: bucket index -> totals, for any number of buckets in one pass.
 * Sessions must be folded in canonical order (float sums depend on it); `inCanonicalOrder`
 * puts results that finish in any order back in line.
 */
export class KeyedAccumulator {
  private readonly totals = new Map<number, BucketTotals>();

  constructor(private readonly schema: CompiledSchema) {}

  fold(contribution: SessionContribution): void {
    let t = this.totals.get(contribution.bucket);
    if (!t) this.totals.set(contribution.bucket, (t = new BucketTotals(this.schema)));
    t.merge(contribution);
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
