import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {findToken, hubConnection, normalizeHubOptions, redact, resolveHubUrl, resolveToken} from '../../src/hub/config.js';
import {backoffMs, hubFetch, retryAfterMs} from '../../src/hub/fetch.js';
import {startHubServer, type HubServer} from '../support/hub-server.js';
import {hubOptions, thrown, TOKEN} from './setup.js';

describe('resolveHubUrl', () => {
  it('takes --hub-url first, then HF_ENDPOINT, then the public Hub', () => {
    expect(resolveHubUrl('http://127.0.0.1:9', {HF_ENDPOINT: 'https://mirror.example'})).toBe('http://127.0.0.1:9');
    expect(resolveHubUrl(undefined, {HF_ENDPOINT: 'https://mirror.example'})).toBe('https://mirror.example');
    expect(resolveHubUrl(undefined, {HF_ENDPOINT: ''})).toBe('https://huggingface.co');
    expect(resolveHubUrl(undefined, {})).toBe('https://huggingface.co');
  });

  it('drops trailing slashes, which the client would double', () => {
    expect(resolveHubUrl('https://hub.example/prefix/', {})).toBe('https://hub.example/prefix');
  });

  it('raises KPI_OPTION_INVALID naming the source of a bad URL', async () => {
    const bad = await thrown(async () => resolveHubUrl('ftp://x', {}));
    expect(bad.code).toBe('KPI_OPTION_INVALID');
    expect(bad.message).toContain('--hub-url');
    expect((await thrown(async () => resolveHubUrl(undefined, {HF_ENDPOINT: 'not a url'}))).message).toContain('HF_ENDPOINT');
  });
});

describe('resolveToken', () => {
  const all = {HF_KPI_WRITE_TOKEN: 'hf_a', HF_SESSION_UPLOAD_TOKEN: 'hf_b', HF_TOKEN: 'hf_c', HF_ADMIN_TOKEN: 'hf_d'};

  it('takes the first variable set, in the reference order', async () => {
    expect(await resolveToken(all)).toBe('hf_a');
    expect(await resolveToken({...all, HF_KPI_WRITE_TOKEN: undefined})).toBe('hf_b');
    expect(await resolveToken({HF_TOKEN: 'hf_c', HF_ADMIN_TOKEN: 'hf_d'})).toBe('hf_c');
    expect(await resolveToken({HF_ADMIN_TOKEN: 'hf_d'})).toBe('hf_d');
  });

  it('after the four variables, the token `hf auth login` saved: HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kpi-login-'));
    await writeFile(join(dir, 'saved'), 'hf_saved\n');
    expect(await resolveToken({HF_TOKEN_PATH: join(dir, 'saved')})).toBe('hf_saved');
    expect(await resolveToken({HF_TOKEN: 'hf_c', HF_TOKEN_PATH: join(dir, 'saved')})).toBe('hf_c');
    await mkdir(join(dir, 'home', '.cache', 'huggingface'), {recursive: true});
    await writeFile(join(dir, 'home', '.cache', 'huggingface', 'token'), 'hf_login');
    expect(await resolveToken({HOME: join(dir, 'home')})).toBe('hf_login');
    await mkdir(join(dir, 'hfhome'));
    await writeFile(join(dir, 'hfhome', 'token'), 'hf_hfhome');
    expect(await resolveToken({HOME: join(dir, 'home'), HF_HOME: join(dir, 'hfhome')})).toBe('hf_hfhome');
    const missing = await thrown(() => resolveToken({HF_TOKEN_PATH: join(dir, 'nothing')}));
    expect(missing.code).toBe('KPI_CONFIG_MISSING');
    expect(missing.message).toContain(`log in with \`hf auth login\` (which saves it to ${join(dir, 'nothing')})`);
  });

  it('passes over empty variables, as the reference does', async () => {
    expect(await resolveToken({HF_KPI_WRITE_TOKEN: '', HF_TOKEN: 'hf_c'})).toBe('hf_c');
  });

  it('reads --token-file instead of the environment, trimming the line break', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kpi-token-'));
    await writeFile(join(dir, 'token'), 'hf_fromfile\n');
    expect(await resolveToken(all, join(dir, 'token'))).toBe('hf_fromfile');
    await writeFile(join(dir, 'empty'), '\n');
    expect((await thrown(() => resolveToken(all, join(dir, 'empty')))).code).toBe('KPI_CONFIG_MISSING');
    expect((await thrown(() => resolveToken(all, join(dir, 'missing')))).code).toBe('KPI_OPTION_INVALID');
  });

  it('raises KPI_CONFIG_MISSING naming the four variables when none is set', async () => {
    const error = await thrown(() => resolveToken({HF_TOKEN: ''}));
    expect(error.code).toBe('KPI_CONFIG_MISSING');
    for (const name of Object.keys(all)) expect(error.message).toContain(name);
  });

  it('says where the token came from (normalizeHubOptions names it when the token is unusable)', async () => {
    expect(await findToken({HF_TOKEN: ' hf_a ', HF_ADMIN_TOKEN: 'hf_b'})).toEqual({token: 'hf_a', from: 'HF_TOKEN'});
    expect(await findToken({HF_ADMIN_TOKEN: 'hf_b'})).toEqual({token: 'hf_b', from: 'HF_ADMIN_TOKEN'});
  });
});

