import {describe, expect, it} from 'vitest';
import {readFileSync} from 'node:fs';
import {KPIS} from '../../src/metrics/catalog.js';
import {workersToStart} from '../../src/cli/early.js';
import {runChild, runInProcess} from '../support/cli-io.js';

describe('--help and --version', () => {
  it('--help prints the options, the exit codes and every KPI column on stdout, exit 0', async () => {
    const {code, stdout, stderr} = await runInProcess(['--help'], {});
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const text of ['--source-dir', '--from', 'Exit codes:', '--schema', ...Object.values(KPIS).map(m => m.column)]) expect(stdout).toContain(text);
  });

  it("--version prints package.json's version, from the bin too, exit 0", async () => {
    const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
    expect(await runInProcess(['--version'], {})).toMatchObject({code: 0, stdout: `${version}\n`});
    expect(await runChild(['--version'], {})).toMatchObject({code: 0, stdout: `${version}\n`});
  });
});

describe('workersToStart (the workers bin/kpi-stream starts before the CLI loads)', () => {
  const week = ['--from', '2026-04-20T00', '--to', '2026-04-27T00'];
  it.each([
    [week, 2, 2],
    [week, 64, 8],
    [[...week, '--concurrency', '32'], 64, 32],
    [[...week, '--threads', '1'], 8, 0],
    [[...week, '--threads=3', '--concurrency=2'], 8, 2],
    [[...week, '--threads', '16'], 2, 8],
    [['--daily-backfill', '2026-04-24'], 2, 2],
    [['--stdin'], 2, 2],
    [['--hours', '24'], 2, 2],
    [['--hours=48'], 2, 2],
    // A few hours: the workers start later, only if the parsing grows (workersWhenTheyPay).
    [[], 2, 0],
    [['--datetime', '2026-04-24T14'], 8, 0],
    [['--hours', '3'], 8, 0],
    [[...week, '--help'], 8, 0],
    [[...week, '--version'], 8, 0],
    [week, 1, 0],
    [[...week, '--cache-dir', '/var/cache/kpi'], 8, 0],
    [[...week, '--cache-dir=/var/cache/kpi'], 8, 0],
    [['report', '--kpi-dir', 'out', '--html', 'r.html', '--concurrency', '4'], 8, 0],
  ])('%j on %i cores: %i', (argv, cores, expected) => {
    expect(workersToStart(argv, cores)).toBe(expected);
  });
});
