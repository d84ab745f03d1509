/**
 * `kpi-stream report` through `run()`: flags, folders, bad files, the range, and the Hub path
 * against the local Hub server (listing, downloads, retries, the token never printed).
 */
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {PageModel} from '../../src/html-report/page-model.js';
import {envWithoutTokens, runInProcess} from '../support/cli-io.js';
import {loadDatasetFolder, startHubServer, type HubServer} from '../support/hub-server.js';
import {REPO} from '../support/python.js';
import {TOKEN_VARIABLES} from '../../src/hub/config.js';
import {TOKEN} from '../hub/setup.js';

process.env.KPI_RETRY_BASE_MS = '1';

const MIXED = join(REPO, 'fixtures', 'kpis-mixed');
const V2 = join(REPO, 'fixtures', 'kpis-v2');
const KPIS = 'acme/kpis';
const env = {...envWithoutTokens(TOKEN_VARIABLES), HF_TOKEN: TOKEN};

let scratch: string;
let server: HubServer | undefined;
let n = 0;

beforeAll(() => void (scratch = mkdtempSync(join(tmpdir(), 'kpi-report-cli-'))));
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

const htmlPath = () => join(scratch, `page-${n++}.html`);
const report = (args: string[]) => runInProcess(['report', ...args], env, new Date('2026-04-25T08:30:00Z'));

/** The model the page carries, as the browser will read it. */
function modelOf(html: string): PageModel {
  const json = /<script type="application\/json" id="kpi-model">(.*?)<\/script>/s.exec(readFileSync(html, 'utf8'))![1]!;
  return JSON.parse(json) as PageModel;
}

/** The model without what depends on where it was read from. */
const comparable = (model: PageModel) => ({...model, source: ''});