describe('redact', () => {
  it('replaces every copy of the token', () => {
    expect(redact(`a ${TOKEN} b ${TOKEN}`, TOKEN)).toBe('a *** b ***');
    expect(redact('a%2Bb and a+b', 'a+b')).toBe('*** and ***');
    expect(redact('nothing', '')).toBe('nothing');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, capped at 5 minutes, never negative', () => {
    const now = Date.parse('2026-04-24T12:00:00Z');
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Fri, 24 Apr 2026 12:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Fri, 24 Apr 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('99999', now)).toBe(300_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('normalizeHubOptions', () => {
  const settings = {hubUrl: 'http://127.0.0.1:9', token: 'hf_x'};

  it('takes the first backoff step from the option, then KPI_RETRY_BASE_MS, then 500', () => {
    expect(normalizeHubOptions({...settings, retryBaseMs: 7}, {KPI_RETRY_BASE_MS: '2'}).retryBaseMs).toBe(7);
    expect(normalizeHubOptions(settings, {KPI_RETRY_BASE_MS: '2'}).retryBaseMs).toBe(2);
    expect(normalizeHubOptions(settings, {KPI_RETRY_BASE_MS: '0'}).retryBaseMs).toBe(0);
    expect(normalizeHubOptions(settings, {KPI_RETRY_BASE_MS: ''}).retryBaseMs).toBe(500);
    expect(normalizeHubOptions(settings, {}).retryBaseMs).toBe(500);
  });

  it('reads the environment once: the options do not change with it afterwards', () => {
    const env: NodeJS.ProcessEnv = {KPI_RETRY_BASE_MS: '3', HF_ENDPOINT: 'https://mirror.example/'};
    const hub = normalizeHubOptions({token: 'hf_x'}, env);
    env.KPI_RETRY_BASE_MS = 'fast';
    env.HF_ENDPOINT = 'nonsense';
    expect(hub).toMatchObject({retryBaseMs: 3, hubUrl: 'https://mirror.example', retries: 5});
  });

  it('returns a frozen object, hooks included', () => {
    const onRetry = () => undefined;
    const hub = normalizeHubOptions({...settings, onRetry}, {});
    expect(Object.isFrozen(hub)).toBe(true);
    expect(hub.onRetry).toBe(onRetry);
    expect(hubConnection(hub)).toEqual({hubUrl: settings.hubUrl, token: 'hf_x', retries: 5, retryBaseMs: 500});
  });

  it.each([
    [{retries: -1}, 'option `--retries` must be a whole number >= 0, got "-1"'],
    [{retries: 1.5}, 'option `--retries` must be a whole number >= 0, got "1.5"'],
    [{retryBaseMs: -2}, 'option `retryBaseMs` must be a number of ms >= 0, got "-2"'],
    [{hubUrl: 'ftp://hub'}, 'option `--hub-url` must be a plain http(s) URL'],
    [{retryUntil: Number.NaN}, 'option `retryUntil` must be epoch milliseconds'],
  ])('raises KPI_OPTION_INVALID for %o', (bad, message) => {
    expect(() => normalizeHubOptions({...settings, ...bad}, {})).toThrow(message);
    expect(() => normalizeHubOptions({...settings, ...bad}, {})).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID'}));
  });

  it('raises KPI_OPTION_INVALID naming KPI_RETRY_BASE_MS for a value that is not a number >= 0', () => {
    for (const bad of ['-1', 'fast', 'Infinity']) {
      expect(() => normalizeHubOptions(settings, {KPI_RETRY_BASE_MS: bad})).toThrow(expect.objectContaining({code: 'KPI_OPTION_INVALID', message: expect.stringContaining('KPI_RETRY_BASE_MS')}));
    }
  });

  it('refuses an empty token or one no HTTP header can carry, naming where it came from and never quoting it (KPI_CONFIG_MISSING)', () => {
    expect(() => normalizeHubOptions({...settings, token: ''}, {})).toThrow(expect.objectContaining({code: 'KPI_CONFIG_MISSING'}));
    for (const token of ['hf_a b', 'hf_ab\n', 'hf_\u00e9t\u00e9']) {
      let error: Error | undefined;
      try {
        normalizeHubOptions({...settings, token, tokenFrom: 'HF_TOKEN'}, {});
      } catch (caught) {
        error = caught as Error;
      }
      expect(error).toMatchObject({code: 'KPI_CONFIG_MISSING', message: expect.stringContaining('from HF_TOKEN has characters that cannot go in an HTTP header')});
      expect(error!.message).not.toContain(token);
    }
  });
});

describe('backoffMs', () => {
  it('doubles per attempt with jitter in [step/2, step]', () => {
    const hub = normalizeHubOptions({hubUrl: 'http://x', token: 't', retries: 5, retryBaseMs: 100});
    for (let i = 0; i < 50; i++) {
      const first = backoffMs(hub, 1);
      const third = backoffMs(hub, 3);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(first).toBeLessThanOrEqual(100);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
    }
  });
});

describe('hubFetch', () => {
  let hub: HubServer;
  let other: HubServer;
  afterEach(async () => {
    await hub?.close();
    await other?.close();
  });

  it('sends the token to the Hub origin only', async () => {
    hub = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map()}}});
    other = await startHubServer({token: 'x'});
    const fetch = hubFetch(hubOptions(hub));
    expect((await fetch(`${hub.url}/api/datasets/a/b`)).status).toBe(200);
    await fetch(`${other.url}/api/datasets/a/b`);
    expect(hub.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests[0].headers.authorization).toBeUndefined();
  });

  it('retries `retries` times, then hands back the last failed answer', async () => {
    hub = await startHubServer({token: TOKEN, repos: {'a/b': {files: new Map()}}});
    hub.inject({match: 'repoInfo', status: 502, times: Infinity});
    const options = hubOptions(hub, {retries: 4});
    const response = await hubFetch(options)(`${hub.url}/api/datasets/a/b`);
    expect(response.status).toBe(502);
    expect(hub.counts.repoInfo).toBe(5);
    expect(options.retried.map(r => r.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('does not retry answers a retry cannot change (4xx other than 408 and 429)', async () => {
    hub = await startHubServer({token: TOKEN});
    const response = await hubFetch(hubOptions(hub))(`${hub.url}/api/datasets/a/missing`);
    expect(response.status).toBe(404);
    expect(hub.counts.repoInfo).toBe(1);
  });

  it('retries a refused connection, then throws the network error', async () => {
    hub = await startHubServer({token: TOKEN});
    const url = hub.url;
    await hub.close();
    const options = {...hubOptions(hub, {retries: 2}), hubUrl: url};
    const error = await thrown(() => hubFetch(options)(`${url}/api/datasets/a/b`));
    expect(error).toBeInstanceOf(TypeError);
    expect(options.retried.map(r => r.reason)).toEqual(['connection refused (ECONNREFUSED)', 'connection refused (ECONNREFUSED)']);
  });
});
