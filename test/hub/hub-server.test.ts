import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadDatasetFolder, startHubServer, type HubServer} from '../support/hub-server.js';
import {TOKEN} from './setup.js';

let server: HubServer;
afterEach(async () => server?.close());

const auth = {authorization: `Bearer ${TOKEN}`};
const FILE = 'sessions/2026-04-24/a.jsonl';

describe('the local Hub server', () => {
  it('answers 401 without the right bearer token', async () => {
    server = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map([[FILE, Buffer.from('0123456789')]])}}});
    expect((await fetch(`${server.url}/datasets/a/b/resolve/main/${FILE}`)).status).toBe(401);
    expect((await fetch(`${server.url}/datasets/a/b/resolve/main/${FILE}`, {headers: {authorization: 'Bearer hf_other'}})).status).toBe(401);
  });

  it('answers 404 with the Hub error codes for missing repos, files and folders', async () => {
    server = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map([[FILE, Buffer.from('0123456789')]])}}});
    const code = async (path: string) => {
      const response = await fetch(`${server.url}${path}`, {headers: auth});
      return [response.status, response.headers.get('x-error-code')];
    };
    expect(await code('/datasets/a/nope/resolve/main/x')).toEqual([404, 'RepoNotFound']);
    expect(await code('/datasets/a/b/resolve/main/x')).toEqual([404, 'EntryNotFound']);
    expect(await code('/api/datasets/a/b/tree/main/sessions/2020-01-01?recursive=true')).toEqual([404, 'EntryNotFound']);
    expect(await code('/api/datasets/a/b/tree/dev?recursive=true')).toEqual([404, 'RevisionNotFound']);
  });

  it('serves byte ranges with the size, ETag and commit headers, and HEAD without a body', async () => {
    server = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map([[FILE, Buffer.from('0123456789')]])}}});
    const get = (range?: string, method = 'GET') =>
      fetch(`${server.url}/datasets/a/b/resolve/main/${FILE}`, {method, headers: {...auth, ...(range && {range})}});
    const part = await get('bytes=3-5');
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, 'bytes 3-5/10', '345']);
    expect(part.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(part.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    expect(await (await get('bytes=7-')).text()).toBe('789');
    expect((await get('bytes=10-')).status).toBe(416);
    const head = await get(undefined, 'HEAD');
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '10', '']);
  });

  it('loads a dataset folder with repo paths, leaving out .git', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kpi-dataset-'));
    await mkdir(join(dir, 'sessions', '2026-04-24'), {recursive: true});
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'sessions', '2026-04-24', 'a.jsonl'), '{}\n');
    await writeFile(join(dir, '.git', 'HEAD'), 'ref');
    const files = await loadDatasetFolder(dir);
    expect([...files.keys()]).toEqual([FILE]);
    expect(files.get(FILE)!.toString()).toBe('{}\n');
  });

  it('counts requests per endpoint and spends each fault once per matching request', async () => {
    server = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map()}}});
    server.inject({match: 'repoInfo', status: 503, times: 2});
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/api/datasets/a/b`, {headers: auth})).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(server.counts.repoInfo).toBe(3);
    server.resetCounts();
    expect(server.counts.repoInfo).toBe(0);
    expect(server.requests).toEqual([]);
  });
});
