import type {PyValue} from './py/value.js';
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
  | {kind: 'hub'; repo: string; path: string; size?: number; hubUrl: string; token: string; retries: number; retryUntil?: number};

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

/** What one session contributes to one bucket. Small: counters and a few maps. */
/** Counts a bucket's totals sum as they are from each session's contribution. */
export interface EventCounts {
  llmCalls: number;
  toolTotal: number;
  toolSuccess: number;
  thumbsUp: number;
  thumbsDown: number;
  jobsSubmitted: number;
  jobsSucceeded: number;
  jobsBlocked: number;
  ctaClicks: number;
}

/** Token counts: Python ints, summed exactly (bigints past 2^53). */
export interface TokenCounts {
  tokensPrompt: number | bigint;
  tokensCompletion: number | bigint;
  tokensCacheRead: number | bigint;
  tokensCacheCreation: number | bigint;
}

export const EVENT_COUNTS = ['llmCalls', 'toolTotal', 'toolSuccess', 'thumbsUp', 'thumbsDown', 'jobsSubmitted', 'jobsSucceeded', 'jobsBlocked', 'ctaClicks'] as const satisfies ReadonlyArray<keyof EventCounts>;
export const TOKEN_COUNTS = ['tokensPrompt', 'tokensCompletion', 'tokensCacheRead', 'tokensCacheCreation'] as const satisfies ReadonlyArray<keyof TokenCounts>;

/** Every count at zero: the start of a contribution and of a bucket's totals. */
export function zeroCounts(): EventCounts & TokenCounts {
  return {
    llmCalls: 0, toolTotal: 0, toolSuccess: 0, thumbsUp: 0, thumbsDown: 0,
    jobsSubmitted: 0, jobsSucceeded: 0, jobsBlocked: 0, ctaClicks: 0,
    tokensPrompt: 0, tokensCompletion: 0, tokensCacheRead: 0, tokensCacheCreation: 0,
  };
}

/** One session's share of one bucket. */
export interface SessionContribution extends EventCounts, TokenCounts {
  bucket: number;
  /** Plain `+=` of each llm_call's cost, in event order. */
  cost: number;
  failed: boolean;
  regenerated: boolean;
  /** First tool_call/tool_output time in the bucket, as seconds since session start; null if none. */
  firstActionS: number | null;
  /** GPU hours by flavor key (see `flavorKey`), with the flavor value as first seen. */
  gpuHours: Map<string, {flavor: PyValue; hours: number}>;
  ctaBySource: Map<string, number>;
  /** Set once the session ends. */
  turns: number;
  /** Canonical user identity (see `userKey`), or null when the session has none. */
  user: string | null;
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
  /** Why the reference would skip the whole file; contributions are then empty. */
  skipped?: string;
  /** Why the input could not be read at all (after retries): its buckets are incomplete. */
  failed?: string;
  /** The hour prefilter showed it cannot reach a requested hour: read, not parsed. */
  ruledOut?: boolean;
  contributions: SessionContribution[];
  warnings: InputWarning[];
}
