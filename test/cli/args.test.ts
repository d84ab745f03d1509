import {describe, expect, it} from 'vitest';
import {readFileSync} from 'node:fs';
import {check, UsageError, type CliArgs} from '../../src/cli/args.js';
import {KPIS} from '../../src/metrics/catalog.js';
import {workersToStart} from '../../src/cli/early.js';
import {runChild, runInProcess} from '../support/cli-io.js';

const base: CliArgs = {retries: 5, concurrency: 8, logFormat: 'text', schema: 'v1', sourceDir: 'd', outDir: 'o'};

describe('check', () => {
  it('accepts a local range run', () => {
    expect(check({...base, from: '2026-04-20T00', to: '2026-04-21T00'})).toBe(true);
  });
  it.each([
    [{stdin: true}, /one input/],
    [{datetime: '2026-04-24T14', hours: 3}, /one of --datetime/],
    [{from: '2026-04-20T00'}, /--from and --to go together/],
    [{hours: 0}, /--hours must be an integer >= 1, got 0/],
    [{concurrency: 0}, /--concurrency must be an integer >= 1, got 0/],
    [{threads: 0}, /--threads must be an integer >= 1, got 0/],
    [{threads: 1.5}, /--threads must be an integer >= 1, got 1.5/],
    [{now: '2026-04-24T00', datetime: '2026-04-24T14'}, /--now pins the clock for --hours or the cron path/],
    [{_: ['../data']}, /unexpected argument "..\/data": kpi-stream takes only flags/],
    [{outDir: ''}, /option `--out-dir` needs a value/],
    [{outDir: undefined}, /say where the CSVs go/],
  ] as Array<[Partial<CliArgs>, RegExp]>)('rejects %o', (extra, message) => {
    expect(() => check({...base, ...extra})).toThrow(UsageError);
    expect(() => check({...base, ...extra})).toThrow(message);
  });
  it('rejects --daily-backfill with --stdin', () => {
    expect(() => check({...base, sourceDir: undefined, stdin: true, dailyBackfill: '2026-04-24'})).toThrow(/needs --source-dir or the Hub/);
  });
  it('puts an example in every usage error', () => {
    expect(() => check({...base, hours: -1})).toThrow(/Example usage: kpi-stream/);
  });
});

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
