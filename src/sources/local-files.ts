import {closeSync, fstatSync, openSync, readSync} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {compareCodePoints} from '../py/json-dumps.js';
import {KpiError} from '../errors.js';

/** A session file found in a day folder, before it is read. */
export interface ListedFile {
  /** Repo-relative path with `/` separators: `sessions/2026-04-24/abc.jsonl`. */
  path: string;
  folder: string;
}

/**
 * Lists `DIR/sessions/<day>/**` for each day, as the reference filters its listing: every file
 * below the folder (subfolders too) whose name ends in `.jsonl`, sorted by path in code point
 * order, folders in the order given. `.git` folders are passed over; symlinked folders are not
 * followed (like os.walk).
 */
export async function listLocalFiles(dir: string, days: readonly string[]): Promise<ListedFile[]> {
  try {
    const top = await stat(dir);
    if (!top.isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new KpiError('KPI_OPTION_INVALID', `--source-dir ${dir} cannot be read (${(error as Error).message}); give a folder that holds sessions/YYYY-MM-DD/*.jsonl`);
  }
  const out: ListedFile[] = [];
  for (const day of days) {
    const found: string[] = [];
    await walk(join(dir, 'sessions', day), `sessions/${day}`, found);
    found.sort(compareCodePoints);
    for (const path of found) out.push({path, folder: day});
  }
  return out;
}

async function walk(absolute: string, relative: string, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(absolute, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no sessions that day
    throw new KpiError('KPI_INPUT_UNREADABLE', `cannot list ${absolute}: ${(error as Error).message}`);
  }
  for (const entry of entries) {
    const abs = join(absolute, entry.name);
    const rel = `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') await walk(abs, rel, found);
    } else if (entry.name.endsWith('.jsonl')) {
      if (entry.isSymbolicLink() && (await stat(abs).catch(() => undefined))?.isDirectory()) continue;
      found.push(rel);
    }
  }
}

/** A listed file of a local folder: the folder, and the repo-relative path that names it in messages. */
export interface LocalRef {
  dir: string;
  path: string;
}

/**
 * A local file read with blocking calls; errors are KPI_INPUT_UNREADABLE naming the file. Blocking
 * is the point: the thread that reads is the one that parses next, so it has nothing else to do
 * meanwhile, and each promise-based read costs a round trip through libuv's thread pool.
 */
export class LocalFile {
  private fd: number | undefined;
  readonly size: number;
  private readonly name: string;

  constructor(ref: LocalRef) {
    this.name = ref.path;
    this.fd = this.attempt(() => openSync(join(ref.dir, ...ref.path.split('/')), 'r'));
    this.size = this.attempt(() => fstatSync(this.fd!).size);
  }

  /** Fills `buffer` from byte `position`; the bytes read (0 at the end). */
  readAt(buffer: Buffer, position: number): number {
    let got = 0;
    for (;;) {
      const n = this.attempt(() => readSync(this.fd!, buffer, got, buffer.length - got, position + got));
      got += n;
      if (n === 0 || got === buffer.length) return got;
    }
  }

  /** The whole file in `buffer` (a view of it), up to the size it had when opened. */
  readAll(buffer: Buffer): Buffer {
    return buffer.subarray(0, this.readAt(buffer.subarray(0, this.size), 0));
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private attempt<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.close();
      throw new KpiError('KPI_INPUT_UNREADABLE', (error as Error).message, {file: this.name});
    }
  }
}

/** A local file's bytes whole when there are at most `limit` of them, else a stream of all of them. */
export async function openLocalFile(ref: LocalRef, limit: number): Promise<Uint8Array | Readable> {
  const file = new LocalFile(ref);
  try {
    if (file.size <= limit) return file.readAll(Buffer.allocUnsafeSlow(file.size));
  } finally {
    file.close();
  }
  // A streamed parse runs on microtasks alone, never giving the event loop a turn. Started from a
  // turn of its own, the streamed files of a thread are parsed one after the other instead of
  // interleaved, each holding its buffers meanwhile: the thread parses one at a time anyway.
  await new Promise(resolve => setImmediate(resolve));
  return localStream(ref);
}

/**
 * A local file in chunks of `LOCAL_CHUNK` bytes. It opens the file again at the first read, not
 * before: a stream dropped unread then holds no descriptor.
 */
function localStream(ref: LocalRef): Readable {
  return Readable.from(
    (function* () {
      const file = new LocalFile(ref);
      try {
        for (let position = 0; ; ) {
          // A fresh buffer each time: the parser may keep a chunk past the next read.
          const chunk = Buffer.allocUnsafeSlow(LOCAL_CHUNK);
          const got = file.readAt(chunk, position);
          if (got === 0) return;
          position += got;
          yield got < LOCAL_CHUNK ? chunk.subarray(0, got) : chunk;
        }
      } finally {
        file.close();
      }
    })(),
    {objectMode: false},
  );
}

/** Bytes a streamed local file is read by at once. */
export const LOCAL_CHUNK = 1 << 16;
