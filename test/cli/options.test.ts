import {describe, expect, it} from 'vitest';
import {normalizeOptions, withPlan, DEFAULT_SOURCE, DEFAULT_TARGET} from '../../src/cli/options.js';
import type {CliArgs} from '../../src/cli/args.js';
import {KpiError} from '../../src/errors.js';

const now = new Date('2026-04-24T15:20:00Z');
const local: CliArgs = {sourceDir: 'd', outDir: 'o'};
const hubEnv = {HF_TOKEN: 'hf_SECRETtoken123'};

/** What normalizeOptions threw, for a bad set of flags. */
async function rejection(flags: CliArgs, env: NodeJS.ProcessEnv = {}): Promise<KpiError> {
  try {
    await normalizeOptions(flags, {env, now});
  } catch (error) {
    return error as KpiError;
  }
  throw new Error(`accepted ${JSON.stringify(flags)}`);
}

describe('normalizeOptions', () => {
  it('applies every default and plans the hours of a local range', async () => {
    const options = await normalizeOptions({...local, from: '2026-04-20T00', to: '2026-04-21T00'}, {env: {}, now});
    expect(options).toMatchObject({input: {kind: 'folder', dir: 'd'}, outDir: 'o', stdout: false, dryRun: false, schema: 'v1', concurrency: 8, strict: false, log: {format: 'text', verbose: false, quiet: false}});
    expect(options.plan).toMatchObject({kind: 'hourly', indices: Array.from({length: 24}, (_, i) => i)});
    expect(options.threads).toBeGreaterThanOrEqual(1);
    // A folder-to-folder run never touches the Hub: no token needed, none resolved.
    expect(options.hub).toBeUndefined();
    expect(options.target).toBeUndefined();
  });

  it('returns frozen options, all the way down', async () => {
    const options = await normalizeOptions({...local, hours: '3'}, {env: {}, now});
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.input)).toBe(true);
    expect(Object.isFrozen(options.log)).toBe(true);
    expect(Object.isFrozen(withPlan(options, {kind: 'daily', day: '2026-04-24'}))).toBe(true);
  });

  it('takes number flags as yargs gives them: text or numbers', async () => {
    const options = await normalizeOptions({...local, hours: '3', concurrency: 2, threads: '1', retries: '0', timeout: 60}, {env: {}, now});
    expect(options).toMatchObject({concurrency: 2, threads: 1, plan: {kind: 'hourly', indices: [0, 1, 2]}});
  });

  it('defaults a Hub run to the default source and target, with the token and Hub settings resolved once', async () => {
    const before = Date.now();
    const options = await normalizeOptions({retries: 2, timeout: 60}, {env: {...hubEnv, HF_ENDPOINT: 'http://127.0.0.1:9/', KPI_RETRY_BASE_MS: '4'}, now});
    expect(options.input).toEqual({kind: 'hub', repo: DEFAULT_SOURCE});
    expect(options.target).toBe(DEFAULT_TARGET);
    expect(options.hub).toMatchObject({hubUrl: 'http://127.0.0.1:9', token: hubEnv.HF_TOKEN, retries: 2, retryBaseMs: 4});
    // The retry deadline runs from the real start, not from a pinned `now`.
    expect(options.hub!.retryUntil).toBeGreaterThanOrEqual(before + 60_000);
    // The cron path: the hour before now.
    expect(options.plan).toMatchObject({kind: 'hourly', indices: [0]});
  });

  it('resolves the Hub for a local run that commits (--target), and stops a Hub run without a token (KPI_CONFIG_MISSING)', async () => {
    expect((await normalizeOptions({sourceDir: 'd', target: 'me/kpis'}, {env: hubEnv, now})).hub?.token).toBe(hubEnv.HF_TOKEN);
    expect((await rejection({sourceDir: 'd', target: 'me/kpis'}, {HOME: '/nonexistent'})).code).toBe('KPI_CONFIG_MISSING');
    expect((await rejection({}, {HOME: '/nonexistent'})).code).toBe('KPI_CONFIG_MISSING');
  });

  it('reads standard input for - alone', async () => {
    expect((await normalizeOptions({_: ['-'], stdout: true}, {env: {}, now})).input).toEqual({kind: 'stdin'});
    expect((await normalizeOptions({_: ['-'], stdout: true}, {env: {}, now})).plan).toEqual({kind: 'touched'});
  });

  it.each([
    [{stdin: true}, /one input/],
    [{datetime: '2026-04-24T14', hours: 3}, /one of --datetime/],
    [{from: '2026-04-20T00'}, /--from and --to go together/],
    [{hours: 0}, /option `--hours` must be a whole number >= 1, got "0"/],
    [{hours: 'abc'}, /option `--hours` must be a whole number >= 1, got "abc"/],
    [{hours: true}, /option `--hours` needs a value: a whole number >= 1/],
    [{concurrency: 0}, /option `--concurrency` must be a whole number >= 1, got "0"/],
    [{threads: 0}, /option `--threads` must be a whole number >= 1, got "0"/],
    [{threads: 1.5}, /option `--threads` must be a whole number >= 1, got "1.5"/],
    [{retries: 'x'}, /option `--retries` must be a whole number >= 0, got "x"/],
    [{timeout: 0}, /option `--timeout` must be a whole number >= 1, got "0"/],
    [{now: '2026-04-24T00', datetime: '2026-04-24T14'}, /--now pins the clock for --hours or the cron path/],
    [{_: ['../data']}, /unexpected argument "..\/data": kpi-stream takes only flags/],
    [{_: ['-', '-']}, /unexpected argument "-"/],
    [{outDir: ''}, /option `--out-dir` needs a value/],
    [{cacheDir: ''}, /option `--cache-dir` needs a value/],
    [{outDir: undefined}, /say where the CSVs go/],
    [{sourceDir: undefined, stdin: true, dailyBackfill: '2026-04-24'}, /needs --source-dir or the Hub/],
    [{sourceDir: undefined, stdin: true, cacheDir: 'c'}, /--cache-dir keeps the results of listed files/],
    [{datetime: '2026-04-24'}, /`--datetime` must be an hour, not just a date/],
    [{from: '2026-04-21T00', to: '2026-04-20T00'}, /--from must be before --to/],
    [{schema: 'v3' as 'v1'}, /option `--schema` must be v1 or v2, got "v3"/],
  ] as Array<[Partial<CliArgs>, RegExp]>)('rejects %o with KPI_OPTION_INVALID, before any token lookup', async (extra, message) => {
    // A Hub token is not even looked for: the environment here has none.
    const error = await rejection({...local, ...extra});
    expect(error).toBeInstanceOf(KpiError);
    expect(error.code).toBe('KPI_OPTION_INVALID');
    expect(error.message).toMatch(message);
  });
});
