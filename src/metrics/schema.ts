import {PyCrash, type PyDict} from '../py/value.js';
import type {Instant} from '../time/iso.js';
import type {ParseNeeds} from '../parse/session-events.js';
import {schemaColumns, type SchemaName} from './catalog.js';
import {eventData} from './coerce.js';
import {ROW_FIELDS, type AnyStat, type Stat, type BucketView, type EventContext, type EventStep, type Kpi, type SessionFacts} from './define.js';
import {TURNS, type FactNeeds} from './session-facts.js';

/** Keys every run reads from an event: time-window reads the timestamp, the dispatch the type and data. */
const EVENT_KEYS_ALWAYS = ['timestamp', 'event_type', 'data'];

/** The steps one event type runs: stat index and step, built once per schema. */
interface Dispatch {
  readsData: boolean;
  steps: Array<{index: number; step: EventStep<unknown>}>;
}

/**
 * A schema ready to run: its columns, the stats they read (each once, in first-use order), the
 * event dispatch table, and what parse must keep. Built once per schema and thread (`compiled`).
 */
export interface CompiledSchema {
  name: SchemaName;
  columns: readonly Kpi[];
  stats: readonly AnyStat[];
  /** `bucket`, then the columns. */
  header: readonly string[];
  parse: ParseNeeds;
  facts: FactNeeds;
  /** Event type -> what it updates; types no stat reads are absent. */
  dispatch: ReadonlyMap<string, Dispatch>;
  /** Stat name -> its index in `stats`. */
  index: ReadonlyMap<string, number>;
}

export function compileSchema(name: SchemaName): CompiledSchema {
  return compileColumns(name, schemaColumns(name));
}

/** `compileSchema` for any list of columns (a test compiles one column alone). */
export function compileColumns(name: SchemaName, columns: readonly Kpi[]): CompiledSchema {
  // By name: `eventCount('x')` made twice is one stat.
  const byName = new Map<string, AnyStat>();
  for (const stat of columns.flatMap(c => c.stats)) if (!byName.has(stat.name)) byName.set(stat.name, stat);
  const stats = [...byName.values()];
  const eventKeys = new Set(EVENT_KEYS_ALWAYS);
  const rowFields = new Set<string>();
  const dispatch = new Map<string, Dispatch>();
  stats.forEach((stat, index) => {
    for (const field of stat.reads.row ?? []) rowFields.add(field);
    for (const [type, keys] of Object.entries(stat.reads.events ?? {})) {
      for (const key of keys) eventKeys.add(key);
      let entry = dispatch.get(type);
      if (!entry) dispatch.set(type, (entry = {readsData: false, steps: []}));
      if (keys.length > 0) entry.readsData = true;
      const step = stat.on?.[type];
      if (step) entry.steps.push({index, step: step as EventStep<unknown>});
    }
  });
  const reads = (fact: keyof SessionFacts) => [...rowFields].some(f => ROW_FIELDS[f as keyof typeof ROW_FIELDS] === fact);
  const facts: FactNeeds = {start: reads('start'), turns: reads('turns'), user: reads('user'), model: reads('model')};
  return {
    name,
    columns,
    stats,
    header: ['bucket', ...columns.map(c => c.column)],
    index: new Map(stats.map((stat, i) => [stat.name, i])),
    parse: {rowFields: [...rowFields].filter(f => f !== 'messages'), eventKeys, ...(facts.turns ? {messages: TURNS} : {})},
    facts,
    dispatch,
  };
}

const cache = new Map<SchemaName, CompiledSchema>();

/** The schema compiled once per thread. */
export function compiled(name: SchemaName): CompiledSchema {
  let schema = cache.get(name);
  if (!schema) cache.set(name, (schema = compileSchema(name)));
  return schema;
}

/** One session's share of one bucket: each stat's state, in `schema.stats` order. Plain data. */
export interface OpenShare {
  bucket: number;
  states: unknown[];
}

export function openShare(schema: CompiledSchema, bucket: number): OpenShare {
  return {bucket, states: schema.stats.map(stat => stat.init())};
}

/**
 * Folds one event into the session's share, as the reference's per-session loop does. `time` is
 * the event's parsed timestamp (null when it has none: only the daily bucket sees those).
 */
export function addEvent(schema: CompiledSchema, share: OpenShare, event: PyDict, time: Instant | null, ctx: EventContext): void {
  const type = event.event_type;
  if (typeof type !== 'string') return;
  const entry = schema.dispatch.get(type);
  if (entry === undefined) return;
  const data = entry.readsData ? eventData(event, ctx) : EMPTY;
  const states = share.states;
  for (const {index, step} of entry.steps) states[index] = step(states[index], data, time, ctx);
}

const EMPTY: PyDict = Object.freeze(Object.create(null)) as PyDict;

/** The session ended: every stat learns what the row tells. */
export function closeShare(schema: CompiledSchema, share: OpenShare, facts: SessionFacts): void {
  schema.stats.forEach((stat, i) => {
    if (stat.close) share.states[i] = stat.close(share.states[i], facts);
  });
}

/** A bucket's totals: one per stat, merged session by session in canonical order. */
export class BucketTotals implements BucketView {
  private readonly totals: unknown[];

  constructor(private readonly schema: CompiledSchema) {
    this.totals = schema.stats.map(stat => stat.initBucket());
  }

  merge(share: OpenShare): void {
    const stats = this.schema.stats;
    for (let i = 0; i < stats.length; i++) this.totals[i] = stats[i]!.merge(this.totals[i], share.states[i]);
  }

  get<B>(stat: Stat<any, B>): B {
    const index = this.schema.index.get(stat.name);
    if (index === undefined) throw new Error(`stat ${stat.name} is not in schema ${this.schema.name}`);
    return this.totals[index] as B;
  }

  /**
   * The KPI row's cells, in column order (without the bucket key). A value that cannot be computed
   * (a ratio of integers too large for a float: the reference crashes there and loses every hour
   * of its run) costs only its cell, which is left empty and reported through `onUncomputable`.
   */
  cells(onUncomputable?: (column: string, reason: string) => void): string[] {
    return this.schema.columns.map(c => {
      try {
        return c.cell(this);
      } catch (error) {
        if (!(error instanceof PyCrash)) throw error;
        onUncomputable?.(c.column, error.message);
        return '';
      }
    });
  }
}

/** One stat's state in a session's share (for tests and tools; the hot path indexes directly). */
export function stateOf<S>(schema: CompiledSchema, share: {states: unknown[]}, stat: Stat<S, any>): S {
  const index = schema.index.get(stat.name);
  if (index === undefined) throw new Error(`stat ${stat.name} is not in schema ${schema.name}`);
  return share.states[index] as S;
}
