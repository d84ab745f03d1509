import {afterEach, describe, expect, it} from 'vitest';
import {commitFiles} from '../../src/sinks/hub-upload.js';
import {KpiError} from '../../src/errors.js';
import {startHubServer, type HubServer} from '../support/hub-server.js';
import {hubOptions, printable, thrown, TOKEN} from './setup.js';

const TARGET = 'acme/kpis';
const FILES = [
  {path: 'hourly/2026-04-24/13.csv', content: 'bucket,sessions\n2026-04-24T13,3\n'},
  {path: 'hourly/2026-04-24/14.csv', content: 'bucket,sessions\n2026-04-24T14,"a,b"\n'},
  {path: 'daily/2026-04-24.csv', content: 'bucket,sessions\n2026-04-24,7\n'},
];
const MESSAGE = 'KPIs for 2026-04-24T13, 2026-04-24T14, 2026-04-24';

let server: HubServer;
afterEach(async () => server?.close());

const text = (files: Map<string, Buffer>) => new Map([...files].map(([p, c]) => [p, c.toString('utf8')]));
const expected = new Map(FILES.map(f => [f.path, f.content]));

describe('commitFiles', () => {
  it('creates the missing dataset and puts every file into one commit', async () => {
    server = await startHubServer({token: TOKEN});
    const result = await commitFiles(TARGET, FILES, MESSAGE, hubOptions(server));
    expect(server.commits).toHaveLength(1);
    expect(server.commits[0]).toMatchObject({repo: TARGET, message: MESSAGE, oid: result.commitOid});
    expect(server.commits[0].files).toEqual(expected);
    expect(text(server.repoFiles(TARGET))).toEqual(expected);
    // preupload (404), create, preupload, commit.
    expect(server.requests.map(r => r.endpoint)).toEqual(['preupload', 'createRepo', 'preupload', 'commit']);
  });

  it('commits to an existing dataset with two requests, keeping its other files', async () => {
    server = await startHubServer({token: TOKEN, repos: {[TARGET]: {files: new Map([['README.md', Buffer.from('# KPIs')]])}}});
    await commitFiles(TARGET, FILES, MESSAGE, hubOptions(server));
    expect(server.requests.map(r => r.endpoint)).toEqual(['preupload', 'commit']);
    expect(text(server.repoFiles(TARGET))).toEqual(new Map([['README.md', '# KPIs'], ...expected]));
  });

  it('overwrites with identical bytes when run again', async () => {
    server = await startHubServer({token: TOKEN});
    await commitFiles(TARGET, FILES, MESSAGE, hubOptions(server));
    const first = server.repoFiles(TARGET);
    await commitFiles(TARGET, FILES, MESSAGE, hubOptions(server));
    expect(server.commits).toHaveLength(2);
    expect(server.commits[1].files).toEqual(expected);
    const second = server.repoFiles(TARGET);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, bytes] of first) expect(second.get(path)!.equals(bytes)).toBe(true);
    expect(server.counts.createRepo).toBe(1);
  });

  it('sends non-ASCII content as UTF-8 bytes', async () => {
    server = await startHubServer({token: TOKEN});
    const content = 'bucket,json\n2026-04-24T13,"{""café"": 1, ""😀"": 2}"\n';
    await commitFiles(TARGET, [{path: 'hourly/2026-04-24/13.csv', content}], MESSAGE, hubOptions(server));
    expect(server.repoFiles(TARGET).get('hourly/2026-04-24/13.csv')!.equals(Buffer.from(content, 'utf8'))).toBe(true);
  });

  it.each([
    ['429 with Retry-After', {status: 429, retryAfter: 0}],
    ['500', {status: 500}],
    ['503', {status: 503}],
    ['a connection reset', {reset: true}],
  ])('survives %s on preupload and on commit, still one commit', async (_name, fault) => {
    server = await startHubServer({token: TOKEN, repos: {[TARGET]: {files: new Map()}}});
    server.inject({match: 'preupload', ...fault});
    server.inject({match: 'commit', ...fault});
    const hub = hubOptions(server);
    await commitFiles(TARGET, FILES, MESSAGE, hub);
    expect(server.commits).toHaveLength(1);
    expect(text(server.repoFiles(TARGET))).toEqual(expected);
    expect(server.counts.preupload).toBe(2);
    expect(server.counts.commit).toBe(2);
    expect(hub.retried).toHaveLength(2);
  });

  it('honours Retry-After in seconds', async () => {
    server = await startHubServer({token: TOKEN, repos: {[TARGET]: {files: new Map()}}});
    server.inject({match: 'commit', status: 429, retryAfter: 1});
    const hub = hubOptions(server);
    const started = Date.now();
    await commitFiles(TARGET, FILES, MESSAGE, hub);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hub.retried).toEqual([expect.objectContaining({status: 429, attempt: 1, waitMs: 1000})]);
  });

  it('raises KPI_UPLOAD_FAILED after `retries` retries, with nothing committed and no token shown', async () => {
    server = await startHubServer({token: TOKEN, repos: {[TARGET]: {files: new Map()}}});
    server.inject({match: 'commit', status: 500, times: Infinity});
    const hub = hubOptions(server, {retries: 2});
    const error = await thrown(() => commitFiles(TARGET, FILES, MESSAGE, hub));
    expect(error).toBeInstanceOf(KpiError);
    expect(error.code).toBe('KPI_UPLOAD_FAILED');
    expect(error.message).toContain(TARGET);
    expect(error.message).toContain('after 2 retries');
    expect(server.counts.commit).toBe(3);
    expect(server.commits).toEqual([]);
    expect(hub.retried).toHaveLength(2);
    expect(printable(error, hub.retried)).not.toContain(TOKEN);
  });

  it('raises KPI_AUTH_REFUSED (exit 1) at once when the token is refused, without showing it', async () => {
    server = await startHubServer({token: TOKEN, repos: {[TARGET]: {files: new Map()}}});
    const hub = hubOptions(server, {token: 'hf_WRONGtoken456'});
    const error = await thrown(() => commitFiles(TARGET, FILES, MESSAGE, hub));
    expect(error.code).toBe('KPI_AUTH_REFUSED');
    expect(error.message).toContain('HTTP 401');
    expect(server.requests).toHaveLength(1);
    expect(printable(error)).not.toContain('hf_WRONGtoken456');
  });

  it('works with a token that does not start with hf_ (the client alone would refuse it)', async () => {
    server = await startHubServer({token: 'org-secret-42'});
    await commitFiles(TARGET, FILES, MESSAGE, hubOptions(server, {token: 'org-secret-42'}));
    expect(server.commits).toHaveLength(1);
  });

  it('makes no request for no files, and refuses a path given twice', async () => {
    server = await startHubServer({token: TOKEN});
    expect(await commitFiles(TARGET, [], MESSAGE, hubOptions(server))).toEqual({});
    const error = await thrown(() => commitFiles(TARGET, [FILES[0], FILES[0]], MESSAGE, hubOptions(server)));
    expect(error.code).toBe('KPI_OPTION_INVALID');
    expect(server.requests).toEqual([]);
  });
});
