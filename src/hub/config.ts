import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {KpiError} from '../errors.js';
import type {InputWarning} from '../types.js';

/** The public Hub, used when neither `--hub-url` nor `HF_ENDPOINT` is set. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** First backoff step in ms when neither HubOptions.retryBaseMs nor KPI_RETRY_BASE_MS is set. */
export const DEFAULT_RETRY_BASE_MS = 500;

/** Overrides the first backoff step (ms) of every Hub request; tests set ~1 to keep retries fast. */
export const RETRY_BASE_VARIABLE = 'KPI_RETRY_BASE_MS';

/** The environment variables that may hold the token, in the reference's order. */
export const TOKEN_VARIABLES = ['HF_KPI_WRITE_TOKEN', 'HF_SESSION_UPLOAD_TOKEN', 'HF_TOKEN', 'HF_ADMIN_TOKEN'] as const;

/** What a retry is about to do; never holds the token. */
export interface RetryInfo {
  url: string;
  /** 1 for the first retry. */
  attempt: number;
  /** The HTTP status that caused the retry; absent for resets and cut bodies. */
  status?: number;
  waitMs: number;
  /** Why, in a few words: `HTTP 503`, `ECONNRESET`, `body cut at 120 of 4096 bytes`. */
  reason?: string;
}

/** How every Hub call of a run talks to the Hub. */
export interface HubOptions {
  /** Endpoint without a trailing slash, from {@link resolveHubUrl}. */
  hubUrl: string;
  /** Sent as a bearer token to `hubUrl` only; see {@link redact}. */
  token: string;
  /** Retries per request (and per download for cut bodies); 0 means one try. */
  retries: number;
  /** Epoch ms after which no retry is begun (`--timeout`); no bound when absent. */
  retryUntil?: number;
  /** The fetch under the retries; tests pass their own. Default: global fetch. */
  fetch?: typeof fetch;
  /** Aborts requests and waits promptly; the operation then fails with KPI_INTERRUPTED. */
  signal?: AbortSignal;
  /** Told before each retry's wait. */
  onRetry?(info: RetryInfo): void;
  /** First backoff step in ms, doubled per retry, with jitter. Default: `KPI_RETRY_BASE_MS`, else 500. */
  retryBaseMs?: number;
  /** Where listing problems go (unsafe paths); without it they throw KPI_INPUT_INVALID. */
  warn?(warning: InputWarning): void;
}

/** `--hub-url`, else `HF_ENDPOINT`, else the public Hub; without a trailing slash. */
export function resolveHubUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const [raw, from] = flag !== undefined ? [flag, 'option `--hub-url`'] : env.HF_ENDPOINT ? [env.HF_ENDPOINT, 'HF_ENDPOINT'] : [DEFAULT_HUB_URL, 'the default Hub URL'];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KpiError('KPI_OPTION_INVALID', `${from} must be an http(s) URL such as ${DEFAULT_HUB_URL}, got ${JSON.stringify(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new KpiError('KPI_OPTION_INVALID', `${from} must be a plain http(s) URL such as ${DEFAULT_HUB_URL}, got ${JSON.stringify(raw)}`);
  }
  // The client appends `/api/...` to it as a string, so a trailing slash would double.
  return url.href.replace(/\/+$/, '');
}

/**
 * The token from `--token-file` when given, else the first non-empty variable of
 * {@link TOKEN_VARIABLES} (an empty variable counts as unset, as in the reference), else the
 * file `hf auth login` saved ({@link hubTokenPath}).
 */
export async function resolveToken(env: NodeJS.ProcessEnv, tokenFile?: string): Promise<string> {
  let token: string;
  let from: string;
  if (tokenFile !== undefined) {
    try {
      token = (await readFile(tokenFile, 'utf8')).trim();
    } catch (error) {
      throw new KpiError('KPI_OPTION_INVALID', `option \`--token-file\` cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'} for ${tokenFile}`);
    }
    from = `--token-file ${tokenFile}`;
    if (!token) throw new KpiError('KPI_CONFIG_MISSING', `no Hub token: ${tokenFile} (--token-file) is empty`);
  } else {
    const name = TOKEN_VARIABLES.find(n => env[n]?.trim());
    const saved = name === undefined ? await savedToken(env) : undefined;
    if (name !== undefined) {
      token = env[name]!.trim();
      from = name;
    } else if (saved) {
      ({token, path: from} = saved);
    } else {
      const login = hubTokenPath(env);
      throw new KpiError(
        'KPI_CONFIG_MISSING',
        `no Hub token found: set one of ${TOKEN_VARIABLES.join(', ')} (the first one set is used), pass --token-file, or log in with \`hf auth login\`${login ? ` (which saves it to ${login})` : ''}`,
      );
    }
  }
  // A header-unsafe token makes fetch throw a message that quotes the header, token included.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new KpiError('KPI_CONFIG_MISSING', `the Hub token from ${from} has characters that cannot go in an HTTP header (spaces, line breaks or non-ASCII)`);
  }
  return token;
}

