/**
 * The CLI in Hub mode, end to end over real HTTP: `run()` (and once `node bin/kpi-stream`) against
 * the local Hub server loaded with the sample dataset. The committed CSVs must be the local-folder
 * mode's bytes (and so the oracle's), in one commit per run, with one listing per needed day folder
 * (plus its pages), one download per file, and the same bytes when the Hub misbehaves.
 *
 * In-process runs use the default --threads, so Hub downloads also run inside worker threads.
 * Measured request counts are printed with a `[hub counts]` prefix.
 */

import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {generateCorpus} from '../../tools/corpus/corpus.js';
import {bucketPath} from '../../tools/corpus/make-fixtures.js';
import {TOKEN_VARIABLES} from '../../src/hub/config.js';
import {envWithoutTokens, runChild, runInProcess, type CliRun} from '../support/cli-io.js';
import {loadDatasetFolder, startHubServer, type Endpoint, type HubFault, type HubServer} from '../support/hub-server.js';
import {diffTrees, readTree, runOracle} from '../support/oracle.js';
import {oracleMissing, REPO} from '../support/python.js';
import {TOKEN} from './setup.js';

// Retries wait ~1 ms instead of 500 ms. Read by every Hub request, also in the worker threads
// (they get this process's environment); vitest runs each test file in its own process.
process.env.KPI_RETRY_BASE_MS = '1';

/** The CLI's default source and target: Hub runs below need neither --source nor --target. */
const SOURCE = 'smolagents/ml-intern-sessions';
const TARGET = 'smolagents/ml-intern-kpis';
/** Small, so that every folder's listing takes several pages. */
const PAGE_SIZE = 3;
const WRONG_TOKEN = 'hf_WRONGtoken999';
const RETRIES = ['--retries', '3'];

let scratch: string;
let datasetDir: string;
let dataset: Map<string, Buffer>;
/** The 7-day run: from the first day folder's midnight, 168 hours. */
let FROM: string;
let TO: string;
/** The day folders the 7-day run needs: the day before FROM, then 7 days. */
let weekFolders: string[];
/** The local-folder mode's output for the 7-day run, and what the Hub run committed. */
let localWeek: Map<string, Buffer>;
let committedWeek: Map<string, Buffer> | undefined;
let server: HubServer | undefined;
/** Everything every run printed, scanned for the token at the end. */
const printed: string[] = [];

const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-cli-hub-'));
  datasetDir = join(REPO, 'fixtures', 'dataset');
  if (!existsSync(join(datasetDir, 'sessions'))) {
    datasetDir = join(scratch, 'dataset');
    generateCorpus(datasetDir, {seed: 5, profile: 'nasty', days: 4, sessionsPerDay: 8, sizeScale: 0.03});
  }
  dataset = await loadDatasetFolder(datasetDir);
  const days = readdirSync(join(datasetDir, 'sessions')).filter(d => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  FROM = `${days[0]}T00`;
  TO = `${addDays(days[0], 7)}T00`;
  weekFolders = Array.from({length: 8}, (_, i) => addDays(days[0], i - 1));
  const out = join(scratch, 'local-week');
  const local = await cli(['--source-dir', datasetDir, '--from', FROM, '--to', TO, '--out-dir', out], {});
  expect(local.code, local.stderr).toBe(0);
  localWeek = readTree(out);
  expect(localWeek.size).toBeGreaterThan(10);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => rmSync(scratch, {recursive: true, force: true}));

async function startHub(options: {pageSize?: number; target?: Map<string, Buffer>} = {}): Promise<HubServer> {
  const repos: Record<string, {files: Map<string, Buffer>}> = {[SOURCE]: {files: dataset}};
  if (options.target) repos[TARGET] = {files: options.target};
  server = await startHubServer({token: TOKEN, pageSize: options.pageSize ?? PAGE_SIZE, repos});
  return server;
}

/** The CLI in this process; its output is kept for the token scan. */
async function cli(args: string[], env: NodeJS.ProcessEnv, now?: Date): Promise<CliRun> {
  const result = await runInProcess(args, env, now);
  printed.push(result.stdout, result.stderr);
  return result;
}

const hubEnv = (hub: HubServer, token = TOKEN): NodeJS.ProcessEnv => ({HF_KPI_WRITE_TOKEN: token, HF_ENDPOINT: hub.url});
const week = (...extra: string[]) => ['--from', FROM, '--to', TO, ...extra];

