import {afterEach, describe, expect, it} from 'vitest';
import {listHubFiles, openHubFile} from '../../src/sources/hub-files.js';
import {KpiError} from '../../src/errors.js';
import {startHubServer, type HubServer, type HubRequest} from '../support/hub-server.js';
import {drain, hubOptions, printable, sessionBytes, thrown, TOKEN} from './setup.js';

const SOURCE = 'acme/sessions';
const DAY1 = '2026-04-23';
const DAY2 = '2026-04-24';

let server: HubServer;
afterEach(async () => server?.close());

/** Two day folders, a subfolder, a non-JSONL file and a folder for another day. */
function dataset(): Map<string, Buffer> {
  return new Map([
    [`sessions/${DAY1}/b.jsonl`, sessionBytes(1, 300)],
    [`sessions/${DAY1}/a.jsonl`, sessionBytes(2, 200)],
    [`sessions/${DAY1}/notes.txt`, Buffer.from('not a session')],
    [`sessions/${DAY1}/sub/c.jsonl`, sessionBytes(3, 100)],
    [`sessions/${DAY1}/Z.jsonl`, sessionBytes(4, 50)],
    [`sessions/${DAY1}/\u00e9.jsonl`, sessionBytes(5, 60)],
    [`sessions/${DAY2}/x.jsonl`, sessionBytes(6, 256 * 1024)],
    [`sessions/${DAY2}/empty.jsonl`, Buffer.alloc(0)],
    ['sessions/2026-04-25/other-day.jsonl', sessionBytes(7, 10)],
    ['README.md', Buffer.from('# sessions')],
  ]);
}

async function start(options: {pageSize?: number; redirectDownloads?: boolean} = {}) {
  const files = dataset();
  server = await startHubServer({token: TOKEN, repos: {[SOURCE]: {files}}, ...options});
  return files;
}

const isProbe = (r: HubRequest) => r.headers.range === 'bytes=0-0';
const isResume = (r: HubRequest) => /^bytes=[1-9]/.test(r.headers.range ?? '');
const fullGet = (path: string) => (r: HubRequest) => r.endpoint === 'resolve' && r.path === path && !r.headers.range;

