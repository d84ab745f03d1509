/**
 * Throughput of the exact decoder against the fast path, on one realistic session row.
 * Run: `npx vitest bench --run test/parse`.
 *
 * Node 20.20 on the 2-core dev VM shared with other jobs (load ~8), row of 0.35 MB, fastest run:
 * JSON.parse (row + 3 inner strings) ~180 MB/s, decodeRowExact ~95 MB/s; medians about half.
 * Reading: the exact path costs about 2x the fast path; strings with escapes go through
 * JSON.parse, so double-encoded rows stay fast.
 */
import {bench, describe} from 'vitest';
import {decodeRowExact} from '../../src/parse/decode-row.js';
import {Rng, realisticRow} from '../parse/generate.js';

const row = realisticRow(new Rng(1));

describe(`decode one session row (${(row.length / 1e6).toFixed(2)} MB)`, () => {
  bench('JSON.parse row and inner strings (fast path, not exact)', () => {
    const parsed = JSON.parse(row) as Record<string, unknown>;
    for (const key of ['messages', 'events', 'tools']) parsed[key] = JSON.parse(parsed[key] as string);
  });
  bench('decodeRowExact', () => {
    decodeRowExact(row);
  });
});
