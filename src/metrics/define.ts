import type {PyDict, PyValue} from '../py/value.js';
import type {Instant} from '../time/iso.js';

/** Where a coerced value is reported; `exact` says whether numbers may be ints (JSON.parse). */
export interface EventContext {
  exact: boolean;
  warn(code: string, message: string): void;
}

/** What a session tells every stat once its events are done (see session-facts.ts). */
export interface SessionFacts {
  /** `session_start_time`, parsed; null when it does not parse. */
  start: Instant | null;
  /** User messages of the whole session (messages are not windowed). */
  turns: number;
  /** Canonical user identity (see `hashKey`), or null when the session has none. */
  user: string | null;
  /** `model_name or "unknown"`, as a dict key (see `dictKey`). */
  model: DictKey;
}

/** A Python dict key: `key` compares as Python's `==` does, `value` is the first one seen (it prints). */
export interface DictKey {
  key: string;
  value: PyValue;
}

/**
 * What a stat reads. `events` maps an event type to the `data` keys read from it (an empty list:
 * the event is only counted, its data is not looked at). `row` names the session row fields
 * (`messages`, `session_start_time`, ...). Parse keeps these whole and nothing else is promised.
 */
export interface Reads {
  events?: Readonly<Record<string, readonly string[]>>;
  row?: readonly (keyof typeof ROW_FIELDS)[];
}

/** The row fields a stat may read, and the `SessionFacts` entry each one feeds. */
export const ROW_FIELDS = {
  session_id: 'user',
  user_id: 'user',
  session_start_time: 'start',
  messages: 'turns',
  model_name: 'model',
} as const satisfies Record<string, keyof SessionFacts>;

/** How one event updates a stat's per-session state; returns the new state. */
export type EventStep<S> = (state: S, data: PyDict, time: Instant | null, ctx: EventContext) => S;

/**
 * A per-session quantity and its bucket total: state for one session's share of one bucket,
 * updated by the events it reads, closed with the session's facts, merged into the bucket in
 * canonical session order. Session states are plain data: they cross worker threads.
 */
export interface Stat<S = unknown, B = unknown> {
  /** Unique among stats; names the stat in tests and messages. */
  name: string;
  reads: Reads;
  init(): S;
  /** One step per event type it reads (the keys of `reads.events`). */
  on?: Readonly<Record<string, EventStep<S>>>;
  /** Once the session ended: what the row tells (turns, user, start time, model). */
  close?(state: S, facts: SessionFacts): S;
  initBucket(): B;
  merge(bucket: B, state: S): B;
}

export function defineStat<S, B>(stat: Stat<S, B>): Stat<S, B> {
  for (const type of Object.keys(stat.on ?? {})) {
    if (!stat.reads.events || !Object.hasOwn(stat.reads.events, type)) throw new Error(`stat ${stat.name}: reads no ${type} events but steps on them`);
  }
  return stat;
}

/** A bucket's totals, stat by stat. */
export interface BucketView {
  get<B>(stat: Stat<any, B>): B;
}

/** One KPI column: the stats it reads and how its CSV cell is computed from their bucket totals. */
export interface Kpi {
  /** CSV column name, as the reference writes it. */
  column: string;
  /** One sentence for --help and the README. */
  description: string;
  /** The stats the cell reads (what the column reads is theirs). */
  stats: readonly AnyStat[];
  /** The cell text, exactly as Python's `str()` prints the reference's value. */
  cell(bucket: BucketView): string;
}

export function defineKpi(kpi: Kpi): Kpi {
  return kpi;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStat = Stat<any, any>;
