import {Readable} from 'node:stream';
import {downloadFile, listFiles} from '@huggingface/hub';
import {KpiError} from '../errors.js';
import {datasetRepo, redact, type HubOptions} from '../hub/config.js';
import {afterRetries, backoffMs, hubError, hubFetch, interrupted, keepErrorCode, mayRetry, networkReason, sleep, statusOf} from '../hub/fetch.js';
import {compareCodePoints} from '../py/json-dumps.js';
import type {ListedFile} from './local-files.js';

/** A listed Hub file; `size` lets {@link openHubFile} skip its size probe; `oid` names its bytes. */
export interface HubListedFile extends ListedFile {
  size: number;
  oid?: string;
}

/**
 * Lists `sessions/<day>/**` in the dataset with one path-scoped recursive tree listing per day
 * (plus its `Link` pages), never the whole repo. Keeps files ending in `.jsonl`, sorted by path in
 * code point order, days in the order given, like the local lister. A day folder that does not
 * exist is empty; a missing repo or a refused token is KPI_INPUT_UNREADABLE. A listed path that is
 * not a plain path below its folder is passed to `hub.warn` and dropped (KPI_INPUT_INVALID without
 * `hub.warn`): paths become download URLs, where `..` would point elsewhere.
 */
export async function listHubFiles(repo: string, days: readonly string[], hub: HubOptions): Promise<HubListedFile[]> {
  const repoId = datasetRepo(repo, '--source');
  for (const day of days) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new KpiError('KPI_OPTION_INVALID', `day folders must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  const retrying = hubFetch(hub, {wholeBody: true});
  const out: HubListedFile[] = [];
  for (const day of days) {
    const folder = `sessions/${day}`;
    const {fetch, errorCode} = keepErrorCode(retrying);
    const found: HubListedFile[] = [];
    try {
      for await (const entry of listFiles({repo: repoId, path: folder, recursive: true, hubUrl: hub.hubUrl, fetch})) {
        if (entry.type !== 'file' || !entry.path.endsWith('.jsonl')) continue;
        const unsafe = unsafePath(entry.path, `${folder}/`);
        if (unsafe) {
          const warning = {code: 'unsafe_path', file: entry.path, message: `listed by the Hub under ${folder}/ but ${unsafe}; not downloaded`};
          if (!hub.warn) throw new KpiError('KPI_INPUT_INVALID', `${warning.file}: ${warning.message}`, {file: entry.path});
          hub.warn(warning);
          continue;
        }
        found.push({path: entry.path, folder: day, size: entry.lfs?.size ?? entry.size, oid: entry.oid});
      }
    } catch (error) {
      if (statusOf(error) === 404 && errorCode() !== 'RepoNotFound' && errorCode() !== 'RevisionNotFound') continue; // no sessions that day
      throw hubError('KPI_INPUT_UNREADABLE', `cannot list ${folder}/ in dataset ${repo}`, error, hub, {folder});
    }
    found.sort((a, b) => compareCodePoints(a.path, b.path));
    out.push(...found);
  }
  return out;
}

/** Why a listed path is unsafe, or undefined if it is a plain relative path below `prefix`. */
export function unsafePath(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return `is not below ${prefix}`;
  const segments = path.split('/');
  if (segments.some(s => s === '' || s === '.' || s === '..')) return 'has an empty, `.` or `..` segment';
  if (/[\\\x00-\x1f\x7f]/.test(path)) return 'has a backslash or a control character';
  return undefined;
}

/**
 * Opens one dataset file as a byte stream, straight from the response body (never buffered whole).
 * Failed answers and network errors are retried per request (see hubFetch). A body cut short (an
 * error mid-way, or fewer bytes than announced) is resumed with a ranged request from the byte
 * reached, at most `hub.retries` times per file, so the consumer never sees a byte twice; a
 * resumed answer must be a 206 of the same ETag, or the file changed and the download fails.
 * Every failure is KPI_INPUT_UNREADABLE naming the path (rejected here, or emitted by the
 * stream), KPI_INTERRUPTED on `hub.signal`.
 *
 * @param size The size from {@link listHubFiles}; it saves the ranged probe the client otherwise
 *   makes first, so a download is one request.
 */
export async function openHubFile(repo: string, path: string, hub: HubOptions, size?: number): Promise<Readable> {
  const repoId = datasetRepo(repo, '--source');
  const unsafe = unsafePath(path, 'sessions/');
  if (unsafe) throw new KpiError('KPI_INPUT_INVALID', `${path}: ${unsafe}; not downloaded`, {file: path});
  const fail = (why: string) => new KpiError('KPI_INPUT_UNREADABLE', redact(`cannot download ${path} from dataset ${repo}: ${why}`, hub.token), {file: path});
  const body = bodyTracker(hubFetch(hub));
  // The client puts the path into the URL as it is; encode each segment as the Python client does.
  const urlPath = path.split('/').map(encodeURIComponent).join('/');
  const url = `${hub.hubUrl}/datasets/${repoId.name}/resolve/main/${urlPath}`;
  let blob: Blob | null;
  try {
    blob = await downloadFile({
      repo: repoId,
      path: urlPath,
      hubUrl: hub.hubUrl,
      fetch: body.fetch,
      // Plain HTTP downloads only: no xet reconstruction, so ranged resumes stay simple.
      xet: false,
      ...(size !== undefined && {downloadInfo: {size, etag: '', url}}),
    });
  } catch (error) {
    // The client's probe asks for byte 0, which an empty file does not have.
    if (statusOf(error) === 416) return Readable.from([]);
    throw hubError('KPI_INPUT_UNREADABLE', `cannot download ${path} from dataset ${repo}`, error, hub, {file: path});
  }
  if (!blob) throw fail('not found (HTTP 404)');
  return resumableStream(blob, url, body.state, hub, fail);
}

interface BodyState {
  /** The body's total size, from the first full or ranged answer. */
  total?: number;
  etag?: string;
  /** Set when a request failed for good or an answer cannot be used; no resume helps then. */
  fatal?: string;
}

/** Wraps the retrying fetch to check download answers: sizes, ETags and ranges. */
function bodyTracker(retrying: typeof fetch): {fetch: typeof fetch; state: BodyState} {
  const state: BodyState = {};
  const tracked: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    // Content-Length must count the bytes we get, so ask for no compression.
    headers.set('accept-encoding', 'identity');
    const range = /^bytes=(\d+)-/.exec(headers.get('range') ?? '');
    const start = range ? Number(range[1]) : 0;
    let response: Response;
    try {
      response = await retrying(input, {...init, headers});
    } catch (error) {
      state.fatal = networkReason(error);
      throw error;
    }
    if (!response.ok) {
      state.fatal = `HTTP ${response.status}`;
      return response;
    }
    if (headers.get('range') === 'bytes=0-0') return response; // the client's size probe
    const etag = response.headers.get('etag') ?? undefined;
    if (start > 0) {
      const from = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      if (response.status !== 206 || !from || Number(from[1]) !== start) state.fatal = `the resumed answer is not the range from byte ${start}`;
      else if (state.etag !== undefined && etag !== state.etag) state.fatal = 'the file changed during the download (ETag differs)';
      else state.total ??= Number(from[2]);
    } else {
      state.etag = etag;
      const length = response.headers.get('content-length');
      const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
      if (length !== null && !encoded) state.total = Number(length);
    }
    if (state.fatal) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(state.fatal);
    }
    return response;
  };
  return {fetch: tracked, state};
}

/**
 * A Readable over the blob's body that, when the body breaks or ends short, asks for the rest
 * with `blob.slice(offset)` (a ranged GET) and carries on.
 */
function resumableStream(blob: Blob, url: string, state: BodyState, hub: HubOptions, fail: (why: string) => KpiError): Readable {
  let offset = 0;
  let resumes = 0;
  let reader = blob.stream().getReader();
  let pumping = false;
  let stopped = false;

  const stream = new Readable({
    read() {
      if (!pumping) void pump();
    },
    destroy(error, callback) {
      stopped = true;
      reader.cancel().catch(() => undefined);
      callback(error);
    },
  });

  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (!stopped) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (error) {
          if (!(await resume(typeof error === 'string' ? error : networkReason(error)))) return;
          continue;
        }
        if (stopped) return;
        if (step.done) {
          const total = state.total ?? blob.size;
          if (offset < total) {
            if (!(await resume(`body cut at ${offset} of ${total} bytes`))) return;
            continue;
          }
          if (offset > total) return void stop(fail(`got ${offset} bytes, more than the ${total} announced`));
          stream.push(null);
          return;
        }
        offset += step.value.byteLength;
        if (!stream.push(step.value)) return; // read() calls again when the consumer wants more
      }
    } finally {
      pumping = false;
    }
  }

  function stop(error: Error): false {
    stream.destroy(error);
    return false;
  }

  /** Reopens the body from `offset`; false (and the stream destroyed) when that cannot help. */
  async function resume(reason: string): Promise<boolean> {
    if (hub.signal?.aborted) return stop(interrupted());
    if (state.fatal) return stop(fail(state.fatal));
    const waitMs = backoffMs(hub, resumes + 1);
    if (!mayRetry(hub, resumes, waitMs)) return stop(fail(`${reason} ${afterRetries(resumes)}`));
    resumes++;
    hub.onRetry?.({url: redact(url, hub.token), attempt: resumes, waitMs, reason: redact(reason, hub.token)});
    try {
      await sleep(waitMs, hub.signal);
    } catch (error) {
      return stop(error as Error);
    }
    if (stopped) return false;
    reader = blob.slice(offset).stream().getReader();
    return true;
  }

  return stream;
}
