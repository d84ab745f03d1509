import {Readable, Transform} from 'node:stream';

/**
 * The only place that builds an object-mode Transform. `step` returns the record to emit, or
 * undefined to emit nothing; a thrown error fails the stream. `flush` may emit a last record.
 */
export function objectTransform<I, O>(
  step: (record: I) => O | undefined,
  flush?: () => O | undefined,
): Transform {
  return new Transform({
    objectMode: true,
    transform(record: I, _encoding, callback) {
      let out: O | undefined;
      try {
        out = step(record);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, out);
    },
    flush(callback) {
      let out: O | undefined;
      try {
        out = flush?.();
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, out);
    },
  });
}

/** An object-mode Readable over records already in memory. */
export function fromArray<T>(records: readonly T[]): Readable {
  return Readable.from(records, {objectMode: true});
}

/** Reads a byte stream whole. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return Buffer.concat(chunks);
}
