import {existsSync, mkdtempSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {generateCorpus} from '../../tools/corpus/corpus.js';
import {diffTrees, readTree, runCli, runOracle} from '../support/oracle.js';
import {oracleMissing} from '../support/python.js';

/** A 7-day backfill in one pass: every file read once, the same bytes as the reference hour by hour. */
describe('a 7-day --from/--to run', () => {
  let data: string;
  let sessionFiles: number;
  const FROM = '2026-05-01T00';
  const TO = '2026-05-08T00';

  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), 'kpi-week-'));
    // 8 day folders: the week's 7 plus the day before, whose sessions may cross into the first hours.
    generateCorpus(data, {seed: 7, profile: 'nasty', days: 8, sessionsPerDay: 6, start: '2026-04-30', sizeScale: 0.02});
    // Only the day folders the week needs: the generator also plants folders that are not dates.
    const days = ['2026-04-30', ...Array.from({length: 7}, (_, i) => `2026-05-0${i + 1}`)];
    sessionFiles = days.reduce((n, day) => n + countJsonl(join(data, 'sessions', day)), 0);
  });

  it('reads each session file of the 8 folders exactly once', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kpi-week-out-'));
    const {stderr} = await runCli(['--source-dir', data, '--from', FROM, '--to', TO, '--out-dir', out, '--log-format', 'json']);
    const summary = stderr.trim().split('\n').map(line => JSON.parse(line) as Record<string, number | string>).find(l => l.level === 'summary')!;
    console.log(`7-day run: ${summary.filesListed} files listed, ${summary.filesRead} read + ${summary.filesSkipped} skipped as invalid, ${sessionFiles} .jsonl files in the 8 folders, ${summary.buckets} buckets`);
    expect(summary.filesListed).toBe(sessionFiles);
    expect(Number(summary.filesRead) + Number(summary.filesSkipped)).toBe(sessionFiles);
    expect(summary.buckets).toBeGreaterThan(24);
  });

  it.skipIf(!!oracleMissing)('writes the bytes the reference writes hour by hour', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kpi-week-out-'));
    await runCli(['--source-dir', data, '--from', FROM, '--to', TO, '--out-dir', out]);
    const expected = readTree(runOracle(['--source-dir', data, '--from', FROM, '--to', TO]).outDir);
    expect(expected.size).toBeGreaterThan(24);
    expect(diffTrees(expected, readTree(out))).toEqual([]);
  });
  if (oracleMissing) console.warn(`[skip] 7-day oracle comparison: ${oracleMissing}`);
});

function countJsonl(dir: string): number {
  let n = 0;
  if (!existsSync(dir)) return 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) n += name === '.git' ? 0 : countJsonl(path);
    else if (name.endsWith('.jsonl')) n++;
  }
  return n;
}
