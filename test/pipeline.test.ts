import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ResultCache} from '../src/cache/result-cache.js';
import {describe, expect, it} from 'vitest';
import {KpiError} from '../src/errors.js';
import {folderInputs} from '../src/library/inputs.js';
import {planRange} from '../src/library/plan.js';
import {combinedCsv, runPipeline, type PipelineOptions} from '../src/pipeline.js';
import {Reporter} from '../src/reporter.js';
import {readSession, type SessionReader} from '../src/session/read.js';
import {REPO} from './support/python.js';

const DATASET = join(REPO, 'fixtures', 'dataset');
const plan = planRange('2026-04-20T00', '2026-04-23T00');

/** runPipeline over the fixture dataset's files for `plan`, read by `reader`. */
async function run(reader: SessionReader, extra: Partial<PipelineOptions> = {}) {
  const reporter = new Reporter({format: 'text', write: () => {}});
  const result = await runPipeline({plan, ...(await folderInputs(DATASET, plan)), concurrency: 8, reporter, reader, ...extra});
  return {...result, csv: combinedCsv(result.header, result.rows)};
}

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('runPipeline', () => {
  it('folds in canonical order whatever order the reads finish in', async () => {
    const inOrder = await run(readSession, {concurrency: 1});
    expect(inOrder.rows.length).toBeGreaterThan(10);
    // Later inputs finish first: each read waits less the later its input comes.
    const reversed: SessionReader = async (input, options) => {
      const result = await readSession(input, options);
      await wait(Math.max(0, 40 - input.seq));
      return result;
    };
    expect((await run(reversed)).csv).toBe(inOrder.csv);
  });

  it('leaves out the buckets an unreadable input could reach, and keeps the others', async () => {
    const whole = await run(readSession);
    let failedName = '';
    const failing: SessionReader = async (input, options) => {
      if (input.folder === '2026-04-22' && !failedName) {
        failedName = input.name;
        throw new KpiError('KPI_INPUT_UNREADABLE', 'gone');
      }
      return readSession(input, options);
    };
    const partial = await run(failing);
    expect(partial.failed).toEqual([{name: failedName, reason: 'gone'}]);
    // A file of folder 2026-04-22 may reach that day's hours only (the folder rule).
    expect(partial.incomplete.length).toBeGreaterThan(0);
    expect(partial.incomplete.every(b => b.key.startsWith('2026-04-22T'))).toBe(true);
    const kept = whole.rows.filter(r => !partial.incomplete.some(b => b.key === r.bucket.key));
    expect(partial.rows.map(r => r.cells)).toEqual(kept.map(r => r.cells));
  });

  it('rethrows a read error other than an unreadable input', async () => {
    const broken: SessionReader = async () => {
      throw new Error('bug');
    };
    await expect(run(broken)).rejects.toThrow('bug');
  });

  it('raises KPI_INTERRUPTED when aborted, without waiting for the reads in flight', async () => {
    const controller = new AbortController();
    const slow: SessionReader = async (input, options) => {
      if (input.seq === 2) controller.abort();
      await wait(input.seq === 2 ? 10_000 : 0);
      return readSession(input, options);
    };
    const started = Date.now();
    await expect(run(slow, {signal: controller.signal})).rejects.toMatchObject({code: 'KPI_INTERRUPTED'});
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('runPipeline: the readers it builds', () => {
  /** A run with the reader built from `extra` (no `reader` given), and its counters. */
  async function built(extra: Partial<PipelineOptions>) {
    const reporter = new Reporter({format: 'text', write: () => {}});
    const result = await runPipeline({plan, ...(await folderInputs(DATASET, plan)), concurrency: 4, reporter, ...extra});
    return {csv: combinedCsv(result.header, result.rows), counts: reporter.counts};
  }

  it('gives the same bytes in this thread, in workers started at once or later, prefiltered or not, and behind a cache', async () => {
    const here = await built({});
    expect(here.counts.filesRuledOut).toBe(0);
    expect((await built({threads: 2, workersAfterBytes: 0})).csv).toBe(here.csv);
    expect((await built({threads: 2, workersAfterBytes: 1 << 16})).csv).toBe(here.csv);
    const prefiltered = await built({prefilter: true});
    expect(prefiltered.csv).toBe(here.csv);
    // The fixture's days hold files that reach no hour of the plan: the prefilter skips parsing them.
    expect(prefiltered.counts.filesRuledOut).toBeGreaterThan(0);

    const dir = mkdtempSync(join(tmpdir(), 'kpi-pipeline-cache-'));
    try {
      const cold = await built({cache: new ResultCache({dir, schema: 'v1'}), prefilter: true});
      expect(cold.csv).toBe(here.csv);
      // With a cache every file is parsed whole (for all its hours): nothing is ruled out.
      expect(cold.counts).toMatchObject({filesFromCache: 0, filesRuledOut: 0});
      const warm = await built({cache: new ResultCache({dir, schema: 'v1'}), threads: 2});
      expect(warm.csv).toBe(here.csv);
      expect(warm.counts.filesFromCache).toBe(warm.counts.filesListed);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