describe('kpi-stream report: flags', () => {
  const usage: Array<[string, string[], RegExp]> = [
    ['no input', ['--html', 'x.html'], /give one input: --kpi-dir DIR or --target OWNER\/NAME/],
    ['two inputs', ['--kpi-dir', MIXED, '--target', KPIS, '--html', 'x.html'], /give one input/],
    ['no --html', ['--kpi-dir', MIXED], /--html FILE/],
    ['a --from that is not an hour', ['--kpi-dir', MIXED, '--html', 'x.html', '--from', '2026-04-31'], /option `--from` must be an hour like 2026-04-20T00 .*got "2026-04-31"/],
    ['--from after --to', ['--kpi-dir', MIXED, '--html', 'x.html', '--from', '2026-04-22', '--to', '2026-04-21T00'], /--from must be before --to/],
    ['an unknown flag', ['--kpi-dir', MIXED, '--html', 'x.html', '--colour'], /Unknown argument: colour/],
    ['a bad --concurrency', ['--target', KPIS, '--html', 'x.html', '--concurrency', '0'], /--concurrency` must be a whole number >= 1, got "0"/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 1 on ${what}, saying what to give`, async () => {
      const result = await report(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Example usage: kpi-stream report');
    });
  }

  it('prints its own help', async () => {
    const result = await report(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--kpi-dir');
    expect(result.stdout).toContain('--target');
  });
});

describe('kpi-stream report --kpi-dir', () => {
  it('writes one page from a folder mixing both schemas, and says what it read', async () => {
    const html = htmlPath();
    const result = await report(['--kpi-dir', MIXED, '--html', html]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`wrote ${html}: 47 hour(s), 4 day(s) from 49 file(s) (v1 34, v2 15) in ${MIXED}; 0 left out`);
    const model = modelOf(html);
    expect(model.files).toEqual({v1: 34, v2: 15});
    expect(model.views.day.buckets.map(b => b.source)).toEqual([
      'daily/2026-04-20.csv',
      'rolled up from 17 hourly file(s)',
      'rolled up from 5 hourly file(s)',
      'daily/2026-04-23.csv',
    ]);
    // Both schemas' columns, by name: v1's pro_cta_by_source_json and v2's tools and models.
    const columns = model.columns.map(c => c.column);
    expect(columns).toContain('pro_cta_by_source_json');
    expect(columns).toContain('sessions_by_model_json');
    expect(columns).toHaveLength(50);
  });

  it('keeps only the files in --from/--to', async () => {
    const html = htmlPath();
    const result = await report(['--kpi-dir', MIXED, '--html', html, '--from', '2026-04-21T00', '--to', '2026-04-22']);
    expect(result.code, result.stderr).toBe(0);
    const model = modelOf(html);
    expect(model.range).toBe('2026-04-21T00 to 2026-04-22');
    expect(model.views.hour.buckets).toHaveLength(17);
    expect(model.views.hour.buckets.every(b => b.key.startsWith('2026-04-21T'))).toBe(true);
    expect(model.views.day.buckets.map(b => b.key)).toEqual(['2026-04-21']);
  });

  it('leaves out a file that is not a KPI table, naming it and why, and goes on', async () => {
    const dir = join(scratch, 'with-bad');
    cpSync(V2, dir, {recursive: true});
    writeFileSync(join(dir, 'hourly', '2026-04-21', '14.csv'), 'bucket,sessions\n2026-04-21T14,1,2\n');
    writeFileSync(join(dir, 'hourly', '2026-04-21', 'notes.txt'), 'not a KPI file, not even looked at');
    const html = htmlPath();
    const result = await report(['--kpi-dir', dir, '--html', html]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warn: hourly\/2026-04-21\/14\.csv: left out of the report: not valid CSV: Invalid Record Length: expect 2, got 3/);
    const model = modelOf(html);
    expect(model.skipped).toEqual([{path: 'hourly/2026-04-21/14.csv', reason: expect.stringContaining('not valid CSV')}]);
    expect(model.views.hour.buckets).toHaveLength(46);
    expect(readFileSync(html, 'utf8')).toContain('1 file(s) left out');
  });

  it('writes a page that says there is no data for a folder without KPI files', async () => {
    const dir = join(scratch, 'nothing');
    mkdirSync(dir);
    const html = htmlPath();
    const result = await report(['--kpi-dir', dir, '--html', html]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no KPI file: the page says there is no data');
    expect(modelOf(html).views.hour.buckets).toEqual([]);
  });

  it('exits 1 naming a --kpi-dir that does not exist', async () => {
    const result = await report(['--kpi-dir', join(scratch, 'absent'), '--html', htmlPath()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('option `--kpi-dir` must be a folder');
    expect(result.stderr).toContain('absent');
  });
});

describe('kpi-stream report --target (local Hub)', () => {
  async function hub(pageSize?: number): Promise<HubServer> {
    const files = await loadDatasetFolder(MIXED);
    files.set('README.md', Buffer.from('# KPIs\n'));
    server = await startHubServer({token: TOKEN, pageSize, repos: {[KPIS]: {files}}});
    return server;
  }

  it('reads the same files as the folder: one listing of hourly/ and daily/, one download per file', async () => {
    const hubServer = await hub();
    const fromHub = htmlPath();
    const result = await report(['--target', KPIS, '--hub-url', hubServer.url, '--html', fromHub]);
    expect(result.code, result.stderr).toBe(0);
    expect(hubServer.counts.tree).toBe(2);
    expect(hubServer.counts.resolve).toBe(49);
    const local = htmlPath();
    expect((await report(['--kpi-dir', MIXED, '--html', local])).code).toBe(0);
    expect(comparable(modelOf(fromHub))).toEqual(comparable(modelOf(local)));
    expect(modelOf(fromHub).source).toBe(`dataset ${KPIS}`);
    console.log(`[hub counts] report --target, 49 KPI files: ${hubServer.counts.tree} listings, ${hubServer.counts.resolve} downloads`);
  });

  it('follows listing pages, downloads only the range, and gets the same page through 503s and cut bodies', async () => {
    const hubServer = await hub(5);
    hubServer.inject({match: 'resolve', status: 503, times: 2});
    hubServer.inject({match: r => r.endpoint === 'resolve' && r.path === 'hourly/2026-04-22/07.csv', cutAfter: 20});
    hubServer.inject({match: 'tree', status: 429, retryAfter: 0});
    const html = htmlPath();
    const result = await report(['--target', KPIS, '--hub-url', hubServer.url, '--html', html, '--from', '2026-04-22T00', '--to', '2026-04-24T00']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/retrying .* \(HTTP 503\): attempt 1/);
    expect(hubServer.counts.tree).toBeGreaterThan(2);
    const model = modelOf(html);
    expect(model.views.hour.buckets).toHaveLength(14);
    expect(model.views.day.buckets.map(b => b.source)).toEqual(['rolled up from 5 hourly file(s)', 'daily/2026-04-23.csv']);
    // 15 files in range (14 hours, 1 day), plus the faults' extra requests (2 x 503, 1 cut body).
    expect(hubServer.counts.resolve).toBe(15 + 3);
    const local = htmlPath();
    expect((await report(['--kpi-dir', MIXED, '--html', local, '--from', '2026-04-22T00', '--to', '2026-04-24T00'])).code).toBe(0);
    expect(comparable(modelOf(html))).toEqual(comparable(modelOf(local)));
    expect(result.stderr + readFileSync(html, 'utf8')).not.toContain(TOKEN);
  });

  it('exits 2 for a dataset that does not exist, 1 for a refused token or none; never printing the token', async () => {
    const hubServer = await hub();
    const missing = await report(['--target', 'acme/nope', '--hub-url', hubServer.url, '--html', htmlPath()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot list hourly/ in dataset acme/nope');
    const refused = await runInProcess(['report', '--target', KPIS, '--hub-url', hubServer.url, '--html', htmlPath()], {...env, HF_TOKEN: 'hf_WRONGtoken999'});
    expect(refused.code).toBe(1); // a token the Hub refuses is configuration, as for a run
    expect(refused.stderr).toContain('HTTP 401');
    expect(refused.stderr).not.toContain('hf_WRONGtoken999');
    const none = await runInProcess(['report', '--target', KPIS, '--hub-url', hubServer.url, '--html', htmlPath()], envWithoutTokens(TOKEN_VARIABLES));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no Hub token found');
    expect(missing.stderr + refused.stderr).not.toContain(TOKEN);
  });
});
