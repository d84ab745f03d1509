/**
 * The per-session quantities the KPI columns are computed from, each with what it reads, how an
 * event updates it, and how sessions merge into a bucket. Several columns may read one stat
 * (`tool_success_rate` and `tool_calls_total` both read `toolOutputs`), so a value is coerced, and
 * a bad one reported, once per event.
 */

import type {PyDict, PyValue} from '../py/value.js';
import {PyFloatSum, trueDivide} from '../py/sum.js';
import {pyStr, pyTruthy} from '../py/convert.js';
import {NeedsExactParse} from '../py/value.js';
import type {Instant} from '../time/iso.js';
import {addInt, addToKey, describe, dictKey, FLAVOR_GPUS, floatField, tokenCount} from './coerce.js';
import {defineStat, type DictKey, type EventContext, type Stat} from './define.js';
import {hashKey} from './keys.js';

/** Counts of a Python dict keyed by first-seen keys (see `addToKey`). */
export type KeyCounts = Map<string, {value: PyValue; n: number}>;

const sumNumbers = (bucket: number, state: number): number => bucket + state;
const zero = (): number => 0;

/** A plain count of events of `type` (two counts of one type are one stat: same name, same steps). */
export function eventCount(type: string): Stat<number, number> {
  return defineStat({
    name: `count:${type}`,
    reads: {events: {[type]: []}},
    init: zero,
    on: {[type]: n => n + 1},
    initBucket: zero,
    merge: sumNumbers,
  });
}

/** Whether an event of `type` is in the session's window; the bucket counts such sessions. */
export function sessionsWith(type: string): Stat<boolean, number> {
  return defineStat({
    name: `any:${type}`,
    reads: {events: {[type]: []}},
    init: () => false,
    on: {[type]: () => true},
    initBucket: zero,
    merge: (bucket, seen) => bucket + (seen ? 1 : 0),
  });
}

/** `int(data.get(field) or 0)` summed over llm_call events: a Python int, exact past 2^53. */
export function tokenSum(field: string): Stat<number | bigint, number | bigint> {
  return defineStat<number | bigint, number | bigint>({
    name: `tokens:${field}`,
    reads: {events: {llm_call: [field]}},
    init: zero,
    on: {llm_call: (sum, data, _time, ctx) => addInt(sum, tokenCount(data, field, ctx))},
    initBucket: zero,
    merge: addInt,
  });
}

/** A session counts once in every bucket it reaches. */
export const sessions = defineStat<number, number>({name: 'sessions', reads: {}, init: () => 1, initBucket: zero, merge: sumNumbers});

export const users = defineStat<string | null, Set<string>>({
  name: 'users',
  reads: {row: ['user_id', 'session_id']},
  init: () => null,
  close: (_state, facts) => facts.user,
  initBucket: () => new Set(),
  merge: (bucket, user) => (user === null ? bucket : bucket.add(user)),
});

export const turns = defineStat<number, number>({
  name: 'turns',
  reads: {row: ['messages']},
  init: zero,
  close: (_state, facts) => facts.turns,
  initBucket: zero,
  merge: sumNumbers,
});

export const tokensPrompt = tokenSum('prompt_tokens');
export const tokensCompletion = tokenSum('completion_tokens');
export const tokensCacheRead = tokenSum('cache_read_tokens');
export const tokensCacheCreation = tokenSum('cache_creation_tokens');

/** Within a session a plain `+=` of `float(cost_usd or 0.0)`; across sessions Python's `sum()`, and each session's cost. */
export const cost = defineStat<number, {sum: PyFloatSum; each: number[]}>({
  name: 'cost',
  reads: {events: {llm_call: ['cost_usd']}},
  init: zero,
  on: {llm_call: (sum, data, _time, ctx) => sum + floatField(data, 'cost_usd', ctx)},
  initBucket: () => ({sum: new PyFloatSum(), each: []}),
  merge: (bucket, sessionCost) => {
    bucket.sum.add(sessionCost);
    bucket.each.push(sessionCost);
    return bucket;
  },
});

