import type {HubConnection} from './hub/config.js';
import type {Instant} from './time/iso.js';

/** One session file (or one stdin row) to read, in the canonical order of the run. */
export interface SessionInput {
  /** Position in canonical order (folder date, then path; input order for stdin). */
  seq: number;
  /** Repo-relative path (`sessions/2026-04-24/abc.jsonl`) or `stdin:<line>`; used in messages. */
  name: string;
  /** The day folder the file was listed under, or null for stdin rows (no folder rule). */
  folder: string | null;
  /** Where the bytes are; plain data, so a worker thread can open it too. */
  ref: InputRef;
}

/** Where a session's bytes come from. */
export type InputRef =
  | {kind: 'local'; dir: string; path: string}
  | {kind: 'bytes'; bytes: Uint8Array}
  /** `oid`: the blob id the listing gave, which names the bytes (the cache's key). */
  | {kind: 'hub'; repo: string; path: string; size?: number; oid?: string; hub: HubConnection};

/** One output CSV: an hour window, or a whole day folder (the daily backfill). */
export interface Bucket {
  /** The `bucket` column: `2026-04-24T14` or `2026-04-24`. */
  key: string;
  /** Path inside the target dataset: `hourly/2026-04-24/14.csv` or `daily/2026-04-24.csv`. */
  path: string;
  /** Window start (inclusive) and end (exclusive); absent for the unwindowed daily bucket. */
  start?: Instant;
  end?: Instant;
}

/** A finished output file, for a folder or a Hub commit: its path inside the target and its text. */
export interface OutputFile {
  path: string;
  content: string;
}

/**
 * One session's share of one bucket: the state of each stat of the run's schema, in the schema's
 * stat order (see metrics/schema.ts). Small, plain data: counters, a few maps, one value per
 * percentile; it crosses worker threads.
 */
export interface SessionContribution {
  bucket: number;
  states: unknown[];
}

/** A problem with one input that did not stop the run. */
export interface InputWarning {
  code: string;
  file: string;
  message: string;
}

/** Everything a session file gave, ready to fold in canonical order. */
export interface SessionResult {
  seq: number;
  name: string;
  bytes: number;
  events: number;
  /** The events counted in `events`, by bucket (what a cached result shows for the buckets a run selects). */
  eventsByBucket?: Map<number, number>;
  /** Why the reference would skip the whole file; contributions are then empty. */
  skipped?: string;
  /** Why the input could not be read at all (after retries): its buckets are incomplete. */
  failed?: string;
  /** The hour prefilter showed it cannot reach a requested hour: read, not parsed. */
  ruledOut?: boolean;
  /** Answered from the cache (`--cache-dir`) without being read again. */
  cached?: boolean;
  contributions: SessionContribution[];
  warnings: InputWarning[];
}
