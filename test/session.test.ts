import {describe, expect, it} from 'vitest';
import {readSession, type ReadSessionOptions} from '../src/session.js';
import {corpusEntries} from '../src/dev/corpus.js';
import type {BucketPlan} from '../src/buckets.js';
import type {SessionResult} from '../src/types.js';
import {Rng} from './parse/generate.js';
import {sessionFile} from './parse/session-files.js';

/** A result in a form both paths must agree on: ints as numbers when exact, notes without reasons. */
function comparable(result: SessionResult) {
  const narrow = (v: unknown) => (typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);
  return {
    skipped: result.skipped !== undefined,
    events: result.events,
    contributions: result.contributions.map(c => ({
      ...c,
      tokensPrompt: narrow(c.tokensPrompt),
      tokensCompletion: narrow(c.tokensCompletion),
      tokensCacheRead: narrow(c.tokensCacheRead),
      tokensCacheCreation: narrow(c.tokensCacheCreation),
    })),
  };
}

/**
 * Warnings as `code: message` up to the first value it shows: how a value is shown depends on the
 * parser that read it (JSON.parse or the exact one), and the paths word a decoder's reason differently.
 */
function warnings(result: SessionResult): string[] {
  return result.warnings.map(w => `${w.code}: ${w.message.split(/[[{"\d(-]/)[0]}`);
}

async function bothPaths(bytes: Uint8Array, plan: BucketPlan) {
  const input = {seq: 0, name: 'x.jsonl', folder: null, ref: {kind: 'bytes' as const, bytes}};
  const options: ReadSessionOptions = {plan, allowed: null};
  const whole = await readSession(input, {...options, streamAbove: Infinity});
  const streamed = await readSession(input, {...options, streamAbove: 0});
  return {whole, streamed};
}

async function expectSamePaths(name: string, bytes: Uint8Array, plan: BucketPlan): Promise<void> {
  const {whole, streamed} = await bothPaths(bytes, plan);
  expect(comparable(streamed), name).toEqual(comparable(whole));
  // Streaming may warn about events a later `reset` voids, and never decodes `tools`.
  const streamedWarnings = new Set(warnings(streamed));
  for (const w of warnings(whole)) if (!w.includes("tools string")) expect(streamedWarnings, `${name}: ${JSON.stringify([...streamedWarnings])}`).toContain(w);
}

const PLANS: BucketPlan[] = [{kind: 'touched'}, {kind: 'daily', day: '2026-04-20'}];

describe('readSession', () => {
  it('gives the same result streamed (threshold 0) as whole, on generated rows', async () => {
    const rng = new Rng(777);
    for (let n = 0; n < 600; n++) {
      await expectSamePaths(`row ${n}`, sessionFile(rng), rng.pick(PLANS));
    }
  });

  it('gives the same result streamed as whole, on the nasty corpus', async () => {
    for (const entry of corpusEntries({seed: 11, profile: 'nasty', days: 2, sessionsPerDay: 15, sizeScale: 0.05})) {
      const bytes = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
      for (const plan of PLANS) await expectSamePaths(entry.path, bytes, plan);
    }
  });
});
