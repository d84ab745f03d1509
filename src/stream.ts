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
