import {KpiError, type KpiErrorCode} from '../errors.js';
import {redact, type HubOptions} from './config.js';

/** Retry-After beyond this is cut short; the retry budget still bounds the run. */
const MAX_RETRY_AFTER_MS = 300_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * A fetch for `@huggingface/hub`'s `fetch` option: it adds the bearer token to requests for the
 * Hub's own origin (so any token works, not only `hf_...` ones, and none leaks to other hosts),
 * follows `hub.signal`, and retries 408, 429 and 5xx answers and network errors up to
 * `hub.retries` times per request (the client retries nothing). After the last retry a failed
 * answer is returned as is, for the client to turn into its error. With `wholeBody`, the answer's
 * body is read inside the retries too (for small answers such as listing pages).
 */
export function hubFetch(hub: HubOptions, {wholeBody = false}: {wholeBody?: boolean} = {}): typeof fetch {
  const base = hub.fetch ?? fetch;
  const origin = new URL(hub.hubUrl).origin;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    if (new URL(url).origin === origin) headers.set('authorization', `Bearer ${hub.token}`);
    // A streamed request body cannot be sent twice.
    const replayable = !(init?.body instanceof ReadableStream);
    for (let attempt = 0; ; attempt++) {
      if (hub.signal?.aborted) throw interrupted();
      const signals = [init?.signal, hub.signal].filter((s): s is AbortSignal => s != null);
      let response: Response;
      try {
        response = await base(input, {...init, headers, signal: signals.length ? AbortSignal.any(signals) : undefined});
      } catch (error) {
        if (hub.signal?.aborted) throw interrupted();
        const waitMs = backoffMs(hub, attempt + 1);
        if (init?.signal?.aborted || !mayRetry(hub, attempt, waitMs) || !replayable) throw error;
        await pause(hub, {url, attempt: attempt + 1, waitMs, reason: networkReason(error)});
        continue;
      }
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      const waitMs = retryAfter ?? backoffMs(hub, attempt + 1);
      if (!isRetryable(response.status) || !mayRetry(hub, attempt, waitMs) || !replayable) {
        if (!wholeBody) return response;
        // Small answers (listing pages, and the 404 of a day without sessions) are read here,
        // so a body cut mid-way is asked again.
        try {
          const body = await response.arrayBuffer();
          return new Response(body, {status: response.status, statusText: response.statusText, headers: response.headers});
        } catch (error) {
          if (hub.signal?.aborted) throw interrupted();
          if (!mayRetry(hub, attempt, backoffMs(hub, attempt + 1))) throw error;
          await pause(hub, {url, attempt: attempt + 1, waitMs: backoffMs(hub, attempt + 1), reason: `body cut: ${networkReason(error)}`});
          continue;
        }
      }
      await response.body?.cancel().catch(() => undefined);
      await pause(hub, {url, attempt: attempt + 1, status: response.status, waitMs, reason: `HTTP ${response.status}`});
    }
  };
}

/**
 * Whether another try may follow try number `attempt` (0-based) after waiting `waitMs`: retries
 * left, and the wait ends before `hub.retryUntil` (--timeout), so a Hub that keeps answering 429
 * cannot stall a run past its bound.
 */
export function mayRetry(hub: HubOptions, attempt: number, waitMs: number): boolean {
  return attempt < hub.retries && (hub.retryUntil === undefined || Date.now() + waitMs <= hub.retryUntil);
}

async function pause(hub: HubOptions, info: {url: string; attempt: number; status?: number; waitMs: number; reason: string}): Promise<void> {
  hub.onRetry?.({...info, url: redact(info.url, hub.token), reason: redact(info.reason, hub.token)});
  await sleep(info.waitMs, hub.signal);
}

/** 408, 429 and every 5xx: the Hub's answers that a later try may not get. */
export function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with jitter: a random wait in [step/2, step], step = base * 2^(attempt-1). */
export function backoffMs(hub: HubOptions, attempt: number): number {
  const step = Math.min(MAX_BACKOFF_MS, hub.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (Math.random() * step) / 2);
}

/** `Retry-After` as seconds or an HTTP date, in ms (at most 5 minutes); undefined if absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Waits `ms`, or rejects with KPI_INTERRUPTED as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, {once: true});
  });
}

export function interrupted(): KpiError {
  return new KpiError('KPI_INTERRUPTED', 'interrupted: the Hub request was aborted');
}

/** What the common network error codes mean, for a person reading the log. */
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

/** A network error in words with its code (`connection reset (ECONNRESET)`), or its message. */
export function networkReason(error: unknown): string {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$|^UND_ERR/.test(code)) return NETWORK_WORDS[code] ? `${NETWORK_WORDS[code]} (${code})` : code;
    if (!e.cause) return e.message;
    e = e.cause;
  }
  return String(error);
}

/** `(after 3 retries)`, for messages. */
export function afterRetries(retries: number): string {
  return `(after ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
}

/** The HTTP status in a `@huggingface/hub` error, if it came from an answer. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as {statusCode?: unknown} | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Wraps a failed Hub operation in a KpiError whose message says what failed and why, with the
 * token redacted. KPI_INTERRUPTED and other KpiErrors pass through.
 */
export function hubError(code: KpiErrorCode, what: string, error: unknown, hub: HubOptions, context: Record<string, unknown> = {}): KpiError {
  if (error instanceof KpiError) return error;
  if (hub.signal?.aborted) return interrupted();
  const status = statusOf(error);
  const why = status !== undefined ? `HTTP ${status}: ${(error as Error).message}` : networkReason(error);
  const retried = status === undefined ? error instanceof TypeError : isRetryable(status);
  const tries = retried ? ` ${afterRetries(hub.retries)}` : '';
  // A refused token is configuration, not a passing failure: running again cannot help (exit 1).
  const refused = status === 401 || status === 403;
  return new KpiError(refused ? 'KPI_AUTH_REFUSED' : code, redact(`${what}: ${why}${tries}${hint(status, hub)}`, hub.token), {...context, ...(status !== undefined && {status})});
}

/** What a person can do about a failure: where the Hub was, or which token was refused. */
function hint(status: number | undefined, hub: HubOptions): string {
  if (status === 401 || status === 403) return '. Check the token (HF_KPI_WRITE_TOKEN, HF_TOKEN, ... or --token-file): it needs read access to the source and write access to the target';
  if (status === undefined) return `. Is the Hub at ${hub.hubUrl} reachable? Set --hub-url or HF_ENDPOINT if it lives elsewhere`;
  if (status >= 500 || status === 429) return '. The Hub is failing or busy: run the same hours again later';
  return '';
}

/**
 * The client's errors drop the answer's headers; this keeps the Hub's `X-Error-Code` of the last
 * failed answer (RepoNotFound, EntryNotFound, RevisionNotFound) to tell those 404s apart.
 */
export function keepErrorCode(inner: typeof fetch): {fetch: typeof fetch; errorCode(): string | null} {
  let code: string | null = null;
  return {
    fetch: async (input, init) => {
      const response = await inner(input, init);
      if (!response.ok) code = response.headers.get('x-error-code');
      return response;
    },
    errorCode: () => code,
  };
}
