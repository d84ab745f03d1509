import {existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ENTRY_FORMAT} from '../../src/cache/entry-file.js';
import {ResultCache, type CacheSlot} from '../../src/cache/result-cache.js';
import {scratchDir} from '../support/scratch-dir.js';

const scratch = scratchDir('result-cache');
let caches = 0;
const cacheDir = () => join(scratch, `cache-${caches++}`);

const slot = (extra: Partial<CacheSlot> = {}): CacheSlot => ({
  source: 'local:/data', folder: '2026-04-20', path: 'sessions/2026-04-20/a.jsonl', mode: 'h0', identity: 'ino-1', ...extra,
});
const VALUE = {bytes: 12, tokens: 2n ** 70n, byBucket: new Map([[3, 1]])};

/** A CacheWarn that keeps `code file` of each warning. */
function warnings() {
  const seen: string[] = [];
  return {seen, warn: (code: string, file: string) => void seen.push(`${code} ${file}`)};
}

/** Every entry file below `dir`, relative, sorted. */
const entryFiles = (dir: string) => (readdirSync(dir, {recursive: true}) as string[]).filter(f => f.endsWith('.entry')).sort();

describe('ResultCache', () => {
  describe('in memory (no folder)', () => {
    it('gives back what was put for the same slot, and nothing for another file, folder, source, mode or identity', async () => {
      const cache = new ResultCache({schema: 'v1'});
      const {seen, warn} = warnings();
      await cache.put(slot(), VALUE, warn);
      expect(await cache.get(slot(), warn)).toBe(VALUE);
      for (const other of [{path: 'sessions/2026-04-20/b.jsonl'}, {folder: '2026-04-21'}, {source: 'hub:acme/sessions'}, {mode: 'daily'}, {identity: 'ino-2'}]) {
        expect(await cache.get(slot(other), warn), JSON.stringify(other)).toBeUndefined();
      }
      expect(seen).toEqual([]);
    });
  });

  describe('in a folder', () => {
    it('keeps one entry file per slot in the folder of its day, which a later run reads', async () => {
      const dir = cacheDir();
      const {seen, warn} = warnings();
      await new ResultCache({dir, schema: 'v1'}).put(slot(), VALUE, warn);
      await new ResultCache({dir, schema: 'v1'}).put(slot({mode: 'daily'}), 'daily value', warn);
      const files = entryFiles(dir);
      expect(files).toHaveLength(2);
      for (const file of files) expect(file).toMatch(new RegExp(`^v${ENTRY_FORMAT}/[0-9a-f]+/2026-04-20/[0-9a-f]+\\.(h0|daily)\\.v1\\.entry$`));
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot(), warn)).toEqual(VALUE);
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot({mode: 'daily'}), warn)).toBe('daily value');
      expect(seen).toEqual([]);
    });

    it('keys entries by schema: another schema neither sees nor replaces them', async () => {
      const dir = cacheDir();
      const {seen, warn} = warnings();
      await new ResultCache({dir, schema: 'v1'}).put(slot(), 'v1 value', warn);
      expect(await new ResultCache({dir, schema: 'v2'}).get(slot(), warn)).toBeUndefined();
      await new ResultCache({dir, schema: 'v2'}).put(slot(), 'v2 value', warn);
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot(), warn)).toBe('v1 value');
      expect(entryFiles(dir)).toHaveLength(2);
      expect(seen).toEqual([]);
    });

    it('gives nothing, without a warning, for a file whose identity changed', async () => {
      const dir = cacheDir();
      const {seen, warn} = warnings();
      await new ResultCache({dir, schema: 'v1'}).put(slot(), VALUE, warn);
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot({identity: 'ino-2'}), warn)).toBeUndefined();
      expect(seen).toEqual([]);
    });

    it('warns about an entry it cannot trust or cannot read, naming the entry file, and gives nothing', async () => {
      const dir = cacheDir();
      const {seen, warn} = warnings();
      await new ResultCache({dir, schema: 'v1'}).put(slot(), VALUE, warn);
      const file = join(dir, entryFiles(dir)[0]!);
      writeFileSync(file, 'garbage');
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot(), warn)).toBeUndefined();
      rmSync(file);
      mkdirSync(file);
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot(), warn)).toBeUndefined();
      expect(seen).toEqual([`cache_entry_invalid ${file}`, `cache_read_failed ${file}`]);
    });

    it('warns, and goes on, when an entry cannot be written', async () => {
      const dir = cacheDir();
      writeFileSync(dir, 'a file where the folder should be');
      const {seen, warn} = warnings();
      const cache = new ResultCache({dir, schema: 'v1'});
      await cache.put(slot(), VALUE, warn);
      expect(seen).toEqual([expect.stringMatching(/^cache_write_failed .*\.h0\.v1\.entry$/)]);
      expect(await cache.get(slot(), warn)).toBeUndefined();
    });

    it('with `memory`, also keeps entries for later runs of the process, whatever happens to the files', async () => {
      const dir = cacheDir();
      const {warn} = warnings();
      const cache = new ResultCache({dir, schema: 'v1', memory: true});
      await cache.put(slot(), VALUE, warn);
      await new ResultCache({dir, schema: 'v1'}).put(slot({path: 'sessions/2026-04-20/b.jsonl'}), 'b', warn);
      // Read from disk once, then kept.
      expect(await cache.get(slot({path: 'sessions/2026-04-20/b.jsonl'}), warn)).toBe('b');
      rmSync(dir, {recursive: true});
      expect(await cache.get(slot(), warn)).toBe(VALUE);
      expect(await cache.get(slot({path: 'sessions/2026-04-20/b.jsonl'}), warn)).toBe('b');
      expect(await new ResultCache({dir, schema: 'v1'}).get(slot(), warn)).toBeUndefined();
    });
  });

  describe('prune', () => {
    const A = 'local:/a';
    const B = 'local:/b';
    const file = (folder: string, name: string) => `sessions/${folder}/${name}.jsonl`;
    /** Entries of A in four day folders and one of B in the oldest. */
    async function filled(options: {dir?: string; memory?: boolean}) {
      const cache = new ResultCache({schema: 'v1', ...options});
      const {warn} = warnings();
      const put = (source: string, folder: string, name: string) => cache.put(slot({source, folder, path: file(folder, name)}), name, warn);
      await put(A, '2026-04-18', 'x');
      await put(A, '2026-04-19', 'y');
      await put(A, '2026-04-20', 'a');
      await put(A, '2026-04-20', 'b');
      await put(A, '2026-04-21', 'c');
      await put(B, '2026-04-18', 'z');
      return cache;
    }
    /** Which of the entries `filled` made a cache still gives. */
    async function left(cache: ResultCache): Promise<string[]> {
      const {warn} = warnings();
      const all: Array<[string, string, string]> = [[A, '2026-04-18', 'x'], [A, '2026-04-19', 'y'], [A, '2026-04-20', 'a'], [A, '2026-04-20', 'b'], [A, '2026-04-21', 'c'], [B, '2026-04-18', 'z']];
      const kept: string[] = [];
      for (const [source, folder, name] of all) if ((await cache.get(slot({source, folder, path: file(folder, name)}), warn)) !== undefined) kept.push(name);
      return kept;
    }
    // The run listed folders 04-20 and 04-21, where b is gone: 04-19 is kept for the run before it.
    const listed = new Map([['2026-04-20', [file('2026-04-20', 'a')]], ['2026-04-21', [file('2026-04-21', 'c')]]]);

    it('removes the entries of files gone from the folders listed, and the folders before the day before the oldest', async () => {
      const dir = cacheDir();
      const {seen, warn} = warnings();
      await (await filled({dir})).prune(A, listed, warn);
      // The other source's entries are not this run's to judge.
      expect(await left(new ResultCache({dir, schema: 'v1'}))).toEqual(['y', 'a', 'c', 'z']);
      expect(seen).toEqual([]);
    });

    it('prunes the entries kept in memory the same way', async () => {
      const cache = await filled({});
      await cache.prune(A, listed, warnings().warn);
      expect(await left(cache)).toEqual(['y', 'a', 'c', 'z']);
    });

    it('removes the folders of older entry formats, and keeps newer ones and anything else in the folder', async () => {
      const dir = cacheDir();
      const cache = await filled({dir});
      const older = join(dir, `v${ENTRY_FORMAT - 1}`, 'some-source', '2026-04-20');
      const newer = join(dir, `v${ENTRY_FORMAT + 1}`);
      const other = join(dir, 'notes');
      for (const folder of [older, newer, other]) mkdirSync(folder, {recursive: true});
      writeFileSync(join(older, 'x.h0.v1.entry'), 'old');
      await cache.prune(A, listed, warnings().warn);
      expect(readdirSync(dir).sort()).toEqual(['notes', `v${ENTRY_FORMAT}`, `v${ENTRY_FORMAT + 1}`]);
      expect(await left(new ResultCache({dir, schema: 'v1'}))).toEqual(['y', 'a', 'c', 'z']);
    });

    it('removes nothing after a run that listed no folder', async () => {
      const dir = cacheDir();
      const cache = await filled({dir});
      await cache.prune(A, new Map(), warnings().warn);
      expect(await left(new ResultCache({dir, schema: 'v1'}))).toEqual(['x', 'y', 'a', 'b', 'c', 'z']);
    });

    it('removes the temp files of writes that never finished once they are old, not those still being written', async () => {
      const dir = cacheDir();
      const cache = await filled({dir});
      const folder = join(dir, entryFiles(dir).find(f => f.includes('/2026-04-20/'))!, '..');
      const old = join(folder, 'x.entry.123-abc.tmp');
      const fresh = join(folder, 'y.entry.124-def.tmp');
      writeFileSync(old, '');
      writeFileSync(fresh, '');
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(old, hourAgo, hourAgo);
      await cache.prune(A, listed, warnings().warn);
      expect([existsSync(old), existsSync(fresh)]).toEqual([false, true]);
    });
  });
});