describe('listHubFiles', () => {
  it('lists each day folder with one path-scoped recursive request, keeping .jsonl files in code point order', async () => {
    await start();
    const files = await listHubFiles(SOURCE, [DAY1, DAY2], hubOptions(server));
    expect(files.map(f => f.path)).toEqual([
      `sessions/${DAY1}/Z.jsonl`,
      `sessions/${DAY1}/a.jsonl`,
      `sessions/${DAY1}/b.jsonl`,
      `sessions/${DAY1}/sub/c.jsonl`,
      `sessions/${DAY1}/\u00e9.jsonl`,
      `sessions/${DAY2}/empty.jsonl`,
      `sessions/${DAY2}/x.jsonl`,
    ]);
    expect(files.map(f => f.folder)).toEqual([DAY1, DAY1, DAY1, DAY1, DAY1, DAY2, DAY2]);
    expect(files.find(f => f.path.endsWith('x.jsonl'))?.size).toBe(256 * 1024);
    expect(server.counts.tree).toBe(2);
    expect(server.requests.map(r => r.url)).toEqual([
      `/api/datasets/${SOURCE}/tree/main/sessions/${DAY1}?recursive=true&expand=false`,
      `/api/datasets/${SOURCE}/tree/main/sessions/${DAY2}?recursive=true&expand=false`,
    ]);
  });

  it('follows Link pagination: one request per page', async () => {
    await start({pageSize: 2});
    const files = await listHubFiles(SOURCE, [DAY1], hubOptions(server));
    expect(files).toHaveLength(5);
    // 7 entries under the day (5 sessions, notes.txt, the sub folder) in pages of 2.
    expect(server.counts.tree).toBe(4);
  });

  it('treats a missing day folder as empty, after one request', async () => {
    await start();
    expect(await listHubFiles(SOURCE, ['2020-01-01'], hubOptions(server))).toEqual([]);
    expect(server.counts.tree).toBe(1);
  });

  it('raises KPI_INPUT_UNREADABLE for a missing dataset', async () => {
    await start();
    const error = await thrown(() => listHubFiles('acme/nope', [DAY1], hubOptions(server)));
    expect(error).toBeInstanceOf(KpiError);
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(error.message).toContain('HTTP 404');
  });

  it('raises KPI_AUTH_REFUSED (exit 1) without retrying when the token is refused, and never shows it', async () => {
    await start();
    const hub = hubOptions(server, {token: 'hf_WRONGtoken456'});
    const error = await thrown(() => listHubFiles(SOURCE, [DAY1], hub));
    expect(error.code).toBe('KPI_AUTH_REFUSED');
    expect(error.message).toContain('HTTP 401');
    expect(server.counts.tree).toBe(1);
    expect(printable(error)).not.toContain('hf_WRONGtoken456');
  });

  it('survives 429 with Retry-After and 503 on a later page', async () => {
    await start({pageSize: 2});
    server.inject({match: 'tree', status: 429, retryAfter: 0});
    server.inject({match: r => r.endpoint === 'tree' && r.url.includes('cursor='), status: 503});
    const hub = hubOptions(server);
    const files = await listHubFiles(SOURCE, [DAY1], hub);
    expect(files).toHaveLength(5);
    expect(server.counts.tree).toBe(4 + 2);
    expect(hub.retried.map(r => [r.status, r.attempt])).toEqual([[429, 1], [503, 1]]);
    expect(hub.retried[0].waitMs).toBe(0);
  });

  it('drops an unsafe listed path with a warning, or raises KPI_INPUT_INVALID without a warn callback', async () => {
    const files = new Map([
      [`sessions/${DAY1}/ok.jsonl`, Buffer.from('{}\n')],
      [`sessions/${DAY1}/../../secrets.jsonl`, Buffer.from('{}\n')],
    ]);
    server = await startHubServer({token: TOKEN, repos: {[SOURCE]: {files}}});
    const warnings: unknown[] = [];
    const listed = await listHubFiles(SOURCE, [DAY1], hubOptions(server, {warn: w => void warnings.push(w)}));
    expect(listed.map(f => f.path)).toEqual([`sessions/${DAY1}/ok.jsonl`]);
    expect(warnings).toEqual([expect.objectContaining({code: 'unsafe_path', file: `sessions/${DAY1}/../../secrets.jsonl`})]);
    const error = await thrown(() => listHubFiles(SOURCE, [DAY1], hubOptions(server)));
    expect(error.code).toBe('KPI_INPUT_INVALID');
  });

  it('raises KPI_OPTION_INVALID for a bad repo id or day before any request', async () => {
    await start();
    expect((await thrown(() => listHubFiles('no-slash', [DAY1], hubOptions(server)))).code).toBe('KPI_OPTION_INVALID');
    expect((await thrown(() => listHubFiles(SOURCE, ['2026-4-1'], hubOptions(server)))).code).toBe('KPI_OPTION_INVALID');
    expect((await thrown(async () => listHubFiles(SOURCE, [DAY1], hubOptions(server, {retries: -1})))).code).toBe('KPI_OPTION_INVALID');
    expect(server.requests).toEqual([]);
  });
});

