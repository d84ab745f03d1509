/**
 * Fresh generated corpora, realistic and nasty, through the oracle and the CLI in every mode;
 * every CSV must match byte for byte. Seeds: $KPI_DIFF_SEEDS (comma-separated), else a fixed few
 * plus one derived from today's date, so CI keeps exploring; a failure names its seed.
 */

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {generateCorpus, stdinBytes, type Profile} from '../../src/dev/corpus.js';
import {oracleModes, runOracleMode} from '../../src/dev/make-fixtures.js';
import {diffTrees, readTree, runCliMode} from '../support/oracle.js';
import {ORACLE, oracleMissing, PYTHON} from '../support/python.js';

function seedsFromEnv(): number[] {
  const raw = process.env.KPI_DIFF_SEEDS;
  if (raw !== undefined && raw.trim() !== '') {
    return raw.split(',').map(s => {
      const seed = Number(s.trim());
      if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`KPI_DIFF_SEEDS must be integers >= 0, got "${s}"`);
      return seed;
    });
  }
  const today = Number(new Date().toISOString().slice(0, 10).replace(/-/g, ''));
  return [1, 2, 3, today];
}

const SEEDS = seedsFromEnv();
/** Start days that put month, year and leap-day boundaries inside the corpus. */
const STARTS = ['2026-04-20', '2026-12-30', '2028-02-27', '2026-03-28'];
const SHAPES: Record<Profile, {sessionsPerDay: number; sizeScale: number}> = {
  realistic: {sessionsPerDay: 8, sizeScale: 0.05},
  nasty: {sessionsPerDay: 5, sizeScale: 0.01},
};

let compared = 0;
let matched = 0;

if (oracleMissing) console.warn(`[skip] differential tests: ${oracleMissing}`);

describe.skipIf(oracleMissing !== undefined)('kpi-stream vs the oracle on generated corpora', () => {
  afterAll(() => {
    console.log(`differential: ${compared} buckets compared, ${matched} matched (seeds ${SEEDS.join(',')}; rerun with KPI_DIFF_SEEDS=...)`);
  });

  for (const seed of SEEDS) {
    for (const profile of ['realistic', 'nasty'] as const) {
      it(`matches on the ${profile} corpus of seed ${seed}`, async () => {
        const dir = mkdtempSync(join(tmpdir(), `kpi-diff-${profile}-${seed}-`));
        const data = join(dir, 'data');
        const info = generateCorpus(data, {seed, profile, days: 3, start: STARTS[seed % STARTS.length], ...SHAPES[profile]});
        const stdin = stdinBytes(data);
        const modes = oracleModes(info.days);
        // Both programs for every mode at once: the processes mostly wait, and 2 cores stay busy.
        await Promise.all(
          modes.flatMap(mode => [
            runOracleMode(join(dir, 'oracle', mode.name), mode, data, {python: PYTHON, oracle: ORACLE}, stdin),
            runCliMode(join(dir, 'cli', mode.name), mode, data, {stdin}),
          ]),
        );
        const diffs: string[] = [];
        for (const mode of modes) {
          const expectedDir = join(dir, 'oracle', mode.name);
          const actualDir = join(dir, 'cli', mode.name);
          const expected = readTree(expectedDir);
          const actual = readTree(actualDir);
          for (const path of new Set([...expected.keys(), ...actual.keys()])) {
            compared++;
            if (expected.get(path)?.equals(actual.get(path) ?? Buffer.alloc(0)) && actual.has(path)) matched++;
          }
          diffs.push(...diffTrees(expected, actual).map(d => `${mode.name}/${d}`));
        }
        expect(diffs, `KPI_DIFF_SEEDS=${seed}, ${profile}; corpus kept in ${dir}`).toEqual([]);
        rmSync(dir, {recursive: true, force: true});
      });
    }
  }
});
