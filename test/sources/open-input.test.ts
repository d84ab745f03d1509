import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {KpiError} from '../../src/errors.js';
import {normalizeHubOptions} from '../../src/hub/config.js';
import {countBytes, openSession} from '../../src/sources/open-input.js';
import type {InputRef} from '../../src/types.js';
import {drain, sessionBytes, TOKEN} from '../hub/setup.js';
import {startHubServer, type HubServer} from '../support/hub-server.js';
import {scratchDir, writeTree} from '../support/scratch-dir.js';

const SIZE = 100_000;
const BYTES = sessionBytes(1, SIZE);

/** Whether openSession gave the bytes whole, and whether they are BYTES (a deep equal of this size is slow). */
async function opened(ref: InputRef, limit: number): Promise<{whole: boolean; same: boolean}> {
  const got = await openSession(ref, limit);
  const bytes = got instanceof Uint8Array ? Buffer.from(got) : (await drain(got)).bytes;
  return {whole: got instanceof Uint8Array, same: bytes.equals(BYTES)};
}

describe('openSession', () => {
  describe('a local file', () => {
    const dir = writeTree(scratchDir('open-input'), {'sessions/2026-04-20/a.jsonl': BYTES});
    const ref: InputRef = {kind: 'local', dir, path: 'sessions/2026-04-20/a.jsonl'};

    it('is whole at the limit and streamed one byte past it, the same bytes either way', async () => {
      expect(await opened(ref, SIZE)).toEqual({whole: true, same: true});
      expect(await opened(ref, SIZE - 1)).toEqual({whole: false, same: true});
    });

    it('is streamed whatever its size with a limit of -1 (the exact parse reads it again)', async () => {
      expect((await opened(ref, -1)).whole).toBe(false);
    });

    it('that cannot be read rejects with KPI_INPUT_UNREADABLE naming its listed path', async () => {
      const error = await openSession({kind: 'local', dir, path: 'sessions/2026-04-20/gone.jsonl'}, SIZE).catch(e => e);
      expect(error).toBeInstanceOf(KpiError);
      expect(error).toMatchObject({code: 'KPI_INPUT_UNREADABLE', context: {file: 'sessions/2026-04-20/gone.jsonl'}, message: expect.stringContaining(join(dir, 'sessions', '2026-04-20', 'gone.jsonl'))});
    });
  });

  describe('bytes already read (stdin)', () => {
    it('gives the same bytes back at the limit, and a stream of them past it', async () => {
      const bytes = new Uint8Array(BYTES);
      expect(await openSession({kind: 'bytes', bytes}, SIZE)).toBe(bytes);
      expect(await opened({kind: 'bytes', bytes}, SIZE - 1)).toEqual({whole: false, same: true});
    });
  });

  describe('a Hub download', () => {
    const REPO = 'acme/sessions';
    const PATH = 'sessions/2026-04-20/a.jsonl';
    let server: HubServer;
    beforeAll(async () => void (server = await startHubServer({token: TOKEN, repos: {[REPO]: {files: new Map([[PATH, BYTES]])}}})));
    afterAll(() => server.close());
    const hub = (path = PATH): InputRef => ({kind: 'hub', repo: REPO, path, size: SIZE, hub: normalizeHubOptions({hubUrl: server.url, token: TOKEN, retries: 0})});

    it('is whole when it ends within the limit, else a stream of all of it, the bytes read first included', async () => {
      expect(await opened(hub(), SIZE)).toEqual({whole: true, same: true});
      expect(await opened(hub(), SIZE - 1)).toEqual({whole: false, same: true});
      expect(await opened(hub(), 0)).toEqual({whole: false, same: true});
    });

    it('that cannot be downloaded rejects with KPI_INPUT_UNREADABLE naming it', async () => {
      const missing = 'sessions/2026-04-20/missing.jsonl';
      await expect(openSession(hub(missing), SIZE)).rejects.toMatchObject({code: 'KPI_INPUT_UNREADABLE', context: {file: missing}});
    });
  });
});

describe('countBytes', () => {
  it('passes the bytes through and counts them', async () => {
    const chunks = [Buffer.from('abc'), Buffer.alloc(70_000, 1), Buffer.from('de')];
    const counted = countBytes(Readable.from(chunks));
    expect(counted.bytes()).toBe(0);
    expect((await drain(counted.stream)).bytes.equals(Buffer.concat(chunks))).toBe(true);
    expect(counted.bytes()).toBe(70_005);
  });
});
