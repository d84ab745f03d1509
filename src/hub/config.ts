import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {KpiError} from '../errors.js';
import {optionError, wholeNumber} from '../options.js';
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

/** Retries per Hub request unless given (`--retries`). */
export const DEFAULT_RETRIES = 5;

/** A type-level mark (nothing at run time): only {@link normalizeHubOptions} makes a HubConnection. */
declare const checked: unique symbol;

/**
 * How a run reaches the Hub, checked once by {@link normalizeHubOptions} and frozen; no Hub
 * operation checks it again. Plain data: it travels in a Hub input's ref to a worker thread.
 */
export interface HubConnection {
  /** Endpoint without a trailing slash. */
  readonly hubUrl: string;
  /** Sent as a bearer token to `hubUrl` only; see {@link redact}. */
  readonly token: string;
  /** Retries per request (and per download for cut bodies); 0 means one try. */
  readonly retries: number;
  /** First backoff step in ms, doubled per retry, with jitter. */
  readonly retryBaseMs: number;
  /** Epoch ms after which no retry is begun (`--timeout`); no bound when absent. */
  readonly retryUntil?: number;
  readonly [checked]: true;
}

/** What Hub operations call back and stop on: this thread's, never sent to a worker. */
export interface HubHooks {
  /** The fetch under the retries; tests pass their own. Default: global fetch. */
  fetch?: typeof fetch;
  /** Aborts requests and waits promptly; the operation then fails with KPI_INTERRUPTED. */
  signal?: AbortSignal;
  /** Told before each retry's wait. */
  onRetry?(info: RetryInfo): void;
  /** Where listing problems go (unsafe paths); without it they throw KPI_INPUT_INVALID. */
  warn?(warning: InputWarning): void;
}

/** How every Hub call of a run talks to the Hub: the checked connection and the hooks. */
export type HubOptions = HubConnection & HubHooks;

/** What a caller gives {@link normalizeHubOptions}: the token, and what it changes of the defaults. */
export interface HubSettings extends HubHooks {
  token: string;
  /** Where the token came from (`HF_TOKEN`, a file), named when it is unusable. */
  tokenFrom?: string;
  /** Default: `HF_ENDPOINT`, else the public Hub (see {@link resolveHubUrl}). */
  hubUrl?: string;
  /** Default {@link DEFAULT_RETRIES}. */
  retries?: number;
  /** Default: `KPI_RETRY_BASE_MS`, else {@link DEFAULT_RETRY_BASE_MS}. */
  retryBaseMs?: number;
  retryUntil?: number;
}

/**
 * The Hub options every operation of a run shares, checked and frozen: the one place they are
 * validated (KPI_OPTION_INVALID, KPI_CONFIG_MISSING for the token) and the environment is read.
 */
export function normalizeHubOptions(settings: HubSettings, env: NodeJS.ProcessEnv = process.env): HubOptions {
  const {token, tokenFrom, hubUrl, retries, retryBaseMs, retryUntil, ...hooks} = settings;
  const from = tokenFrom ? ` from ${tokenFrom}` : '';
  if (!token) throw new KpiError('KPI_CONFIG_MISSING', `the Hub token${from} is empty`);
  // A header-unsafe token makes fetch throw a message that quotes the header, token included.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new KpiError('KPI_CONFIG_MISSING', `the Hub token${from} has characters that cannot go in an HTTP header (spaces, line breaks or non-ASCII)`);
  }
  if (retryUntil !== undefined && !Number.isFinite(retryUntil)) throw optionError('retryUntil', 'epoch milliseconds', retryUntil);
  const connection = {
    hubUrl: resolveHubUrl(hubUrl, env),
    token,
    retries: wholeNumber('--retries', retries ?? DEFAULT_RETRIES, 0),
    retryBaseMs: retryBaseMs === undefined ? retryBaseFromEnv(env) : checkedRetryBase('retryBaseMs', retryBaseMs),
    ...(retryUntil !== undefined && {retryUntil}),
  };
  return Object.freeze({...hooks, ...connection}) as HubOptions;
}

/** {@link normalizeHubOptions}, with the token found as {@link resolveToken} finds it (`tokenFile`, the variables, the login's file). */
export async function hubOptionsWithToken(settings: Omit<HubSettings, 'token' | 'tokenFrom'> & {tokenFile?: string}, env: NodeJS.ProcessEnv = process.env): Promise<HubOptions> {
  const {tokenFile, ...rest} = settings;
  const {token, from} = await findToken(env, tokenFile);
  return normalizeHubOptions({...rest, token, tokenFrom: from}, env);
}

/** The connection alone, for a ref that crosses to a worker thread (hooks do not). */
export function hubConnection({hubUrl, token, retries, retryBaseMs, retryUntil}: HubConnection): HubConnection {
  return Object.freeze({hubUrl, token, retries, retryBaseMs, ...(retryUntil !== undefined && {retryUntil})}) as HubConnection;
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
  return (await findToken(env, tokenFile)).token;
}

/** {@link resolveToken}, with where the token came from (for normalizeHubOptions' messages). */
export async function findToken(env: NodeJS.ProcessEnv, tokenFile?: string): Promise<{token: string; from: string}> {
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
  return {token, from};
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

/** `KPI_RETRY_BASE_MS` when set (tests make retries fast with it), else the default. */
function retryBaseFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env[RETRY_BASE_VARIABLE]?.trim();
  return text ? checkedRetryBase(RETRY_BASE_VARIABLE, text) : DEFAULT_RETRY_BASE_MS;
}

function checkedRetryBase(name: string, value: number | string): number {
  const ms = Number(value);
  if (!(ms >= 0) || !Number.isFinite(ms)) throw optionError(name, 'a number of ms >= 0', value);
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

/** `OWNER/NAME` as the client's dataset designation; anything else is KPI_OPTION_INVALID. */
export function datasetRepo(name: string, option: string): {type: 'dataset'; name: string} {
  if (!/^[\w.-]+\/[\w.-]+$/.test(name) || name.split('/').some(part => part === '.' || part === '..')) {
    throw new KpiError('KPI_OPTION_INVALID', `option \`${option}\` must be a dataset id OWNER/NAME, got ${JSON.stringify(name)}`);
  }
  return {type: 'dataset', name};
}
