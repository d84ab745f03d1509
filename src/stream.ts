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

/**
 * A stage as a plain function: `step` maps one record to the record to emit (or undefined), `flush`
 * may emit one last record at the end. In-memory sessions call it directly; `stageTransform` wraps
 * the same stage as a Transform for streamed input and library users (the stream-json way).
 */
export interface Stage<I, O> {
  step(record: I): O | undefined;
  flush?(): O | undefined;
}

/** A stage as an object-mode Transform. */
export function stageTransform<I, O>(stage: Stage<I, O>): Transform {
  return objectTransform<I, O>(record => stage.step(record), stage.flush && (() => stage.flush!()));
}

/** An object-mode Readable over records already in memory. */
export function fromArray<T>(records: readonly T[]): Readable {
  return Readable.from(records, {objectMode: true});
}