describe('openHubFile', () => {
  const X = `sessions/${DAY2}/x.jsonl`;

  it('streams the file: a size probe and one GET, bytes equal, in several chunks', async () => {
    const files = await start();
    const {bytes, chunks} = await drain(await openHubFile(SOURCE, X, hubOptions(server)));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    expect(chunks).toBeGreaterThan(1);
    const resolves = server.requests.filter(r => r.endpoint === 'resolve');
    expect(resolves.map(r => r.headers.range ?? 'full')).toEqual(['bytes=0-0', 'full']);
    // Plain downloads: the client asks for xet file info on the probe; the server answers plainly.
    expect(resolves[0].headers.accept).toContain('application/vnd.xet-fileinfo+json');
  });

  it('makes one request per file when the listed size is passed', async () => {
    const files = await start();
    const [listed] = (await listHubFiles(SOURCE, [DAY2], hubOptions(server))).filter(f => f.path === X);
    const {bytes} = await drain(await openHubFile(SOURCE, X, hubOptions(server), listed.size));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    expect(server.counts.resolve).toBe(1);
  });

  it('reads an empty file as an empty stream, with or without the size', async () => {
    await start();
    const path = `sessions/${DAY2}/empty.jsonl`;
    expect((await drain(await openHubFile(SOURCE, path, hubOptions(server)))).bytes.length).toBe(0);
    expect((await drain(await openHubFile(SOURCE, path, hubOptions(server), 0))).bytes.length).toBe(0);
  });

  it('follows the Hub redirect to the file storage', async () => {
    const files = await start({redirectDownloads: true});
    const {bytes} = await drain(await openHubFile(SOURCE, X, hubOptions(server)));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    expect(server.counts.cdn).toBe(2);
  });

  it('sends no token to file storage on another origin', async () => {
    const files = dataset();
    const storage = await startHubServer({token: 'storage-needs-none', repos: {[SOURCE]: {files}}});
    try {
      server = await startHubServer({token: TOKEN, repos: {[SOURCE]: {files}}, redirectDownloads: storage.url});
      const {bytes} = await drain(await openHubFile(SOURCE, X, hubOptions(server)));
      expect(bytes.equals(files.get(X)!)).toBe(true);
      expect(storage.counts.cdn).toBe(2);
      expect(storage.requests.map(r => r.headers.authorization)).toEqual([undefined, undefined]);
    } finally {
      await storage.close();
    }
  });

  it('encodes path segments for the URL', async () => {
    const files = await start();
    const path = `sessions/${DAY1}/\u00e9.jsonl`;
    expect((await drain(await openHubFile(SOURCE, path, hubOptions(server)))).bytes.equals(files.get(path)!)).toBe(true);
  });

  it.each([
    ['429 with Retry-After', {status: 429, retryAfter: 0}],
    ['500', {status: 500}],
    ['503', {status: 503}],
    ['a connection reset', {reset: true}],
    ['a slow answer', {delayMs: 300}],
  ])('survives %s on the probe and on the GET with identical bytes', async (_name, fault) => {
    const files = await start();
    server.inject({match: r => r.endpoint === 'resolve' && isProbe(r), ...fault});
    server.inject({match: fullGet(X), ...fault});
    const hub = hubOptions(server);
    const {bytes} = await drain(await openHubFile(SOURCE, X, hub));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    const expected = 'delayMs' in fault ? 2 : 4;
    expect(server.counts.resolve).toBe(expected);
    expect(hub.retried).toHaveLength(expected - 2);
  });

  it('resumes a body cut mid-way with a ranged GET from the byte reached, never repeating a byte', async () => {
    const files = await start();
    server.inject({match: fullGet(X), cutAfter: 100_000});
    server.inject({match: isResume, cutAfter: 50_000});
    const hub = hubOptions(server);
    const {bytes} = await drain(await openHubFile(SOURCE, X, hub));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    const ranges = server.requests.filter(r => r.endpoint === 'resolve').map(r => r.headers.range ?? 'full');
    expect(ranges[0]).toBe('bytes=0-0');
    expect(ranges[1]).toBe('full');
    // The resume starts at or after the bytes sent before the cut (the socket may lose some).
    const resumes = ranges.slice(2).map(r => Number(/^bytes=(\d+)-/.exec(r)![1]));
    expect(resumes).toHaveLength(2);
    expect(resumes[0]).toBeGreaterThan(0);
    expect(resumes[0]).toBeLessThanOrEqual(100_000);
    expect(resumes[1]).toBeGreaterThan(resumes[0]);
    expect(hub.retried.map(r => r.attempt)).toEqual([1, 2]);
  });

  it('restarts a body cut before its first byte with a full GET', async () => {
    const files = await start();
    server.inject({match: fullGet(X), cutAfter: 0});
    const {bytes} = await drain(await openHubFile(SOURCE, X, hubOptions(server), files.get(X)!.length));
    expect(bytes.equals(files.get(X)!)).toBe(true);
    expect(server.requests.filter(r => r.endpoint === 'resolve').map(r => r.headers.range ?? 'full')).toEqual(['full', 'full']);
  });

  it('raises KPI_INPUT_UNREADABLE naming the path after `retries` retries of an unreachable file', async () => {
    await start();
    server.inject({match: 'resolve', status: 500, times: Infinity});
    const hub = hubOptions(server, {retries: 2});
    const error = await thrown(() => openHubFile(SOURCE, X, hub));
    expect(error).toBeInstanceOf(KpiError);
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(error.message).toContain(X);
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('after 2 retries');
    expect(server.counts.resolve).toBe(3);
    expect(printable(error, hub.retried)).not.toContain(TOKEN);
  });

  it('emits KPI_INPUT_UNREADABLE from the stream when every resume is cut too', async () => {
    await start();
    server.inject({match: r => r.endpoint === 'resolve' && !isProbe(r), cutAfter: 1000, times: Infinity});
    const hub = hubOptions(server, {retries: 2});
    const stream = await openHubFile(SOURCE, X, hub);
    const error = await thrown(() => drain(stream));
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(error.message).toContain(X);
    expect(server.requests.filter(r => r.endpoint === 'resolve' && !isProbe(r))).toHaveLength(3);
    expect(printable(error, hub.retried)).not.toContain(TOKEN);
  });

  it('emits KPI_INPUT_UNREADABLE when a resumed GET keeps failing', async () => {
    await start();
    server.inject({match: fullGet(X), cutAfter: 5000});
    server.inject({match: isResume, status: 503, times: Infinity});
    const hub = hubOptions(server, {retries: 1});
    const error = await thrown(async () => drain(await openHubFile(SOURCE, X, hub)));
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(error.message).toContain('HTTP 503');
    // One resume, retried once: the budget is per request, not multiplied.
    expect(server.requests.filter(isResume)).toHaveLength(2);
  });

  it('fails rather than splice two versions when the server ignores the Range of a resume', async () => {
    const files = await start();
    server.inject({match: fullGet(X), cutAfter: 5000});
    // A proxy that drops Range headers: the resume gets the whole file back with a 200.
    const dropRange: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (/^bytes=[1-9]/.test(headers.get('range') ?? '')) headers.delete('range');
      return fetch(input, {...init, headers});
    };
    const error = await thrown(async () => drain(await openHubFile(SOURCE, X, hubOptions(server, {fetch: dropRange}), files.get(X)!.length)));
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(error.message).toContain('not the range');
  });

  it('raises KPI_INPUT_UNREADABLE for a listed file that is gone (404), without retrying', async () => {
    await start();
    const error = await thrown(() => openHubFile(SOURCE, `sessions/${DAY1}/gone.jsonl`, hubOptions(server)));
    expect(error.code).toBe('KPI_INPUT_UNREADABLE');
    expect(server.counts.resolve).toBe(1);
  });

  it('aborts promptly on the signal with KPI_INTERRUPTED', async () => {
    await start();
    server.inject({match: 'resolve', delayMs: 5000});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await thrown(() => openHubFile(SOURCE, X, hubOptions(server, {signal: controller.signal})));
    expect(error.code).toBe('KPI_INTERRUPTED');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('aborts a backoff wait promptly', async () => {
    await start();
    server.inject({match: 'resolve', status: 503, retryAfter: 60});
    const controller = new AbortController();
    const hub = hubOptions(server, {signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 20)});
    const started = Date.now();
    const error = await thrown(() => openHubFile(SOURCE, X, hub));
    expect(error.code).toBe('KPI_INTERRUPTED');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