/** Session files the CLI must download from a folder: `.jsonl` at any depth below it. */
const folderFiles = (day: string): string[] => [...dataset.keys()].filter(p => p.startsWith(`sessions/${day}/`) && p.endsWith('.jsonl')).sort();

/** Requests for one recursive listing of a folder: its pages, or one 404 for a missing folder. */
function listingPages(day: string, pageSize: number): number {
  const entries = new Set<string>();
  for (const path of dataset.keys()) {
    if (!path.startsWith(`sessions/${day}/`)) continue;
    const parts = path.split('/');
    for (let i = 3; i <= parts.length; i++) entries.add(parts.slice(0, i).join('/')); // folders below the day, and the file
  }
  return entries.size === 0 ? 1 : Math.ceil(entries.size / pageSize);
}

/** The first hour with sessions on the n-th day (0 = the first folder); from n = 1 on, both folders it reads exist. */
const hourPath = (n: number) => [...localWeek.keys()].find(p => p.startsWith(`hourly/${weekFolders[n + 1]}/`))!;
/** `hourly/2026-04-21/05.csv` -> `2026-04-21T05`. */
const hourOf = (path: string) => path.replace(/^hourly\/(.*)\/(\d\d)\.csv$/, '$1T$2');

/** The CSVs in the target dataset, by repo path, as bytes (a README there is left out). */
const targetTree = (hub: HubServer): Map<string, Buffer> =>
  new Map([...hub.repoFiles(TARGET)].filter(([path]) => path.endsWith('.csv')).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Downloads per path: a full GET each, plus ranged GETs for resumed bodies. */
function downloadsByPath(hub: HubServer): Map<string, number> {
  const byPath = new Map<string, number>();
  for (const r of hub.requests) if (r.endpoint === 'resolve') byPath.set(r.path!, (byPath.get(r.path!) ?? 0) + 1);
  return byPath;
}

/** Listing requests on the source dataset (the target's folders are listed too, to compare before committing). */
const sourceListings = (hub: HubServer) => hub.requests.filter(r => r.endpoint === 'tree' && r.repo === SOURCE).length;

function countsLine(hub: HubServer): string {
  const c = hub.counts;
  return `listings ${c.tree}, downloads ${c.resolve}, createRepo ${c.createRepo}, preupload ${c.preupload}, commit requests ${c.commit}, commits ${hub.commits.length}`;
}

describe('kpi-stream from the Hub to the Hub (7-day backfill)', () => {
  it('commits the local-folder bytes in ONE commit, creating the target, with one listing per folder and one download per file', async () => {
    const hub = await startHub();
    const outDir = join(scratch, 'hub-week');
    const result = await cli(week('--out-dir', outDir), hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    console.log(`[hub counts] 7-day backfill (${FROM}..${TO}, page size ${PAGE_SIZE}): ${countsLine(hub)}; ${localWeek.size} CSVs in the commit`);

    expect(hub.commits).toHaveLength(1);
    const [commit] = hub.commits;
    expect(commit.repo).toBe(TARGET);
    expect([...commit.files.keys()].sort()).toEqual([...localWeek.keys()]);
    committedWeek = targetTree(hub);
    expect(diffTrees(localWeek, committedWeek)).toEqual([]);
    // --out-dir together with the Hub target writes the same files.
    expect(diffTrees(localWeek, readTree(outDir))).toEqual([]);

    const keys = [...localWeek.keys()].map(hourOf);
    expect(commit.message).toBe(`KPIs for ${keys[0]} .. ${keys[keys.length - 1]} (${keys.length} buckets)`);

    // The target did not exist: a preupload answered 404, then create, preupload, commit.
    expect(hub.counts.createRepo).toBe(1);
    expect(hub.counts.preupload).toBe(2);
    expect(hub.counts.commit).toBe(1);

    const listed = hub.requests.filter(r => r.endpoint === 'tree' && r.repo === SOURCE);
    const firstPages = listed.filter(r => !r.url.includes('cursor='));
    expect(firstPages.map(r => r.path).sort()).toEqual(weekFolders.map(d => `sessions/${d}`));
    const pages = weekFolders.reduce((n, d) => n + listingPages(d, PAGE_SIZE), 0);
    expect(pages).toBeGreaterThan(weekFolders.length); // pagination is exercised
    expect(sourceListings(hub)).toBe(pages);
    // The target is listed to compare blob ids: it does not exist yet, so one request says so.
    expect(hub.requests.filter(r => r.endpoint === 'tree' && r.repo === TARGET)).toHaveLength(1);

    const files = weekFolders.flatMap(folderFiles);
    const downloads = downloadsByPath(hub);
    expect([...downloads.keys()].sort()).toEqual(files);
    expect([...downloads.values()].every(n => n === 1)).toBe(true);
    expect(hub.counts.resolve).toBe(files.length);
    expect(hub.counts.other + hub.counts.cdn + hub.counts.repoInfo).toBe(0);

    const hoursWithFiles = weekFolders.slice(1).flatMap(day => Array.from({length: 24}, () => folderFiles(addDays(day, -1)).length + folderFiles(day).length));
    console.log(
      `[hub counts] the reference for the same 168 hours (counted from build_kpis.py): ${2 * 168} full-repo listings, ` +
        `${hoursWithFiles.reduce((a, b) => a + b, 0)} hf_hub_download calls, ${localWeek.size} create_repo + ${localWeek.size} upload_file commits`,
    );
  });

  it('is byte-identical to the oracle', async context => {
    if (oracleMissing) {
      console.log(`[skip] oracle comparison: ${oracleMissing}`);
      context.skip();
    }
    const {outDir} = runOracle(['--source-dir', datasetDir, '--from', FROM, '--to', TO]);
    try {
      const oracle = readTree(outDir);
      expect(diffTrees(oracle, localWeek)).toEqual([]);
      expect(committedWeek, 'the 7-day Hub run above failed').toBeDefined();
      expect(diffTrees(oracle, committedWeek!)).toEqual([]);
    } finally {
      rmSync(outDir, {recursive: true, force: true});
    }
  });

  it('gives the same commit on the main thread one file at a time, and with 32 downloads at once to an existing target (Hub page size)', async () => {
    for (const flags of [['--threads', '1', '--concurrency', '1'], ['--concurrency', '32']]) {
      const hub = await startHub({pageSize: 1000, target: flags[0] === '--concurrency' ? new Map([['README.md', Buffer.from('# KPIs\n')]]) : undefined});
      const result = await cli(week(...flags), hubEnv(hub));
      expect(result.code, result.stderr).toBe(0);
      console.log(`[hub counts] 7-day backfill, ${flags.join(' ')}, page size 1000 (the Hub's): ${countsLine(hub)}`);
      expect(hub.counts.createRepo).toBe(flags[0] === '--concurrency' ? 0 : 1);
      expect(hub.commits).toHaveLength(1);
      expect(diffTrees(localWeek, targetTree(hub)), flags.join(' ')).toEqual([]);
      expect(sourceListings(hub)).toBe(weekFolders.length);
      expect(hub.counts.resolve).toBe(weekFolders.flatMap(folderFiles).length);
      await hub.close();
      server = undefined;
    }
  });
});

describe('kpi-stream on single hours and days', () => {
  it('--datetime commits one file in one commit; running it again commits nothing (the blob ids match), and says so', async () => {
    const hub = await startHub({pageSize: 1000});
    const path = hourPath(1);
    const hour = hourOf(path);
    const folders = [addDays(hour.slice(0, 10), -1), hour.slice(0, 10)];
    const first = await cli(['--datetime', hour], hubEnv(hub));
    expect(first.code, first.stderr).toBe(0);
    console.log(`[hub counts] one hour (--datetime ${hour}, page size 1000, target created): ${countsLine(hub)}`);
    console.log(
      `[hub counts] the reference for that hour (counted from build_kpis.py): 2 full-repo listings (${dataset.size} files each), ` +
        `${folders.flatMap(folderFiles).length} hf_hub_download calls, 1 create_repo + 1 upload_file commit`,
    );
    expect(hub.commits).toHaveLength(1);
    expect(hub.commits[0].message).toBe(`KPIs for ${hour}`);
    expect([...hub.commits[0].files.keys()]).toEqual([path]);
    expect(targetTree(hub).get(path)!.equals(localWeek.get(path)!)).toBe(true);
    expect(sourceListings(hub)).toBe(2);
    expect(hub.counts.resolve).toBe(folders.flatMap(folderFiles).length);

    hub.resetCounts();
    const again = await cli(['--datetime', hour], hubEnv(hub));
    expect(again.code, again.stderr).toBe(0);
    console.log(`[hub counts] the same hour again (target exists): ${countsLine(hub)}`);
    expect(hub.commits).toHaveLength(1);
    expect(hub.counts.createRepo + hub.counts.preupload + hub.counts.commit).toBe(0);
    // One listing of the hour's target folder, to compare blob ids.
    expect(hub.requests.filter(r => r.endpoint === 'tree' && r.repo === TARGET).map(r => r.path)).toEqual([path.slice(0, path.lastIndexOf('/'))]);
    expect(again.stderr).toContain(`all 1 file unchanged in dataset ${TARGET}: nothing to commit`);
    expect(again.stderr).toMatch(new RegExp(`nothing committed to ${TARGET}, 1 unchanged; [\\d.]+ s\\n$`));

    // One bucket changed (its file edited on the target): only that one is committed.
    hub.setFile(TARGET, path, Buffer.from('edited\n'));
    const third = await cli(['--datetime', hour], hubEnv(hub));
    expect(third.code, third.stderr).toBe(0);
    expect(hub.commits).toHaveLength(2);
    expect([...hub.commits[1].files.keys()]).toEqual([path]);
    expect(targetTree(hub).get(path)!.equals(localWeek.get(path)!)).toBe(true);
  });

  it('the cron path (--hours 1 --now, as `node bin/kpi-stream` with HF_ENDPOINT and HF_TOKEN) commits the last completed hour', async () => {
    const hub = await startHub({pageSize: 1000, target: new Map([['README.md', Buffer.from('# KPIs\n')]])});
    const path = hourPath(2);
    const hour = hourOf(path);
    const now = new Date(Date.parse(`${hour.slice(0, 10)}T${hour.slice(11)}:00:00Z`) + 3_600_000 + 5 * 60_000).toISOString();
    const env = {...envWithoutTokens(TOKEN_VARIABLES), HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url, KPI_RETRY_BASE_MS: '1'};
    const result = await runChild(['--hours', '1', '--now', now], env);
    printed.push(result.stdout, result.stderr);
    expect(result.code, result.stderr).toBe(0);
    console.log(`[hub counts] cron path (--hours 1 --now ${now}, existing target): ${countsLine(hub)}`);
    expect(hub.commits).toHaveLength(1);
    expect([...hub.commits[0].files.keys()]).toEqual([path]);
    expect(hub.repoFiles(TARGET).get(path)!.equals(localWeek.get(path)!)).toBe(true);
    expect(hub.repoFiles(TARGET).get('README.md')!.toString()).toBe('# KPIs\n');
    expect(hub.counts.createRepo).toBe(0);
  });

  it('--daily-backfill commits daily/DAY.csv, the local-folder bytes', async () => {
    const day = weekFolders[2];
    const out = join(scratch, 'local-daily');
    const local = await cli(['--source-dir', datasetDir, '--daily-backfill', day, '--out-dir', out], {});
    expect(local.code, local.stderr).toBe(0);
    const hub = await startHub();
    const result = await cli(['--daily-backfill', day], hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.commits).toHaveLength(1);
    expect(hub.commits[0].message).toBe(`KPIs for ${day}`);
    expect(diffTrees(readTree(out), targetTree(hub))).toEqual([]);
    expect([...targetTree(hub).keys()]).toEqual([`daily/${day}.csv`]);
    expect(hub.counts.resolve).toBe(folderFiles(day).length);
  });

  it('--source-dir with --target commits the same bytes, reading nothing from the Hub', async () => {
    const hub = await startHub();
    const result = await cli(['--source-dir', datasetDir, ...week(), '--target', TARGET], hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.commits).toHaveLength(1);
    expect(diffTrees(localWeek, targetTree(hub))).toEqual([]);
    expect(sourceListings(hub) + hub.counts.resolve).toBe(0);
  });
});

describe('kpi-stream --schema v2 on the Hub', () => {
  it('commits the upstream script\'s bytes for the week in one commit (fixtures/expected/v2), the hours it raised on too', async context => {
    if (datasetDir !== join(REPO, 'fixtures', 'dataset')) {
      console.log('[skip] --schema v2 on the Hub: fixtures/dataset is missing');
      context.skip();
    }
    const expected = join(REPO, 'fixtures', 'expected', 'v2');
    const {raised} = (JSON.parse(readFileSync(join(expected, 'modes.json'), 'utf8')) as {modes: {name: string; raised: string[]}[]}).modes.find(m => m.name === 'range')!;
    const hub = await startHub({pageSize: 1000});
    const result = await cli(week('--schema', 'v2'), hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.commits).toHaveLength(1);
    const committed = targetTree(hub);
    for (const key of raised) expect(committed.delete(bucketPath(key)), key).toBe(true);
    expect(diffTrees(readTree(join(expected, 'range')), committed)).toEqual([]);
  });
});

describe('kpi-stream when the Hub misbehaves', () => {
  /** Files large enough that a cut after 40 bytes leaves a rest to resume. */
  const cuttable = (r: {endpoint: Endpoint; path?: string; headers: {range?: string}}) =>
    r.endpoint === 'resolve' && !r.headers.range && (dataset.get(r.path!)?.length ?? 0) > 200;

  interface FaultCase {
    name: string;
    faults: HubFault[];
    /** Extra requests the faults cause, per endpoint. */
    extra: Partial<Record<Endpoint, number>>;
  }

  const cases: FaultCase[] = [
    {
      name: '429 with Retry-After: 0',
      faults: [
        {match: 'tree', times: 2, status: 429, retryAfter: 0},
        {match: 'resolve', times: 4, status: 429, retryAfter: 0},
        {match: 'preupload', status: 429, retryAfter: 0},
        {match: 'commit', status: 429, retryAfter: 0},
      ],
      extra: {tree: 2, resolve: 4, preupload: 1, commit: 1},
    },
    {
      name: '500 and 503',
      faults: [
        {match: 'tree', times: 2, status: 503},
        {match: 'resolve', times: 3, status: 500},
        {match: 'resolve', times: 3, status: 503},
        {match: 'createRepo', status: 502},
        {match: 'commit', status: 500},
      ],
      extra: {tree: 2, resolve: 6, createRepo: 1, commit: 1},
    },
    {
      name: 'slow answers',
      faults: [
        {match: 'tree', times: 3, delayMs: 150},
        {match: 'resolve', times: 8, delayMs: 150},
        {match: 'commit', delayMs: 150},
      ],
      extra: {},
    },
    {
      name: 'bodies cut mid-way',
      faults: [{match: cuttable, times: 6, cutAfter: 40}],
      extra: {resolve: 6},
    },
    {
      name: 'connection resets',
      faults: [
        {match: 'tree', times: 2, reset: true},
        {match: 'resolve', times: 4, reset: true},
        {match: 'preupload', reset: true},
        {match: 'commit', reset: true},
      ],
      extra: {tree: 2, resolve: 4, preupload: 1, commit: 1},
    },
  ];

  it.each(cases)('$name: the same bytes in one commit', async ({name, faults, extra}) => {
    const hub = await startHub();
    for (const fault of faults) hub.inject(fault);
    const result = await cli(week(...RETRIES), hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    console.log(`[hub counts] 7-day backfill with ${name}: ${countsLine(hub)}; ${Math.round(result.ms)} ms`);
    expect(hub.commits).toHaveLength(1);
    expect(diffTrees(localWeek, targetTree(hub))).toEqual([]);
    const pages = weekFolders.reduce((n, d) => n + listingPages(d, PAGE_SIZE), 0);
    const files = weekFolders.flatMap(folderFiles).length;
    expect(sourceListings(hub)).toBe(pages + (extra.tree ?? 0));
    expect(hub.counts.resolve).toBe(files + (extra.resolve ?? 0));
    expect(hub.counts.createRepo).toBe(1 + (extra.createRepo ?? 0));
    expect(hub.counts.commit).toBe(1 + (extra.commit ?? 0));
    // Every retry is logged, the downloads' too (they run in worker threads), the token never.
    const retries = result.stderr.split('\n').filter(line => line.includes('retrying '));
    expect(retries, result.stderr).toHaveLength(Object.values(extra).reduce((a, b) => a + b, 0));
    for (const line of retries) expect(line).toMatch(/retrying http:\/\/127\.0\.0\.1:\d+\/\S+ \(.+\): attempt \d+ in \d+\.\d s/);
  });

  // Fails today: listHubFiles reads each page's body outside hubFetch's retries, so a cut listing
  // ends the run (exit 2, "UND_ERR_SOCKET (after 3 retries)" after one request). Flip to `it`
  // once src/sources/hub-files.ts retries it.
  it('a listing answer cut mid-way is retried too', async () => {
    const hub = await startHub();
    hub.inject({match: 'tree', times: 2, cutAfter: 30});
    const result = await cli(week(...RETRIES), hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.commits).toHaveLength(1);
    expect(diffTrees(localWeek, targetTree(hub))).toEqual([]);
  });

  it('waits as long as Retry-After says', async () => {
    const hub = await startHub();
    const seen: number[] = [];
    // Records when each listing request arrives; never a fault itself.
    hub.inject({
      match: r => {
        if (r.endpoint === 'tree') seen.push(performance.now());
        return false;
      },
      times: Infinity,
    });
    hub.inject({match: 'tree', status: 429, retryAfter: 1});
    const result = await cli(['--datetime', hourOf(hourPath(1)), ...RETRIES], hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(950);
    expect(hub.commits).toHaveLength(1);
  });
});

describe('kpi-stream when it cannot finish', () => {
  it.each([
    {how: 'every answer 503', fault: {status: 503}, threads: '2', hours: 'week'},
    {how: 'every connection reset', fault: {reset: true}, threads: '2', hours: 'hour'},
    {how: 'every body cut', fault: {cutAfter: 5}, threads: '1', hours: 'hour'},
  ])('a file that stays unreachable ($how, --threads $threads, one $hours): exit 2 naming it, nothing committed or written', async ({fault, threads, hours}) => {
    const hub = await startHub();
    const file = folderFiles(weekFolders[2]).find(p => dataset.get(p)!.length > 100)!;
    hub.inject({match: r => r.endpoint === 'resolve' && r.path === file, times: Infinity, ...fault});
    const outDir = join(scratch, `unreachable-${Object.keys(fault)[0]}`);
    const range = hours === 'week' ? week() : ['--datetime', `${weekFolders[2]}T12`];
    const result = await cli([...range, '--retries', '2', '--threads', threads, '--out-dir', outDir, '--verbose'], hubEnv(hub));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${file}: could not be read`);
    expect(result.stderr).toContain('nothing was written or committed');
    expect(hub.commits).toHaveLength(0);
    expect(hub.counts.preupload + hub.counts.createRepo + hub.counts.commit).toBe(0);
    expect(existsSync(outDir) ? readTree(outDir).size : 0).toBe(0);
    // One try and two retries (a cut body: the first GET and two ranged resumes).
    expect(downloadsByPath(hub).get(file)).toBe(3);
  });

  it('a commit that keeps failing: exit 3, no commit', async () => {
    const hub = await startHub();
    hub.inject({match: 'commit', times: Infinity, status: 500});
    const result = await cli(['--datetime', hourOf(hourPath(1)), '--retries', '2', '--verbose'], hubEnv(hub));
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(TARGET);
    expect(hub.commits).toHaveLength(0);
    expect(hub.counts.commit).toBe(3);
  });

  it('no token: exit 1 naming the four variables, before any request', async () => {
    const hub = await startHub();
    const result = await cli(week(), {HF_ENDPOINT: hub.url, HF_TOKEN: ''});
    expect(result.code).toBe(1);
    for (const name of TOKEN_VARIABLES) expect(result.stderr).toContain(name);
    expect(hub.requests).toHaveLength(0);
  });

  it('a token the Hub refuses: exit 1 (configuration), nothing committed', async () => {
    const hub = await startHub();
    const result = await cli(week('--verbose'), hubEnv(hub, WRONG_TOKEN));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('401');
    expect(hub.commits).toHaveLength(0);
  });

  it('--dry-run: computes everything, lists what it would commit, commits nothing', async () => {
    const hub = await startHub();
    const result = await cli(week('--dry-run'), hubEnv(hub));
    expect(result.code, result.stderr).toBe(0);
    console.log(`[hub counts] 7-day --dry-run: ${countsLine(hub)}`);
    expect(hub.commits).toHaveLength(0);
    expect(hub.counts.preupload + hub.counts.createRepo + hub.counts.commit).toBe(0);
    expect(hub.counts.resolve).toBe(weekFolders.flatMap(folderFiles).length);
    expect(result.stderr).toContain(`would commit ${localWeek.size} files to dataset ${TARGET}`);
    for (const path of localWeek.keys()) expect(result.stderr).toContain(`${path} (${localWeek.get(path)!.length} bytes)`);
  });
});

describe('the token', () => {
  it('appears in no output of any run above, succeeding or failing', () => {
    expect(printed.length).toBeGreaterThan(20);
    const all = printed.join('\n');
    expect(all).toContain('kpi-stream'); // the scan sees real output
    for (const secret of [TOKEN, WRONG_TOKEN, 'SECRETtoken', 'WRONGtoken']) expect(all).not.toContain(secret);
  });
});