/**
 * Where `hf auth login` saves the token, as the Hub's Python client looks for it: `HF_TOKEN_PATH`,
 * else `$HF_HOME/token`, HF_HOME defaulting to `$XDG_CACHE_HOME/huggingface` or
 * `~/.cache/huggingface`. From the given environment only (no HOME there: no path).
 */
export function hubTokenPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HF_TOKEN_PATH) return env.HF_TOKEN_PATH;
  const cache = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  const home = env.HF_HOME || (cache ? join(cache, 'huggingface') : undefined);
  return home ? join(home, 'token') : undefined;
}

/** The token `hf auth login` saved, when the file exists and is not empty. */
async function savedToken(env: NodeJS.ProcessEnv): Promise<{token: string; path: string} | undefined> {
  const path = hubTokenPath(env);
  if (!path) return undefined;
  const token = (await readFile(path, 'utf8').catch(() => '')).trim();
  return token ? {token, path} : undefined;
}

/**
 * The first backoff step: `hub.retryBaseMs`, else `KPI_RETRY_BASE_MS`, else 500. The variable is
 * read here rather than by the CLI because downloads also run in worker threads, whose inputs
 * carry only the hub URL, token and retries (the environment reaches them as it is).
 */
export function retryBaseMs(hub: Pick<HubOptions, 'retryBaseMs'>, env: NodeJS.ProcessEnv = process.env): number {
  if (hub.retryBaseMs !== undefined) return hub.retryBaseMs;
  const text = env[RETRY_BASE_VARIABLE]?.trim();
  if (!text) return DEFAULT_RETRY_BASE_MS;
  const ms = Number(text);
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new KpiError('KPI_OPTION_INVALID', `${RETRY_BASE_VARIABLE} must be a number of ms >= 0, got ${JSON.stringify(env[RETRY_BASE_VARIABLE])}`);
  }
  return ms;
}

/** Replaces every copy of the token (also URL-encoded) with `***`. */
export function redact(text: string, token: string): string {
  if (!token) return text;
  let out = text.split(token).join('***');
  const encoded = encodeURIComponent(token);
  if (encoded !== token) out = out.split(encoded).join('***');
  return out;
}

/** Checks the options once, at the top of each Hub operation. */
export function checkHubOptions(hub: HubOptions): void {
  if (!hub.token) throw new KpiError('KPI_CONFIG_MISSING', 'no Hub token given');
  if (!Number.isInteger(hub.retries) || hub.retries < 0) {
    throw new KpiError('KPI_OPTION_INVALID', `option \`--retries\` must be an integer >= 0, got ${JSON.stringify(hub.retries)}`);
  }
  if (hub.retryBaseMs !== undefined && !(hub.retryBaseMs >= 0)) {
    throw new KpiError('KPI_OPTION_INVALID', `retryBaseMs must be a number >= 0, got ${JSON.stringify(hub.retryBaseMs)}`);
  }
  retryBaseMs(hub); // a bad KPI_RETRY_BASE_MS fails before any request
  if (/\/$/.test(hub.hubUrl) || !/^https?:\/\//.test(hub.hubUrl)) {
    throw new KpiError('KPI_OPTION_INVALID', `hubUrl must be an http(s) URL without a trailing slash (see resolveHubUrl), got ${JSON.stringify(hub.hubUrl)}`);
  }
}

/** `OWNER/NAME` as the client's dataset designation; anything else is KPI_OPTION_INVALID. */
export function datasetRepo(name: string, option: string): {type: 'dataset'; name: string} {
  if (!/^[\w.-]+\/[\w.-]+$/.test(name) || name.split('/').some(part => part === '.' || part === '..')) {
    throw new KpiError('KPI_OPTION_INVALID', `option \`${option}\` must be a dataset id OWNER/NAME, got ${JSON.stringify(name)}`);
  }
  return {type: 'dataset', name};
}
