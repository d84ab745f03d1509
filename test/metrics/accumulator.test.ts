import {describe, expect, it} from 'vitest';
import {inCanonicalOrder} from '../../src/metrics/accumulator.js';
import type {SessionResult} from '../../src/types.js';

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
