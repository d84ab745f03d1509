import {Readable} from 'node:stream';
import {openLocalFile} from './local-files.js';
import type {HubHooks} from '../hub/config.js';
import type {InputRef} from '../types.js';

/** What a Hub download reports to and stops on: the run's retry log and its interrupt. */
export type DownloadHooks = Pick<HubHooks, 'onRetry' | 'signal'>;

/**
 * An input's bytes whole when there are at most `limit` of them, else a stream of all of them: a
 * local file (sized by its length), bytes already read (stdin), or a Hub download (sized by
 * reading: a download may not say). A failure to read is KPI_INPUT_UNREADABLE naming the input:
 * its buckets are then incomplete.
 */
export async function openSession(ref: InputRef, limit: number, hooks: DownloadHooks = {}): Promise<Uint8Array | Readable> {
  switch (ref.kind) {
    case 'local':
      return openLocalFile(ref, limit);
    case 'bytes':
      return ref.bytes.byteLength > limit ? Readable.from([ref.bytes]) : ref.bytes;
    case 'hub': {
      const {openHubFile} = await import('./hub-files.js');
      return readUpTo(await openHubFile(ref.repo, ref.path, {...ref.hub, ...hooks}, ref.size), limit);
    }
  }
}

/** A download whole if it ends within `limit` bytes, else a stream of all of it, the bytes read so far first. */
async function readUpTo(download: Readable, limit: number): Promise<Uint8Array | Readable> {
  const head: Buffer[] = [];
  let length = 0;
  const chunks = download[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
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
