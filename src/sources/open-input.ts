import {readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {KpiError} from '../errors.js';
import {LocalFile} from './local-file.js';
import type {HubHooks} from '../hub/config.js';
import type {InputRef} from '../types.js';

/** What a Hub download reports to and stops on: the run's retry log and its interrupt. */
export type DownloadHooks = Pick<HubHooks, 'onRetry' | 'signal'>;

/**
 * Opens an input's bytes: a local file, bytes already read (stdin), or a Hub download stream.
 * A failure to read is KPI_INPUT_UNREADABLE: the input's buckets are then incomplete.
 */
export async function openInput(ref: InputRef, hooks: DownloadHooks = {}): Promise<Readable | Uint8Array> {
  switch (ref.kind) {
    case 'bytes':
      return ref.bytes;
    case 'local':
      try {
        return await readFile(join(ref.dir, ...ref.path.split('/')));
      } catch (error) {
        throw new KpiError('KPI_INPUT_UNREADABLE', (error as Error).message, {file: ref.path});
      }
    case 'hub': {
      const {openHubFile} = await import('./hub-files.js');
      return openHubFile(ref.repo, ref.path, {...ref.hub, ...hooks}, ref.size);
    }
  }
}

/**
 * An input's bytes whole when there are at most `limit` of them, else a stream of all of them.
 * Streams are sized by reading (a Hub download may not say); a local file by its size.
 */
export async function openSession(ref: InputRef, limit: number, hooks?: DownloadHooks): Promise<Uint8Array | Readable> {
  if (ref.kind === 'local') {
    const path = join(ref.dir, ...ref.path.split('/'));
    const size = await stat(path).then(s => s.size, () => -1);
    if (size > limit) return localStream(path, ref.path);
  }
  const opened = await openInput(ref, hooks);
  if (opened instanceof Uint8Array) return opened.byteLength > limit ? Readable.from([opened]) : opened;
  const head: Buffer[] = [];
  let length = 0;
  const chunks = opened[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await chunks.next();
    if (next.done) return Buffer.concat(head, length);
    head.push(next.value);
    length += next.value.length;
    if (length > limit) break;
  }
  return Readable.from(
    (async function* () {
      try {
        while (head.length > 0) yield head.shift()!;
        for (;;) {
          const next = await chunks.next();
          if (next.done) return;
          yield next.value;
        }
      } finally {
        // The parser stops after the first line: end the download too.
        await chunks.return?.();
      }
    })(),
    {objectMode: false},
  );
}

/**
 * A local file in 64 KiB chunks; a read error is KPI_INPUT_UNREADABLE, as for a whole read. The
 * reads block: the thread that parses has nothing else to do meanwhile, and a blocking read skips
 * the round trip through libuv's thread pool that each chunk of an fs stream costs.
 */
function localStream(path: string, name: string): Readable {
  return Readable.from(
    (function* () {
      const file = new LocalFile(path, name);
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

const LOCAL_CHUNK = 1 << 16;

/** Counts the bytes the parser read (it stops after the first line). */
export function countBytes(source: Readable): {stream: Readable; bytes(): number} {
  let bytes = 0;
  const stream = Readable.from(
    (async function* () {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
    {objectMode: false},
  );
  return {stream, bytes: () => bytes};
}
