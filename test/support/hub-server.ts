/**
 * A local Hugging Face Hub for tests: node:http on 127.0.0.1 (port 0) speaking the parts of the
 * Hub HTTP API that `@huggingface/hub` really calls for kpi-stream (dataset repos, branch `main`):
 *
 * - `GET  /api/datasets/:owner/:name/tree/main[/:path]?recursive=&expand=&cursor=`  (`Link` pages)
 * - `GET|HEAD /datasets/:owner/:name/resolve/main/:path`  (Range, ETag, X-Repo-Commit; 302 to
 *   `/cdn/...` when `redirectDownloads`, as the Hub does for LFS files, maybe on another server)
 * - `GET  /api/datasets/:owner/:name`  (repo info, what repoExists calls)
 * - `POST /api/repos/create`,  `POST /api/datasets/:owner/:name/preupload/main`,
 *   `POST /api/datasets/:owner/:name/commit/main`  (NDJSON; inline base64 files only, no LFS)
 *
 * Every request needs `Authorization: Bearer <token>` (401 otherwise), except `/cdn/...`, which
 * stands for the Hub's signed storage URLs and is open. Missing repos
 * and files are 404 with the Hub's `X-Error-Code` (RepoNotFound, EntryNotFound). Requests are
 * counted per endpoint, and faults can be injected: an HTTP status (with Retry-After), a delay,
 * a body cut after N bytes, or a connection reset.
 */
import {createHash} from 'node:crypto';
import {createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';

export type Endpoint = 'tree' | 'resolve' | 'cdn' | 'repoInfo' | 'createRepo' | 'preupload' | 'commit' | 'other';
export const ENDPOINTS: readonly Endpoint[] = ['tree', 'resolve', 'cdn', 'repoInfo', 'createRepo', 'preupload', 'commit', 'other'];

/** One request as the server saw it. */
export interface HubRequest {
  endpoint: Endpoint;
  method: string;
  /** Path and query, as sent. */
  url: string;
  repo?: string;
  /** The repo path asked for (tree folder, resolved file), decoded. */
  path?: string;
  headers: IncomingHttpHeaders;
}

export interface HubFault {
  /** An endpoint name or a test on the request. */
  match: Endpoint | ((request: HubRequest) => boolean);
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Answer with this status and a JSON error instead of the real answer. */
  status?: number;
  /** Retry-After header value (seconds or an HTTP date) with `status`. */
  retryAfter?: number | string;
  /** Wait this long before answering (with or without another fault). */
  delayMs?: number;
  /** Send the real headers (full Content-Length), then only this many body bytes, then close. */
  cutAfter?: number;
  /** Reset the connection before answering. */
  reset?: boolean;
}

export interface CommitRecord {
  repo: string;
  oid: string;
  message: string;
  /** Files added or updated by this commit, as UTF-8 text. */
  files: Map<string, string>;
  deleted: string[];
}

export interface HubServerOptions {
  token: string;
  repos?: Record<string, {files: Map<string, Buffer>}>;
  /** Tree entries per page (default 1000, as the Hub). */
  pageSize?: number;
  /**
   * Answer `resolve` with a 302 to `/cdn/...`, as the Hub does for LFS and xet files: `true` for
   * this server, or the URL of another server holding the same repos (another origin).
   */
  redirectDownloads?: boolean | string;
}

export interface HubServer {
  url: string;
  close(): Promise<void>;
  counts: Record<Endpoint, number>;
  requests: HubRequest[];
  commits: CommitRecord[];
  repoFiles(repo: string): Map<string, Buffer>;
  /** Puts a file into an existing repo as another client's commit would (its oid follows). */
  setFile(repo: string, path: string, content: Buffer): void;
  inject(fault: HubFault): void;
  /** Zeroes the counts and the request log (faults and repos stay). */
  resetCounts(): void;
}

interface Repo {
  files: Map<string, Buffer>;
  head: string;
}

interface Answer {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: {'content-type': 'application/json; charset=utf-8', ...headers},
  body: Buffer.from(JSON.stringify(value)),
});
const hubError = (status: number, code: string | undefined, message: string): Answer =>
  json(status, {error: message}, code ? {'x-error-code': code} : {});

