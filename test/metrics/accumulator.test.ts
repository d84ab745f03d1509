import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {BucketTotals, inCanonicalOrder, KeyedAccumulator} from '../../src/metrics/accumulator.js';
import {compiled} from '../../src/metrics/schema.js';
import {folderInputs} from '../../src/library/inputs.js';
import {planRange} from '../../src/library/plan.js';
import {readSession} from '../../src/session/read.js';
import type {SessionContribution, SessionResult} from '../../src/types.js';
import {REPO} from '../support/python.js';

const result = (seq: number): SessionResult => ({seq, name: `f${seq}`, bytes: 0, events: 0, contributions: [], warnings: []});

describe('inCanonicalOrder', () => {
  it('folds results in seq order whatever order they arrive in', () => {
    const seen: number[] = [];
    const fold = inCanonicalOrder(r => seen.push(r.seq));
    for (const seq of [3, 1, 0, 4, 2, 5]) fold(result(seq));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('holds a result until the ones before it arrive', () => {
    const seen: number[] = [];
    const fold = inCanonicalOrder(r => seen.push(r.seq));
    fold(result(1));
    expect(seen).toEqual([]);
    fold(result(0));
    expect(seen).toEqual([0, 1]);
  });
});

describe('KeyedAccumulator.fold', () => {
  const schema = compiled('v1');
  /** Real session shares: the fixture dataset's first day, read one file at a time. */
  async function contributions(): Promise<SessionContribution[]> {
    const plan = planRange('2026-04-20T00', '2026-04-21T00');
    const {inputs, allowedFor} = await folderInputs(join(REPO, 'fixtures', 'dataset'), plan);
    const out: SessionContribution[] = [];
    for await (const input of inputs) out.push(...(await readSession(input, {plan, schema: 'v1', allowed: allowedFor(input)})).contributions);
    return out;
  }

  it('keeps one totals per bucket, listed by bucket index whatever order the buckets come in', async () => {
    const shares = await contributions();
    const byBucket = new Set(shares.map(c => c.bucket));
    expect(byBucket.size).toBeGreaterThan(3);
    const accumulator = new KeyedAccumulator(schema);
    for (const share of [...shares].reverse()) accumulator.fold(share);
    const indices = accumulator.buckets().map(([index]) => index);
    expect(indices).toEqual([...byBucket].sort((a, b) => a - b));
  });

  it("merges a bucket's sessions in the order they are folded, as BucketTotals.merge does", async () => {
    const shares = await contributions();
    const accumulator = new KeyedAccumulator(schema);
    for (const share of shares) accumulator.fold(share);
    for (const [index, totals] of accumulator.buckets()) {
      const direct = new BucketTotals(schema);
      for (const share of shares) if (share.bucket === index) direct.merge(share);
      expect(totals.cells()).toEqual(direct.cells());
    }
  });
});
