import {Writable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {describe, expect, it} from 'vitest';
import type {BucketPlan} from '../../src/buckets.js';
import {sessionParts} from '../../src/parse/session-events.js';
import {fromArray} from '../../src/stream.js';
import {metricsStage, sessionMetrics, type SessionOutcome} from '../../src/transforms/session-metrics.js';
import {timeWindow, windowStage} from '../../src/transforms/time-window.js';
import {NeedsExactParse} from '../../src/py/value.js';
import {compiled} from '../../src/metrics/schema.js';

const schema = compiled('v2');
const needs = schema.parse;
import {Rng} from '../parse/generate.js';
import {sessionFile} from '../parse/session-files.js';

type Seen = {outcomes: SessionOutcome[]; warnings: string[]} | 'needs exact parse';

const PLANS: BucketPlan[] = [{kind: 'touched'}, {kind: 'daily', day: '2026-04-20'}];

/** The stage functions called one after the other, as readSession does for a session in memory. */
function direct(bytes: Uint8Array, plan: BucketPlan): Seen {
  const warnings: string[] = [];
  const warn = (code: string, message: string) => void warnings.push(`${code}: ${message}`);
  const window = windowStage({plan, allowed: null, warn});
  const metrics = metricsStage({schema, exact: true, warn, everySessionIn: plan.kind === 'daily' ? 0 : undefined});
  const outcomes: SessionOutcome[] = [];
  try {
    for (const part of [...sessionParts(bytes, {exact: true, needs}), undefined]) {
      const windowed = part ? window.step(part) : window.flush?.();
      const out = windowed && metrics.step(windowed);
      if (out) outcomes.push(out);
    }
  } catch (error) {
    if (error instanceof NeedsExactParse) return 'needs exact parse';
    throw error;
  }
  return {outcomes, warnings};
}

/** The same stages as Transforms, through pipeline(). */
async function shells(bytes: Uint8Array, plan: BucketPlan): Promise<Seen> {
  const warnings: string[] = [];
  const warn = (code: string, message: string) => void warnings.push(`${code}: ${message}`);
  const outcomes: SessionOutcome[] = [];
  try {
    await pipeline(
      fromArray(sessionParts(bytes, {exact: true, needs})),
      timeWindow({plan, allowed: null, warn}),
      sessionMetrics({schema, exact: true, warn, everySessionIn: plan.kind === 'daily' ? 0 : undefined}),
      new Writable({objectMode: true, write: (o: SessionOutcome, _e, done) => (outcomes.push(o), done())}),
    );
  } catch (error) {
    if (error instanceof NeedsExactParse) return 'needs exact parse';
    throw error;
  }
  return {outcomes, warnings};
}

describe('timeWindow and sessionMetrics as Transforms', () => {
  it('give what their stage functions give called directly, outcomes and warnings, on generated rows', async () => {
    const rng = new Rng(4242);
    let withContributions = 0;
    for (let n = 0; n < 300; n++) {
      const bytes = sessionFile(rng);
      const plan = rng.pick(PLANS);
      const expected = direct(bytes, plan);
      expect(await shells(bytes, plan), `row ${n}`).toEqual(expected);
      if (expected !== 'needs exact parse' && expected.outcomes.some(o => o.skipped === undefined && o.contributions.length > 0)) withContributions++;
    }
    // The rows exercise the metrics, not only the skips.
    expect(withContributions).toBeGreaterThan(50);
  });
});
