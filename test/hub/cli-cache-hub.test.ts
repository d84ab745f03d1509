/**
 * `--cache-dir` on the Hub (the local Hub server, which counts requests): a file whose blob id is
 * in the cache is not downloaded again, and the bytes are a cold run's.
 */

import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runInProcess} from '../support/cli-io.js';
import {loadDatasetFolder, startHubServer, type HubServer} from '../support/hub-server.js';
import {diffTrees, readTree} from '../support/oracle.js';
import {REPO} from '../support/python.js';
import {TOKEN} from './setup.js';

process.env.KPI_RETRY_BASE_MS = '1';

const SOURCE = 'smolagents/ml-intern-sessions';
let scratch: string;
let dataset: Map<string, Buffer>;
let server: HubServer | undefined;
let runs = 0;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kpi-cache-hub-'));
  dataset = await loadDatasetFolder(join(REPO, 'fixtures', 'dataset'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

async function startHub(files: Map<string, Buffer>): Promise<HubServer> {
  await server?.close();
  server = await startHubServer({token: TOKEN, repos: {[SOURCE]: {files}}});
  return server;
}

/** A Hub run of `hours` that writes the CSVs locally (and commits them); the paths it downloaded. */
async function hubRun(hub: HubServer, hours: string[], cacheDir?: string): Promise<{tree: Map<string, Buffer>; downloaded: string[]; stderr: string}> {
  hub.resetCounts();
  const out = join(scratch, `out-${runs++}`);
  const args = [...hours, '--out-dir', out, '--retries', '1', ...(cacheDir ? ['--cache-dir', cacheDir] : [])];
  const result = await runInProcess(args, {HF_KPI_WRITE_TOKEN: TOKEN, HF_ENDPOINT: hub.url});
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toContain(TOKEN);
  const downloaded = hub.requests.filter(r => r.endpoint === 'resolve' || r.endpoint === 'cdn').map(r => r.path!).sort();
  return {tree: existsSync(out) ? readTree(out) : new Map(), downloaded, stderr: result.stderr};
}

const sessionFiles = (files: Map<string, Buffer>, days: string[]) =>
  [...files.keys()].filter(p => days.some(d => p.startsWith(`sessions/${d}/`)) && p.endsWith('.jsonl')).sort();

describe('--cache-dir on the Hub', () => {
  it('downloads nothing for a second run of the hour and for the next hour, and only the changed and new files after that', async () => {
    const cache = join(scratch, 'cache');
    let hub = await startHub(dataset);
    const first = await hubRun(hub, ['--datetime', '2026-04-21T10'], cache);
    const cold = await hubRun(hub, ['--datetime', '2026-04-21T10']);
    expect(first.downloaded).toEqual(sessionFiles(dataset, ['2026-04-20', '2026-04-21']));
    expect(diffTrees(cold.tree, first.tree)).toEqual([]);
    expect(first.tree.size).toBe(1);

    const again = await hubRun(hub, ['--datetime', '2026-04-21T10'], cache);
    expect(again.downloaded).toEqual([]);
    expect(diffTrees(cold.tree, again.tree)).toEqual([]);
    expect(again.stderr).toMatch(/files listed \(\d+ from the cache\)/);

    const next = await hubRun(hub, ['--datetime', '2026-04-21T11'], cache);
    expect(next.downloaded).toEqual([]);
    expect(diffTrees((await hubRun(hub, ['--datetime', '2026-04-21T11'])).tree, next.tree)).toEqual([]);

    // Two files change, one is added: a new blob id each.
    const plain = sessionFiles(dataset, ['2026-04-21']).filter(p => !dataset.get(p)!.toString('utf8').startsWith('\ufeff'));
    // b must hold an llm_call for its change to change its bytes (and a KPI).
    const b = plain.find(p => dataset.get(p)!.toString('utf8').includes('"llm_call"'));
    const [a, c] = plain.filter(p => p !== b);
    const changed = new Map(dataset);
    changed.set(a!, Buffer.concat([dataset.get(a!)!, Buffer.from(' ')]));
    changed.set(b!, Buffer.from(dataset.get(b!)!.toString('utf8').replace('"llm_call"', '"tool_call"')));
    const added = 'sessions/2026-04-21/zz-added.jsonl';
    changed.set(added, dataset.get(c!)!);
    hub = await startHub(changed);
    const after = await hubRun(hub, ['--datetime', '2026-04-21T10'], cache);
    expect(after.downloaded).toEqual([a!, b!, added].sort());
    const coldAfter = await hubRun(hub, ['--datetime', '2026-04-21T10']);
    expect(diffTrees(coldAfter.tree, after.tree)).toEqual([]);
    console.log(`[hub counts] with --cache-dir: first run ${first.downloaded.length} downloads, same hour again 0, next hour 0, after 2 changes + 1 new file ${after.downloaded.length}`);
  });
});
