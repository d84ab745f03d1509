/**
 * A session row read in bounded memory: the same `SessionPart`s as `sessionParts` (issue 4, the
 * "huge session" part), for files too large to decode whole. The reference needs about five times
 * a file's size for one row; this path needs about the largest single event plus a chunk.
 *
 * Three layers, each fed pieces of what the layer before it produced:
 * - bytes -> text: the first line only (up to the first `\r` or `\n`), strict UTF-8, and the
 *   bytes Python decodes past the line end (see `firstLine`) checked once they have arrived;
 * - the row (`RowTokenizer`): the outer object, validated as Python's json would, one member at a
 *   time. `events` and `messages` strings are unescaped piece by piece (`StringPieces`: each piece
 *   cut where no escape is split, then `JSON.parse`d as a string literal, at native speed) into an
 *   inner JSON text; other values are scanned to their end and parsed whole (small in practice).
 *   The `tools` string is only checked to be a valid string: nothing reads its decoded value;
 * - a JSON array, inner text or raw (`ArrayStream`): split into top-level elements by a light
 *   scanner that tracks strings and nesting (`ValueScan`), each element parsed on its own with
 *   `JSON.parse` (Python's parser when that cannot read it, or always when `exact`).
 *
 * Whatever the reference rejects in the end voids what was emitted: a `skip` for the row, a `reset`
 * when an events text turns out not to be a valid list (Python then uses `[]`) or `events` repeats.
 */

import {Readable} from 'node:stream';
import type {ParseNeeds, SessionPart} from '../session-events.js';
import {RowReader} from './row-reader.js';

export interface RowStreamOptions {
  /** Parse every value with the exact Python-compatible parser instead of JSON.parse. */
  exact: boolean;
  /** What to keep of the row: fields, event keys, a fold over the messages. */
  needs: ParseNeeds;
  /**
   * Bytes handed to the parser at once; smaller input chunks are joined first. Default 64 KiB:
   * as fast as larger pieces, and the strings made from them stay out of V8's large-object space,
   * which only a full GC frees.
   */
  chunkBytes?: number;
  /** An events batch is emitted once its elements' text reaches this many characters. Default 256 Ki. */
  batchChars?: number;
}

/**
 * A session file's bytes -> its `SessionPart`s, in bounded memory: events are emitted in batches
 * as they are parsed, the header (`end`) or `skip` last. Reads only as far as Python would: the
 * first line and the UTF-8 chunks it decodes after it; the rest of `bytes` is not consumed.
 */
export function streamSessionParts(bytes: Readable, options: RowStreamOptions): Readable {
  return Readable.from(rowParts(bytes, options), {objectMode: true, highWaterMark: 1});
}

async function* rowParts(bytes: AsyncIterable<Uint8Array | string>, options: RowStreamOptions): AsyncGenerator<SessionPart> {
  const chunkBytes = options.chunkBytes ?? 1 << 16;
  const reader = new RowReader(options.exact, options.needs, options.batchChars ?? 1 << 18);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of bytes) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes < chunkBytes) continue;
    // Large chunks are cut, so that a stdin row or a test's single buffer streams too.
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    for (let at = 0; at < joined.length && !reader.done; at += chunkBytes) {
      reader.push(joined.subarray(at, Math.min(joined.length, at + chunkBytes)));
      yield* reader.take();
    }
    if (reader.done) return;
  }
  if (pendingBytes > 0) reader.push(pending.length === 1 ? pending[0] : Buffer.concat(pending));
  if (!reader.done) reader.finish();
  yield* reader.take();
}
