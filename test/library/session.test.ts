import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {planRange} from '../../src/library/plan.js';
import {readSessionBytes, readSessionStream} from '../../src/library/session.js';
import {comparableResult} from '../support/session-result.js';
import {REPO} from '../support/python.js';

const DAY = join(REPO, 'fixtures', 'dataset', 'sessions', '2026-04-21');
const plan = planRange('2026-04-20T00', '2026-04-27T00');

describe('readSessionBytes and readSessionStream', () => {
  const files = readdirSync(DAY).filter(name => name.endsWith('.jsonl'));

  it('give the same result for every session of a fixture day, in chunks of any size', async () => {
    let contributing = 0;
    for (const [i, name] of files.entries()) {
      const bytes = readFileSync(join(DAY, name));
      const whole = await readSessionBytes(bytes, {plan, name});
      const chunk = 1 + ((i * 997) % 4096);
      const pieces = Array.from({length: Math.ceil(bytes.length / chunk)}, (_, k) => bytes.subarray(k * chunk, (k + 1) * chunk));
      const streamed = await readSessionStream(Readable.from(pieces), {plan, name});
      expect(comparableResult(streamed), name).toEqual(comparableResult(whole));
      if (whole.contributions.length > 0) contributing++;
    }
    expect(contributing).toBeGreaterThan(5);
  });

  it('skip a file the reference skips, naming why', async () => {
    const result = await readSessionBytes(Buffer.from('not json\n'), {plan});
    expect(result.skipped).toMatch(/./);
    expect(result.contributions).toEqual([]);
  });

  it('keep to the allowed buckets', async () => {
    for (const name of files) {
      const bytes = readFileSync(join(DAY, name));
      if ((await readSessionBytes(bytes, {plan, name})).contributions.length === 0) continue;
      expect((await readSessionBytes(bytes, {plan, name, allowed: new Set()})).contributions, name).toEqual([]);
      return;
    }
    throw new Error(`no session of ${DAY} reaches the week`);
  });
});
