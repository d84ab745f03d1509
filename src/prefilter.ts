import {closeSync, fstatSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {KpiError} from './errors.js';
import {readSession, STREAM_ABOVE} from './session.js';
import {hourPrefilter} from './transforms/hour-prefilter.js';
import type {InputRef} from './types.js';
import type {SessionReader} from './workers/pool.js';

/**
 * `read` (readSession by default) for hourly runs, without parsing the files that cannot reach a
 * requested hour (see hourPrefilter): such a file gives an empty result, read and contributing
 * nothing, as its parse would have. Not being parsed, a malformed row in it is not reported as
 * skipped, nor its coerced values as warnings: `--strict` runs read without the prefilter.
 */
/**
 * Local files up to this size are read whole to be prefiltered (one at a time per thread, and
 * dropped before a large one is parsed); larger ones go to the reader unfiltered.
 */
const PREFILTER_UP_TO = 64 << 20;

export function prefiltered(read: SessionReader = readSession): SessionReader {
  return async (input, options) => {
    const mayReach = hourPrefilter(options.plan, options.allowed);
    if (!mayReach) return read(input, options);
    const bytes = wholeBytes(input.ref, PREFILTER_UP_TO);
    if (!bytes) return read(input, options);
    if (!mayReach(bytes)) return {seq: input.seq, name: input.name, bytes: bytes.byteLength, events: 0, contributions: [], warnings: []};
    // A file the reader streams is streamed from its source, not from this copy, which can go.
    if (bytes.byteLength > (options.streamAbove ?? STREAM_ABOVE)) return read(input, options);
    return read({...input, ref: {kind: 'bytes', bytes}}, options);
  };
}

/**
 * An input's bytes when they are in memory or a local file of at most `limit` bytes. The file is
 * read with one blocking call: the thread has nothing else to do meanwhile (a worker, or the main
 * thread whose work is this parse), and the promise-based readFile costs about a tenth of the run
 * in 512 KiB round trips and buffer churn.
 */
function wholeBytes(ref: InputRef, limit: number): Uint8Array | undefined {
  if (ref.kind === 'bytes') return ref.bytes;
  if (ref.kind !== 'local') return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(join(ref.dir, ...ref.path.split('/')), 'r');
    if (fstatSync(fd).size > limit) return undefined;
    return readFileSync(fd);
  } catch (error) {
    throw new KpiError('KPI_INPUT_UNREADABLE', (error as Error).message, {file: ref.path});
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