export const toolOutputs = defineStat<{total: number; ok: number}, {total: number; ok: number}>({
  name: 'toolOutputs',
  reads: {events: {tool_output: ['success']}},
  init: () => ({total: 0, ok: 0}),
  on: {
    tool_output: (s, data) => {
      s.total++;
      if (pyTruthy(data.success ?? null)) s.ok++;
      return s;
    },
  },
  initBucket: () => ({total: 0, ok: 0}),
  merge: (bucket, s) => {
    bucket.total += s.total;
    bucket.ok += s.ok;
    return bucket;
  },
});

export const failed = sessionsWith('error');
export const regenerated = sessionsWith('undo_complete');

/** The first tool_call/tool_output in the window with a timestamp; seconds since session start once closed. */
interface FirstAction {
  at: Instant | null;
  seconds: number | null;
}

const firstActionStep = (s: FirstAction, _data: PyDict, time: Instant | null): FirstAction => {
  if (s.at === null && time !== null) s.at = time;
  return s;
};

export const firstAction = defineStat<FirstAction, number[]>({
  name: 'firstAction',
  reads: {events: {tool_call: [], tool_output: []}, row: ['session_start_time']},
  init: () => ({at: null, seconds: null}),
  on: {tool_call: firstActionStep, tool_output: firstActionStep},
  close: (s, facts) => ({at: null, seconds: s.at && facts.start ? secondsBetween(facts.start, s.at) : null}),
  initBucket: () => [],
  merge: (bucket, s) => {
    // Negative values are kept per session but left out of the percentiles.
    if (s.seconds !== null && s.seconds >= 0) bucket.push(s.seconds);
    return bucket;
  },
});

/** `(later - earlier).total_seconds()`: exact microseconds, correctly rounded to seconds. */
export function secondsBetween(earlier: Instant, later: Instant): number {
  const ds = later.sec - earlier.sec;
  const dm = later.micro - earlier.micro;
  if (Math.abs(ds) < 9e9) return (ds * 1e6 + dm) / 1e6;
  return trueDivide(BigInt(ds) * 1_000_000n + BigInt(dm), 1_000_000n);
}

function ratingCount(rating: string): Stat<number, number> {
  return defineStat({
    name: `feedback:${rating}`,
    reads: {events: {feedback: ['rating']}},
    init: zero,
    on: {feedback: (n, data) => (data.rating === rating ? n + 1 : n)},
    initBucket: zero,
    merge: sumNumbers,
  });
}

export const thumbsUp = ratingCount('up');
export const thumbsDown = ratingCount('down');

const SUCCEEDED = new Set(['completed', 'succeeded', 'success']);

export const jobsSucceeded = defineStat<number, number>({
  name: 'jobsSucceeded',
  reads: {events: {hf_job_complete: ['final_status']}},
  init: zero,
  on: {hf_job_complete: (n, data, _time, ctx) => (SUCCEEDED.has(statusText(data.final_status ?? null, ctx)) ? n + 1 : n)},
  initBucket: zero,
  merge: sumNumbers,
});

function statusText(value: PyValue, ctx: EventContext): string {
  if (!pyTruthy(value)) return '';
  if (typeof value === 'string') return value.toLowerCase();
  ctx.warn('value_coerced', `hf_job_complete final_status ${describe(value)} is not a string; treated as absent`);
  return '';
}

/** GPU hours by flavor key (see `hashKey`), with the flavor value as first seen. */
export type GpuHours = Map<string, {flavor: PyValue; hours: number}>;

