import {stat} from 'node:fs/promises';
import {join} from 'node:path';
import {readSession} from './session.js';
import {openInput} from './sources/open-input.js';
import {hourPrefilter} from './transforms/hour-prefilter.js';
import type {InputRef} from './types.js';
import type {SessionReader} from './workers/pool.js';

/**
 * Local files up to this size are read whole to be prefiltered; larger ones go to the reader as
 * they are (it may stream them), unfiltered.
 */
const PREFILTER_UP_TO = 64 << 20;

/**
 * `read` (readSession by default) for hourly runs, without parsing the files that cannot reach a
 * requested hour (see hourPrefilter): such a file gives an empty result, read and contributing
 * nothing, as its parse would have. Not being parsed, a malformed row in it is not reported as
 * skipped, nor its coerced values as warnings: `--strict` runs read without the prefilter.
 */
export function prefiltered(read: SessionReader = readSession): SessionReader {
  return async (input, options) => {
    const mayReach = hourPrefilter(options.plan, options.allowed);
    if (!mayReach) return read(input, options);
    const limit = Math.min(PREFILTER_UP_TO, (options as {streamAbove?: number}).streamAbove ?? Infinity);
    const bytes = await wholeBytes(input.ref, limit);
    if (!bytes) return read(input, options);
    if (!mayReach(bytes)) return {seq: input.seq, name: input.name, bytes: bytes.byteLength, events: 0, contributions: [], warnings: []};
    return read({...input, ref: {kind: 'bytes', bytes}}, options);
  };
}

/** An input's bytes when they are in memory or a local file of at most `limit` bytes. */
async function wholeBytes(ref: InputRef, limit: number): Promise<Uint8Array | undefined> {
  if (ref.kind === 'bytes') return ref.bytes;
  if (ref.kind !== 'local') return undefined;
  const size = await stat(join(ref.dir, ...ref.path.split('/'))).then(s => s.size, () => -1);
  if (size < 0 || size > limit) return undefined; // a missing file: the reader reports it
  const opened = await openInput(ref);
  return opened instanceof Uint8Array ? opened : undefined;
}
