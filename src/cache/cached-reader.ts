import {stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {hourIndex, shift, type BucketPlan} from '../buckets.js';
import {readSession} from '../session/read.js';
import {instantFromUtcFields} from '../time/iso.js';
import type {InputRef, InputWarning, SessionContribution, SessionInput, SessionResult} from '../types.js';
import type {SessionReader} from '../session/read.js';
import type {CacheSlot, ResultCache} from './result-cache.js';

/** What the cache keeps of a file: its result for every hour it can reach, without seq or name. */
export interface StoredResult {
  bytes: number;
  events: number;
  eventsByBucket: Map<number, number>;
  skipped?: string;
  contributions: SessionContribution[];
  warnings: InputWarning[];
}

/** Files taken from the cache in one run (for the summary). */
export interface CacheStats {
  hits: number;
}

export interface CachedReaderOptions {
  cache: ResultCache;
  /** Reads a file the cache does not hold: readSession (default) or a pool's read. */
  read?: SessionReader;
  warn(warning: InputWarning): void;
}

/** Hours a file of day folder D can reach: those of D and of D+1 (an hour of D+1 reads folder D). */
const REACHABLE_HOURS = 48;

/**
 * A SessionReader in front of `read` that keeps each file's result in the cache. A file is read
 * once for every bucket it can reach under the folder rule, not only those the run asks for, so
 * the next hour's run (and any other run over the folder) finds it whole; the run then takes the
 * buckets it asked for. Such a read must see the whole file, so the hourly prefilter (which skips
 * files that reach no *requested* hour) is off with a cache: parsing a new file once, for all its
 * hours, is what makes the runs after it free. Stdin rows have no identity and are read as usual.
 */
export function cachedReader(options: CachedReaderOptions): {read: SessionReader; stats: CacheStats} {
  const {cache} = options;
  const read = options.read ?? readSession;
  const stats: CacheStats = {hits: 0};
  const warn = (code: string, file: string, message: string) => options.warn({code, file, message});
  return {
    stats,
    read: async (input, readOptions) => {
      const frame = input.folder === null ? undefined : reachableFrame(readOptions.plan, input.folder);
      const identity = frame && (await identityOf(input.ref));
      if (!frame || identity === undefined) return read(input, readOptions);
      const slot: CacheSlot = {source: sourceOf(input.ref), folder: input.folder!, path: input.name, mode: frame.mode, identity};
      const kept = await cache.get(slot, warn);
      if (kept !== undefined) {
        if (isStoredResult(kept)) {
          stats.hits++;
          return {...select(kept, input, frame.shift, readOptions.allowed, 0), cached: true};
        }
        warn('cache_entry_invalid', input.name, `cache entry for ${input.name} does not hold a session result; rebuilt`);
      }
      const whole = await read(input, {...readOptions, plan: frame.plan, allowed: frame.allowed});
      const stored: StoredResult = {
        bytes: whole.bytes,
        events: whole.events,
        eventsByBucket: whole.eventsByBucket ?? new Map(),
        ...(whole.skipped !== undefined && {skipped: whole.skipped}),
        contributions: whole.contributions,
        warnings: whole.warnings,
      };
      await cache.put(slot, stored, warn);
      return select(stored, input, frame.shift, readOptions.allowed, whole.bytes);
    },
  };
}

/**
 * The plan a file of `folder` is read with for the cache, every bucket it can reach allowed, and
 * `shift`, which turns that plan's bucket indices into the run's. Hourly: the 48 hours of the
 * folder's day and the next, in the run's offset (an entry serves every run in that offset).
 * Daily: the run's own plan (one bucket, the folder's day), keyed apart.
 */
export function reachableFrame(plan: BucketPlan, folder: string): {mode: string; plan: BucketPlan; allowed: Set<number>; shift: number} | undefined {
  if (plan.kind === 'daily') return {mode: 'daily', plan, allowed: new Set([0]), shift: 0};
  if (plan.kind !== 'hourly') return undefined;
  const [year, month, day] = folder.split('-').map(Number) as [number, number, number];
  const start = shift(instantFromUtcFields(year, month, day, 0, 0, 0, 0), -plan.offsetMicros);
  const indices = Array.from({length: REACHABLE_HOURS}, (_, i) => i);
  return {
    mode: `h${plan.offsetMicros}`,
    plan: {kind: 'hourly', base: start, offsetMicros: plan.offsetMicros, indices},
    allowed: new Set(indices),
    shift: hourIndex(start, plan.base),
  };
}

/** The run's share of a stored result: the allowed buckets only, renumbered for the run's plan. */
function select(stored: StoredResult, input: SessionInput, by: number, allowed: ReadonlySet<number> | null, bytes: number): SessionResult {
  const contributions: SessionContribution[] = [];
  for (const c of stored.contributions) {
    const bucket = c.bucket + by;
    if (!allowed || allowed.has(bucket)) contributions.push({...c, bucket});
  }
  let events = 0;
  for (const [bucket, count] of stored.eventsByBucket) if (!allowed || allowed.has(bucket + by)) events += count;
  return {
    seq: input.seq,
    name: input.name,
    bytes,
    events,
    ...(stored.skipped !== undefined && {skipped: stored.skipped}),
    contributions,
    // A file's warnings are shown by the runs it contributes to, not by every run over its folder.
    warnings: contributions.length ? stored.warnings : [],
  };
}

/** Where the bytes come from, as part of the key: the Hub's blob ids name bytes whatever the endpoint. */
export const hubSource = (repo: string) => `hub:${repo}`;
export const localSource = (dir: string) => `local:${resolve(dir)}`;

function sourceOf(ref: InputRef): string {
  return ref.kind === 'hub' ? hubSource(ref.repo) : ref.kind === 'local' ? localSource(ref.dir) : 'bytes';
}

/**
 * What names a file's bytes: the Hub's blob id, or a local file's device, inode, size and
 * modification and change times (the change time moves on every write, even when a tool sets the
 * modification time back). Undefined when there is none: the file is then read without the cache.
 */
async function identityOf(ref: InputRef): Promise<string | undefined> {
  if (ref.kind === 'hub') return ref.oid;
  if (ref.kind !== 'local') return undefined;
  const s = await stat(join(ref.dir, ...ref.path.split('/')), {bigint: true}).catch(() => undefined);
  return s && `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function isStoredResult(value: unknown): value is StoredResult {
  const v = value as Partial<StoredResult> | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.bytes === 'number' && typeof v.events === 'number' && v.eventsByBucket instanceof Map &&
    (v.skipped === undefined || typeof v.skipped === 'string') &&
    Array.isArray(v.contributions) && v.contributions.every(c => typeof c?.bucket === 'number') &&
    Array.isArray(v.warnings)
  );
}