export const gpuHours = defineStat<GpuHours, GpuHours>({
  name: 'gpuHours',
  reads: {events: {hf_job_complete: ['flavor', 'wall_time_s']}},
  init: () => new Map(),
  on: {
    hf_job_complete: (map, data, _time, ctx) => {
      let flavor: PyValue = data.flavor ?? null;
      if (!pyTruthy(flavor)) flavor = 'unknown';
      let key = hashKey(flavor, ctx.exact);
      if (key === null) {
        ctx.warn('value_coerced', `hf_job_complete flavor ${describe(flavor)} is not hashable; counted as "unknown"`);
        flavor = 'unknown';
        key = 'sunknown';
      } else if (typeof flavor === 'number' && !ctx.exact) {
        // Whether it was written 5 or 5.0 decides the JSON key ("5" or "5.0").
        throw new NeedsExactParse('numeric flavor');
      } else if (typeof flavor !== 'string') {
        // json.dumps(sort_keys=True) cannot order it among string keys: the reference crashes on
        // any hour that also has a string flavor. Kept (numbers sort first, see sortedJson), but said.
        ctx.warn('flavor_not_string', `hf_job_complete flavor ${describe(flavor)} is not a string; the reference cannot write an hour that also has string flavors`);
      }
      const wall = floatField(data, 'wall_time_s', ctx);
      const gpus = typeof flavor === 'string' && Object.hasOwn(FLAVOR_GPUS, flavor) ? FLAVOR_GPUS[flavor]! : 0;
      addHours(map, key, flavor, (wall * gpus) / 3600);
      return map;
    },
  },
  initBucket: () => new Map(),
  merge: (bucket, map) => {
    for (const [key, {flavor, hours}] of map) addHours(bucket, key, flavor, hours);
    return bucket;
  },
});

/** `defaultdict(float)[flavor] += hours`: a new entry starts at 0.0, so -0.0 becomes 0.0. */
function addHours(map: GpuHours, key: string, flavor: PyValue, hours: number): void {
  const entry = map.get(key);
  if (entry) entry.hours += hours;
  else map.set(key, {flavor, hours: 0 + hours});
}

export const ctaBySource = defineStat<Map<string, number>, Map<string, number | bigint>>({
  name: 'ctaBySource',
  reads: {events: {pro_cta_click: ['source']}},
  init: () => new Map(),
  on: {
    pro_cta_click: (map, data, _time, ctx) => {
      const source = ctaSource(data.source ?? null, ctx);
      map.set(source, (map.get(source) ?? 0) + 1);
      return map;
    },
  },
  initBucket: () => new Map(),
  merge: (bucket, map) => {
    for (const [source, count] of map) bucket.set(source, addInt(bucket.get(source) ?? 0, count));
    return bucket;
  },
});

/** `str(data.get("source") or "unknown")`. */
function ctaSource(value: PyValue, ctx: EventContext): string {
  if (!pyTruthy(value)) return 'unknown';
  if (typeof value === 'string') return value;
  const printsTheSameEitherWay = typeof value === 'boolean' || (typeof value === 'number' && !Number.isInteger(value));
  if (!ctx.exact && !printsTheSameEitherWay) {
    // 5 and 5.0 print differently, and a dict's key order needs the exact parser.
    throw new NeedsExactParse('non-string pro_cta_click source');
  }
  return pyStr(value);
}

// ---------------------------------------------------------------------------------------------
// The later upstream script's stats (--schema v2)


/** sandbox_create events: CPU when `hardware` lowercased starts with `cpu-`, else GPU (missing too). */
export const sandboxes = defineStat<{cpu: number; gpu: number}, {cpu: number; gpu: number}>({
  name: 'sandboxes',
  reads: {events: {sandbox_create: ['hardware']}},
  init: () => ({cpu: 0, gpu: 0}),
  on: {
    sandbox_create: (s, data, _time, ctx) => {
      if (hardwareText(data.hardware ?? null, ctx).startsWith('cpu-')) s.cpu++;
      else s.gpu++;
      return s;
    },
  },
  initBucket: () => ({cpu: 0, gpu: 0}),
  merge: (bucket, s) => {
    bucket.cpu += s.cpu;
    bucket.gpu += s.gpu;
    return bucket;
  },
});

