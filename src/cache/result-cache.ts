import {createHash} from 'node:crypto';
import {mkdir, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {previousDay} from '../buckets.js';
import {decodeEntry, encodeEntry, ENTRY_FORMAT, type EntryKey} from './entry-file.js';

/** Which cached result: a file (by source, folder and path), how it was windowed, and its bytes' identity. */
export interface CacheSlot {
  /** `hub:OWNER/NAME` or `local:/abs/dir`. */
  source: string;
  /** The day folder the file was listed under. */
  folder: string;
  /** Repo-relative path. */
  path: string;
  /** How the result was computed: `daily`, or the hourly frame (`h` and its offset). */
  mode: string;
  /** What names the file's bytes: the Hub blob id, or a local file's inode, size and times. */
  identity: string;
}

export interface ResultCacheOptions {
  /** Folder for the entry files; none keeps entries in memory only (watch without --cache-dir). */
  dir?: string;
  /** Also keep entries in memory for later runs of this process (watch). */
  memory?: boolean;
  /** The KPI schema results are computed for: results of another schema are never used. */
  schema: string;
}

/** Reports a cache problem; the run goes on as if the entry were absent. */
export type CacheWarn = (code: string, file: string, message: string) => void;

/** Temp files of writes that never finished (a crash) are removed after this long. */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Per-file results, kept as one entry file each (`DIR/v1/<source>/<folder>/<path>.<mode>.<schema>.entry`)
 * so that runs sharing the folder never write the same file at once and a crash loses one entry at
 * most: each is written to a temp file and renamed into place. Values are opaque plain data; an
 * entry that cannot be trusted is reported and treated as absent (see entry-file.ts). Problems with
 * the folder itself (missing, not writable) are warnings too: a cache can only make a run faster.
 */
export class ResultCache {
  readonly schema: string;
  private readonly root: string | undefined;
  private readonly memory: Map<string, {identity: string; value: unknown}> | undefined;

  constructor(options: ResultCacheOptions) {
    this.schema = options.schema;
    this.root = options.dir === undefined ? undefined : join(options.dir, `v${ENTRY_FORMAT}`);
    this.memory = options.memory || options.dir === undefined ? new Map() : undefined;
  }

  /** The stored value for this slot, or undefined (absent, changed, or not to be trusted). */
  async get(slot: CacheSlot, warn: CacheWarn): Promise<unknown> {
    const where = this.where(slot);
    const kept = this.memory?.get(where.id);
    if (kept?.identity === slot.identity) return kept.value;
    if (!where.file) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(where.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') warn('cache_read_failed', where.file, `cache entry for ${slot.path} cannot be read (${(error as Error).message}); the file is read instead`);
      return undefined;
    }
    const decoded = decodeEntry(bytes, this.key(slot));
    if ('problem' in decoded) {
      if (!decoded.stale) warn('cache_entry_invalid', where.file, `cache entry for ${slot.path} is not used: ${decoded.problem}; rebuilt`);
      return undefined;
    }
    this.memory?.set(where.id, {identity: slot.identity, value: decoded.value});
    return decoded.value;
  }

  /** Stores a value for the slot; a failure to write is a warning (the run does not need the entry). */
  async put(slot: CacheSlot, value: unknown, warn: CacheWarn): Promise<void> {
    const where = this.where(slot);
    this.memory?.set(where.id, {identity: slot.identity, value});
    if (!where.file) return;
    const temp = `${where.file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(where.folder!, {recursive: true});
      await writeFile(temp, encodeEntry(this.key(slot), value), {flag: 'wx'});
      await rename(temp, where.file);
    } catch (error) {
      await rm(temp, {force: true}).catch(() => undefined);
      warn('cache_write_failed', where.file, `cache entry for ${slot.path} cannot be written (${(error as Error).message}); the next run reads the file again`);
    }
  }

  /**
   * Removes what no run needs any more: entries of files no longer listed in the folders a run
   * listed, and every folder older than the day before the oldest folder it listed (an hour of day
   * D reads D-1; the day before that is kept for the run that may still be finishing it), and the
   * folders of older entry formats, which no later version reads (newer ones are another version's).
   */
  async prune(source: string, listed: ReadonlyMap<string, readonly string[]>, warn: CacheWarn): Promise<void> {
    if (listed.size === 0) return;
    const oldest = [...listed.keys()].sort()[0]!;
    const keepFrom = previousDay(oldest);
    const sourceId = hashOf(source);
    const wanted = new Map([...listed].map(([folder, paths]) => [folder, new Set(paths.map(hashOf))]));
    if (this.memory) {
      for (const id of this.memory.keys()) {
        const [entrySource, folder, name] = id.split('/') as [string, string, string];
        if (entrySource === sourceId && !keeps(folder, name, keepFrom, wanted)) this.memory.delete(id);
      }
    }
    if (!this.root) return;
    await this.pruneOlderFormats(warn);
    const sourceDir = join(this.root, sourceId);
    try {
      for (const folder of await readdir(sourceDir).catch(() => [] as string[])) {
        const folderDir = join(sourceDir, folder);
        if (/^\d{4}-\d{2}-\d{2}$/.test(folder) && folder < keepFrom) {
          await rm(folderDir, {recursive: true, force: true});
          continue;
        }
        if (!wanted.has(folder)) continue;
        for (const name of await readdir(folderDir).catch(() => [] as string[])) {
          const file = join(folderDir, name);
          if (name.endsWith('.tmp')) {
            const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? Date.now());
            if (age > STALE_TEMP_MS) await rm(file, {force: true});
          } else if (!keeps(folder, name, keepFrom, wanted)) {
            await rm(file, {force: true});
          }
        }
      }
    } catch (error) {
      warn('cache_prune_failed', sourceDir, `cannot prune the cache (${(error as Error).message})`);
    }
  }

  private async pruneOlderFormats(warn: CacheWarn): Promise<void> {
    const top = dirname(this.root!);
    for (const name of await readdir(top).catch(() => [] as string[])) {
      const format = /^v(\d+)$/.exec(name);
      if (!format || Number(format[1]) >= ENTRY_FORMAT) continue;
      await rm(join(top, name), {recursive: true, force: true}).catch(error => warn('cache_prune_failed', join(top, name), `cannot remove entries of an older cache format (${(error as Error).message})`));
    }
  }

  /** The header an entry is written with and checked against. */
  private key(slot: CacheSlot): EntryKey {
    return {format: String(ENTRY_FORMAT), schema: this.schema, source: slot.source, folder: slot.folder, path: slot.path, mode: slot.mode, identity: slot.identity};
  }

  private where(slot: CacheSlot): {id: string; folder?: string; file?: string} {
    const name = `${hashOf(slot.path)}.${slot.mode}.${this.schema.replace(/[^\w-]/g, '_')}.entry`;
    const id = `${hashOf(slot.source)}/${slot.folder}/${name}`;
    if (!this.root) return {id};
    const folder = join(this.root, hashOf(slot.source), slot.folder);
    return {id, folder, file: join(folder, name)};
  }
}

/** Whether an entry (by its folder and file name) is still needed after a run that listed `wanted`. */
function keeps(folder: string, name: string, keepFrom: string, wanted: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (folder < keepFrom) return false;
  const paths = wanted.get(folder);
  return !paths || paths.has(name.slice(0, name.indexOf('.')));
}

/** A short, file-name-safe name for a path or a source. */
function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