/** The git blob id, which the Hub uses as a regular file's oid and ETag. */
const gitOid = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/** Reads every file below `dir` (`.git` excepted) into a repo file map with `/` paths. */
export async function loadDatasetFolder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const entry of await readdir(abs, {withFileTypes: true})) {
      if (entry.name === '.git') continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(abs, entry.name), childRel);
      else if (entry.isFile()) files.set(childRel, await readFile(join(abs, entry.name)));
    }
  };
  await walk(dir, '');
  return files;
}

export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const pageSize = options.pageSize ?? 1000;
  const repos = new Map<string, Repo>();
  for (const [name, {files}] of Object.entries(options.repos ?? {})) {
    repos.set(name, {files: new Map(files), head: createHash('sha1').update(`init ${name}`).digest('hex')});
  }
  const counts = Object.fromEntries(ENDPOINTS.map(e => [e, 0])) as Record<Endpoint, number>;
  const requests: HubRequest[] = [];
  const commits: CommitRecord[] = [];
  const faults: (HubFault & {left: number})[] = [];
  let base = '';

  const server = createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) send(res, json(500, {error: String(error)}), req.method === 'HEAD');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const route = classify(req.method ?? 'GET', url.pathname);
    const request: HubRequest = {endpoint: route.endpoint, method: req.method ?? 'GET', url: req.url ?? '/', repo: route.repo, path: route.path, headers: req.headers};
    counts[route.endpoint]++;
    requests.push(request);
    const body = await readBody(req);

    const fault = faults.find(f => f.left > 0 && (typeof f.match === 'function' ? f.match(request) : f.match === route.endpoint));
    if (fault) fault.left--;
    if (fault?.delayMs) await new Promise(resolve => setTimeout(resolve, fault.delayMs));
    if (fault?.reset) {
      req.socket.resetAndDestroy();
      return;
    }
    let answer: Answer;
    if (fault?.status) {
      answer = hubError(fault.status, undefined, `injected HTTP ${fault.status}`);
      if (fault.retryAfter !== undefined) answer.headers!['retry-after'] = String(fault.retryAfter);
    } else if (route.endpoint !== 'cdn' && req.headers.authorization !== `Bearer ${options.token}`) {
      answer = hubError(401, undefined, 'Invalid credentials in Authorization header');
    } else {
      answer = route.answer(url, req.headers, body);
    }
    if (fault?.cutAfter !== undefined && answer.body) {
      res.writeHead(answer.status, {...answer.headers, 'content-length': answer.body.length});
      res.flushHeaders();
      const part = answer.body.subarray(0, fault.cutAfter);
      // Destroy once the partial body is out, so the client sees N bytes, then a closed socket.
      if (part.length > 0) res.write(part, () => res.socket?.destroy());
      else setImmediate(() => res.socket?.destroy());
      return;
    }
    send(res, answer, req.method === 'HEAD');
  }

  interface Route {
    endpoint: Endpoint;
    repo?: string;
    path?: string;
    answer(url: URL, headers: IncomingHttpHeaders, body: Buffer): Answer;
  }

  function classify(method: string, pathname: string): Route {
    const seg = pathname.split('/').slice(1).map(s => decodeURIComponent(s));
    const repo = seg.length >= 4 ? `${seg[2]}/${seg[3]}` : undefined;
    if (method === 'GET' && seg[0] === 'api' && seg[1] === 'datasets' && seg[4] === 'tree') {
      const path = seg.slice(6).join('/');
      return {endpoint: 'tree', repo, path, answer: url => tree(repo!, seg[5], path, url)};
    }
    if ((method === 'GET' || method === 'HEAD') && seg[0] === 'datasets' && seg[3] === 'resolve') {
      const name = `${seg[1]}/${seg[2]}`;
      const path = seg.slice(5).join('/');
      return {endpoint: 'resolve', repo: name, path, answer: (_url, headers) => resolve(name, seg[4], path, headers)};
    }
    if ((method === 'GET' || method === 'HEAD') && seg[0] === 'cdn') {
      const name = `${seg[1]}/${seg[2]}`;
      const path = seg.slice(3).join('/');
      return {endpoint: 'cdn', repo: name, path, answer: (_url, headers) => download(name, path, headers)};
    }
    if (method === 'GET' && seg[0] === 'api' && seg[1] === 'datasets' && seg.length === 4) {
      return {endpoint: 'repoInfo', repo, answer: () => repoInfo(repo!)};
    }
    if (method === 'POST' && pathname === '/api/repos/create') {
      return {endpoint: 'createRepo', answer: (_url, _headers, body) => createRepo(body)};
    }
    if (method === 'POST' && seg[0] === 'api' && seg[1] === 'datasets' && seg[4] === 'preupload' && seg.length === 6) {
      return {endpoint: 'preupload', repo, answer: (_url, _headers, body) => preupload(repo!, seg[5], body)};
    }
    if (method === 'POST' && seg[0] === 'api' && seg[1] === 'datasets' && seg[4] === 'commit' && seg.length === 6) {
      return {endpoint: 'commit', repo, answer: (_url, headers, body) => commit(repo!, seg[5], headers, body)};
    }
    return {endpoint: 'other', answer: () => hubError(404, undefined, `the test Hub does not serve ${method} ${pathname}`)};
  }

  function findRepo(name: string, revision: string): Repo | Answer {
    const repo = repos.get(name);
    if (!repo) return hubError(404, 'RepoNotFound', 'Repository not found');
    if (revision !== 'main' && revision !== repo.head) return hubError(404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    return repo;
  }

  function tree(name: string, revision: string, folder: string, url: URL): Answer {
    const repo = findRepo(name, revision);
    if (!('files' in repo)) return repo;
    const recursive = url.searchParams.get('recursive') === 'true';
    const prefix = folder ? `${folder}/` : '';
    const entries = new Map<string, {type: 'file' | 'directory'; oid: string; size: number; path: string}>();
    for (const [path, content] of repo.files) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length).split('/');
      const depth = recursive ? rest.length - 1 : Math.min(1, rest.length - 1);
      for (let i = 1; i <= depth; i++) {
        const dir = prefix + rest.slice(0, i).join('/');
        entries.set(dir, {type: 'directory', oid: gitOid(Buffer.from(dir)), size: 0, path: dir});
      }
      if (recursive || rest.length === 1) entries.set(path, {type: 'file', oid: gitOid(content), size: content.length, path});
    }
    if (folder && entries.size === 0) return hubError(404, 'EntryNotFound', `${folder} does not exist on "${revision}"`);
    // No order is promised; a scrambled one checks that callers sort.
    const all = [...entries.values()]
      .map(entry => ({entry, key: gitOid(Buffer.from(entry.path))}))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map(({entry}) => entry);
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const page = all.slice(start, start + pageSize);
    const headers: Record<string, string> = {};
    if (start + pageSize < all.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(start + pageSize));
      headers.link = `<${base}${next.pathname}${next.search}>; rel="next"`;
    }
    return json(200, page, headers);
  }

  function resolve(name: string, revision: string, path: string, headers: IncomingHttpHeaders): Answer {
    const repo = findRepo(name, revision);
    if (!('files' in repo)) return repo;
    const content = repo.files.get(path);
    if (!content) return hubError(404, 'EntryNotFound', `Entry not found`);
    if (options.redirectDownloads) {
      const storage = typeof options.redirectDownloads === 'string' ? options.redirectDownloads : '';
      const location = `${storage}/cdn/${name}/${path.split('/').map(encodeURIComponent).join('/')}`;
      return {status: 302, headers: {location, 'x-repo-commit': repo.head, 'x-linked-size': content.length, 'x-linked-etag': `"${gitOid(content)}"`}, body: Buffer.alloc(0)};
    }
    return ranged(content, headers, {'x-repo-commit': repo.head});
  }

  function download(name: string, path: string, headers: IncomingHttpHeaders): Answer {
    const content = repos.get(name)?.files.get(path);
    if (!content) return hubError(404, undefined, 'NoSuchKey');
    return ranged(content, headers, {});
  }

  function ranged(content: Buffer, headers: IncomingHttpHeaders, extra: Record<string, string>): Answer {
    const common = {...extra, etag: `"${gitOid(content)}"`, 'accept-ranges': 'bytes', 'content-type': 'text/plain; charset=utf-8'};
    const range = headers.range;
    if (!range) return {status: 200, headers: common, body: content};
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (!m || (m[1] === '' && m[2] === '')) return {status: 200, headers: common, body: content};
    let start: number;
    let end: number;
    if (m[1] === '') {
      start = Math.max(0, content.length - Number(m[2]));
      end = content.length - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === '' ? content.length - 1 : Math.min(Number(m[2]), content.length - 1);
    }
    if (start >= content.length || start > end) {
      return {status: 416, headers: {...common, 'content-range': `bytes */${content.length}`}, body: Buffer.alloc(0)};
    }
    return {status: 206, headers: {...common, 'content-range': `bytes ${start}-${end}/${content.length}`}, body: content.subarray(start, end + 1)};
  }

  function repoInfo(name: string): Answer {
    const repo = repos.get(name);
    if (!repo) return hubError(404, 'RepoNotFound', 'Repository not found');
    return json(200, {_id: name, id: name, private: false, sha: repo.head});
  }

  function createRepo(body: Buffer): Answer {
    const payload = JSON.parse(body.toString('utf8')) as {name?: string; organization?: string; type?: string};
    if (payload.type !== 'dataset') return hubError(400, undefined, 'the test Hub only creates dataset repos');
    if (!payload.name || !payload.organization) return hubError(400, undefined, 'name and organization are required');
    const name = `${payload.organization}/${payload.name}`;
    if (repos.has(name)) return hubError(409, undefined, 'You already created this dataset repo');
    repos.set(name, {files: new Map(), head: createHash('sha1').update(`init ${name}`).digest('hex')});
    return json(200, {url: `${base}/datasets/${name}`, name});
  }

  function preupload(name: string, revision: string, body: Buffer): Answer {
    const repo = findRepo(name, revision);
    if (!('files' in repo)) return repo;
    const payload = JSON.parse(body.toString('utf8')) as {files: {path: string; size: number; sample: string}[]};
    return json(200, {
      files: payload.files.map(f => ({path: f.path, uploadMode: f.size > 10_000_000 ? 'lfs' : 'regular', shouldIgnore: false})),
    });
  }

  function commit(name: string, revision: string, headers: IncomingHttpHeaders, body: Buffer): Answer {
    const repo = findRepo(name, revision);
    if (!('files' in repo)) return repo;
    if (headers['content-type'] !== 'application/x-ndjson') return hubError(400, undefined, 'a commit body is NDJSON');
    let message = '';
    const files = new Map<string, Buffer>();
    const deleted: string[] = [];
    for (const line of body.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const {key, value} = JSON.parse(line) as {key: string; value: {summary?: string; path: string; content: string; encoding?: string}};
      if (key === 'header') message = value.summary ?? '';
      else if (key === 'file') files.set(value.path, Buffer.from(value.content, value.encoding === 'base64' ? 'base64' : 'utf8'));
      else if (key === 'deletedFile') deleted.push(value.path);
      else return hubError(400, undefined, `the test Hub does not take "${key}" operations`);
    }
    if (!message) return hubError(400, undefined, 'a commit needs a summary');
    for (const path of deleted) repo.files.delete(path);
    for (const [path, content] of files) repo.files.set(path, content);
    const hash = createHash('sha1').update(repo.head).update(message);
    for (const [path, content] of files) hash.update(path).update(content);
    repo.head = hash.digest('hex');
    commits.push({repo: name, oid: repo.head, message, files: new Map([...files].map(([p, c]) => [p, c.toString('utf8')])), deleted});
    return json(200, {success: true, commitOid: repo.head, commitUrl: `${base}/datasets/${name}/commit/${repo.head}`, hookOutput: ''});
  }

  await new Promise<void>(ok => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    counts,
    requests,
    commits,
    repoFiles: name => new Map(repos.get(name)?.files ?? []),
    setFile: (name, path, content) => void repos.get(name)!.files.set(path, content),
    inject: fault => faults.push({...fault, left: fault.times ?? 1}),
    resetCounts: () => {
      for (const e of ENDPOINTS) counts[e] = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>(ok => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, answer: Answer, head: boolean): void {
  const body = answer.body ?? Buffer.alloc(0);
  res.writeHead(answer.status, {...answer.headers, 'content-length': body.length});
  res.end(head ? undefined : body);
}