function hardwareText(value: PyValue, ctx: EventContext): string {
  if (!pyTruthy(value)) return '';
  if (typeof value === 'string') return value.toLowerCase();
  ctx.warn('value_coerced', `sandbox_create hardware ${describe(value)} is not a string (the upstream script crashes); treated as absent`);
  return '';
}

/** Named tool calls of one session: `tool_calls_by_name`, their total, and the session's turns. */
export interface ToolCalls {
  byName: KeyCounts;
  named: number;
  turns: number;
}

/** A bucket's tool-call totals and the per-session values its percentiles read. */
export interface ToolCallTotals {
  byName: KeyCounts;
  sessionsUsing: KeyCounts;
  research: number;
  sessionsWithResearch: number;
  /** Per session, only where above 0 (as the upstream script filters them). */
  researchPerSession: number[];
  distinctPerSession: number[];
  namedPerSession: number[];
  /** Named calls / turns, for sessions with turns. */
  perTurn: number[];
}

export const toolCalls = defineStat<ToolCalls, ToolCallTotals>({
  name: 'toolCalls',
  reads: {events: {tool_call: ['tool']}, row: ['messages']},
  init: () => ({byName: new Map(), named: 0, turns: 0}),
  on: {
    tool_call: (s, data, _time, ctx) => {
      const name = data.tool ?? null;
      if (!pyTruthy(name)) return s;
      const key = namedKey('tool_call tool', name, ctx);
      if (key === null) return s;
      addToKey(s.byName, key, 1);
      s.named++;
      return s;
    },
  },
  close: (s, facts) => {
    s.turns = facts.turns;
    return s;
  },
  initBucket: () => ({byName: new Map(), sessionsUsing: new Map(), research: 0, sessionsWithResearch: 0, researchPerSession: [], distinctPerSession: [], namedPerSession: [], perTurn: []}),
  merge: (t, s) => {
    for (const entry of s.byName) {
      addToKey(t.byName, {key: entry[0], value: entry[1].value}, entry[1].n);
      addToKey(t.sessionsUsing, {key: entry[0], value: entry[1].value}, 1);
    }
    const research = s.byName.get('sresearch')?.n ?? 0;
    t.research += research;
    if (research > 0) {
      t.sessionsWithResearch++;
      t.researchPerSession.push(research);
    }
    if (s.byName.size > 0) t.distinctPerSession.push(s.byName.size);
    if (s.named > 0) t.namedPerSession.push(s.named);
    if (s.turns > 0) t.perTurn.push(s.named / s.turns);
    return t;
  },
});

/** Sessions by `model_name or "unknown"`. */
export const models = defineStat<DictKey | null, KeyCounts>({
  name: 'models',
  reads: {row: ['model_name']},
  init: () => null,
  close: (_state, facts) => facts.model,
  initBucket: () => new Map(),
  merge: (bucket, model) => {
    addToKey(bucket, model ?? UNKNOWN, 1);
    return bucket;
  },
});

export const UNKNOWN: DictKey = {key: 'sunknown', value: 'unknown'};

/**
 * A tool or model name as a dict key; null (and a warning) when Python cannot hash it, which
 * crashes the upstream script. A name that is not a string is kept but said: `json.dumps` cannot
 * sort it among string names, so the upstream script crashes on an hour that has both.
 */
export function namedKey(what: string, value: PyValue, ctx: EventContext): DictKey | null {
  const key = dictKey(value, ctx);
  if (key === null) {
    ctx.warn('value_coerced', `${what} ${describe(value)} is a list or object (the upstream script crashes); treated as absent`);
    return null;
  }
  if (typeof value !== 'string') {
    ctx.warn('name_not_string', `${what} ${describe(value)} is not a string; the upstream script cannot write an hour that also has string names`);
  }
  return key;
}
