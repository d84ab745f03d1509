import {readSession, STREAM_ABOVE, type SessionReader} from './read.js';
import {LocalFile} from '../sources/local-files.js';
import {ScratchBuffers} from '../sources/scratch.js';
import {hourPrefilter} from './may-reach.js';
import type {SessionInput, SessionResult} from '../types.js';

/**
 * `read` (readSession by default) for hourly runs, without parsing the files that cannot reach a
 * requested hour (see hourPrefilter): such a file gives an empty result, read and contributing
 * nothing, as its parse would have. Not being parsed, a malformed row in it is not reported as
 * skipped, nor its coerced values as warnings: `--strict` runs read without the prefilter.
 *
 * Local files are read with blocking calls into reused buffers: the thread has nothing else to do
 * meanwhile (a worker, or the main thread whose work is this parse), and the promise-based readFile
 * cost a measurable share of the run in 512 KiB round trips, fresh buffers and their page faults
 * (docs/performance.md). A file
 * the reader streams (larger than its `streamAbove`) is prefiltered piece by piece, and streamed
 * from disk again only when it may reach an hour.
 */
export function prefiltered(read: SessionReader = readSession): SessionReader {
  const scratch = new ScratchBuffers(KEEP_BUFFERS);
  return async (input, options) => {
    const mayReach = hourPrefilter(options.plan, options.allowed);
    if (!mayReach) return read(input, options);
    const {ref} = input;
    if (ref.kind === 'bytes') return mayReach(ref.bytes) ? read(input, options) : nothing(input, ref.bytes.byteLength);
    if (ref.kind !== 'local') return read(input, options);
    const streamAbove = options.streamAbove ?? STREAM_ABOVE;
    const file = new LocalFile(ref);
    let buffer: Buffer | undefined;
    try {
      if (file.size > streamAbove) {
        const may = anyPieceMayReach(file, (buffer = scratch.take(PIECE_BYTES)), mayReach);
        file.close();
        return may ? await read(input, options) : nothing(input, file.size);
      }
      buffer = scratch.take(file.size);
      const bytes = file.readAll(buffer);
      file.close();
      if (!mayReach(bytes)) return nothing(input, bytes.byteLength);
      return await read({...input, ref: {kind: 'bytes', bytes}}, options);
    } finally {
      file.close();
      // The read has finished with the bytes: its result holds none of them.
      if (buffer) scratch.give(buffer);
    }
  };
}

/** Buffers a thread keeps: as many as reads interleave in one thread, in practice. */
const KEEP_BUFFERS = 4;
/** Bytes a streamed file is prefiltered by at once. */
const PIECE_BYTES = 1 << 20;
/**
 * Bytes each piece repeats from the end of the one before: a timestamp string that starts in them
 * (and each escape hidesCandidates looks for) lies whole in the next piece.
 */
const OVERLAP = 256;

/**
 * hourPrefilter's answer for the whole file, from overlapping pieces: true as soon as a piece may
 * reach. Each piece but the last leaves the candidates that start in its last OVERLAP bytes to the
 * next piece, which starts OVERLAP bytes before its end: every candidate is judged in one piece
 * from its opening quote. A timestamp is far shorter than OVERLAP, so one cut by an edge (which
 * could only answer "maybe", a parse for nothing) is judged whole in the next piece; a candidate
 * still cut answers "yes", never a wrong "no".
 */
function anyPieceMayReach(file: LocalFile, buffer: Buffer, mayReach: (bytes: Uint8Array, candidatesBefore?: number) => boolean): boolean {
  for (let start = 0; ; start += buffer.length - OVERLAP) {
    const got = file.readAt(buffer, start);
    const last = got < buffer.length;
    if (got > 0 && mayReach(buffer.subarray(0, got), last ? got : got - OVERLAP)) return true;
    if (last) return false; // the end of the file
  }
}

function nothing(input: SessionInput, bytes: number): SessionResult {
  return {seq: input.seq, name: input.name, bytes, events: 0, ruledOut: true, contributions: [], warnings: []};
}
