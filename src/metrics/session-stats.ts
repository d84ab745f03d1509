import {zeroCounts, type SessionContribution} from '../types.js';
import type {PyDict, PyValue} from '../py/value.js';
import {isDict, NeedsExactParse, PyCrash} from '../py/value.js';
import {pyFloat, pyInt, pyStr, pyTruthy} from '../py/convert.js';
import type {Instant} from '../time/iso.js';
import {hashKey} from './keys.js';

/** GPUs per Hugging Face Jobs flavor; other flavors count zero GPUs. */
export const FLAVOR_GPUS: Readonly<Record<string, number>> = {
  'cpu-basic': 0, 'cpu-upgrade': 0,
  't4-small': 1, 't4-medium': 1,
  'l4x1': 1, 'l4x4': 4,
  'l40sx1': 1, 'l40sx4': 4, 'l40sx8': 8,
  'a10g-small': 1, 'a10g-large': 1, 'a10g-largex2': 2, 'a10g-largex4': 4,
  'a100-large': 1, 'a100x2': 2, 'a100x4': 4, 'a100x8': 8,
  'h100': 1, 'h100x8': 8,
};

const SUCCEEDED = new Set(['completed', 'succeeded', 'success']);

/**
 * Every key whose value a KPI reads, at any depth of an event (time-window reads `timestamp`, the
 * rest is read below). Long strings under any other key are shortened before parsing (see
 * bulk-strings.ts): a key read here and missing from this set would see a shortened value.
 */
export const EVENT_KEYS_READ: ReadonlySet<string> = new Set([
  'timestamp', 'event_type', 'data',
  'prompt_tokens', 'completion_tokens', 'cache_read_tokens', 'cache_creation_tokens', 'cost_usd',
  'success', 'rating', 'flavor', 'final_status', 'wall_time_s', 'source',
]);

/** Where a coerced value is reported; `exact` says whether numbers may be ints (JSON.parse). */
export interface EventContext {
  exact: boolean;
  warn(code: string, message: string): void;
}

/** A session's running contribution to one bucket, before the session's end is known. */
export interface OpenContribution extends SessionContribution {
  firstActionAt: Instant | null;
}

export function openContribution(bucket: number): OpenContribution {
  return {
    ...zeroCounts(), bucket, cost: 0, failed: false, regenerated: false, firstActionS: null, firstActionAt: null,
    gpuHours: new Map(), ctaBySource: new Map(), turns: 0, user: null,
  };
}

/** Adds Python ints, staying on doubles while the sum is exact. */
export function addInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(a) + BigInt(b);
}

/**
 * Folds one event into the session's contribution, as the reference's per-session loop does.
 * `time` is the event's parsed timestamp (null when it has none: only the daily bucket sees those).
 */
export function addEvent(c: OpenContribution, event: PyDict, time: Instant | null, ctx: EventContext): void {
  const type = event.event_type;
  if (typeof type !== 'string') return;
  switch (type) {
    case 'llm_call': {
      const data = eventData(event, ctx);
      c.llmCalls++;
      c.tokensPrompt = addInt(c.tokensPrompt, tokenCount(data, 'prompt_tokens', ctx));
      c.tokensCompletion = addInt(c.tokensCompletion, tokenCount(data, 'completion_tokens', ctx));
      c.tokensCacheRead = addInt(c.tokensCacheRead, tokenCount(data, 'cache_read_tokens', ctx));
      c.tokensCacheCreation = addInt(c.tokensCacheCreation, tokenCount(data, 'cache_creation_tokens', ctx));
      c.cost += floatField(data, 'cost_usd', ctx);
      return;
    }
    case 'tool_output': {
      const data = eventData(event, ctx);
      c.toolTotal++;
      if (pyTruthy(data.success ?? null)) c.toolSuccess++;
      if (c.firstActionAt === null && time !== null) c.firstActionAt = time;
      return;
    }
    case 'tool_call':
      if (c.firstActionAt === null && time !== null) c.firstActionAt = time;
      return;
    case 'error':
      c.failed = true;
      return;
    case 'undo_complete':
      c.regenerated = true;
      return;
    case 'feedback': {
      const rating = eventData(event, ctx).rating;
      if (rating === 'up') c.thumbsUp++;
      else if (rating === 'down') c.thumbsDown++;
      return;
    }
    case 'hf_job_submit':
      c.jobsSubmitted++;
      return;
    case 'hf_job_complete':
      addJobCompletion(c, eventData(event, ctx), ctx);
      return;
    case 'jobs_access_blocked':
      c.jobsBlocked++;
      return;
    case 'pro_cta_click': {
      const data = eventData(event, ctx);
      c.ctaClicks++;
      const source = ctaSource(data.source ?? null, ctx);
      c.ctaBySource.set(source, (c.ctaBySource.get(source) ?? 0) + 1);
      return;
    }
  }
}

function addJobCompletion(c: OpenContribution, data: PyDict, ctx: EventContext): void {
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
    // json.dumps(sort_keys=True) cannot order it among string keys: the reference crashes on any
    // hour that also has a string flavor. Kept (numbers sort first, see sortedJson), but said.
    ctx.warn('flavor_not_string', `hf_job_complete flavor ${describe(flavor)} is not a string; the reference cannot write an hour that also has string flavors`);
  }
  const status = statusText(data.final_status ?? null, ctx);
  const wall = floatField(data, 'wall_time_s', ctx);
  const gpus = typeof flavor === 'string' && Object.hasOwn(FLAVOR_GPUS, flavor) ? FLAVOR_GPUS[flavor]! : 0;
  const entry = c.gpuHours.get(key);
  const hours = (wall * gpus) / 3600;
  if (entry) entry.hours += hours;
  else c.gpuHours.set(key, {flavor, hours: 0 + hours});
  if (SUCCEEDED.has(status)) c.jobsSucceeded++;
}

function statusText(value: PyValue, ctx: EventContext): string {
  if (!pyTruthy(value)) return '';
  if (typeof value === 'string') return value.toLowerCase();
  ctx.warn('value_coerced', `hf_job_complete final_status ${describe(value)} is not a string; treated as absent`);
  return '';
}

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

/** `data` that is null or missing counts as `{}`; any other non-dict is coerced and reported. */
function eventData(event: PyDict, ctx: EventContext): PyDict {
  const data = event.data ?? null;
  if (isDict(data)) return data;
  if (pyTruthy(data)) {
    ctx.warn('value_coerced', `${String(event.event_type)} event data ${describe(data)} is not an object; treated as {}`);
  }
  return EMPTY;
}

const EMPTY: PyDict = Object.freeze(Object.create(null)) as PyDict;

function tokenCount(data: PyDict, field: string, ctx: EventContext): number | bigint {
  const value = data[field] ?? null;
  try {
    return pyInt(value, ctx.exact);
  } catch (error) {
    if (!(error instanceof PyCrash)) throw error;
    ctx.warn('value_coerced', `${field} ${describe(value)} is not an integer; counted as 0`);
    return 0;
  }
}

function floatField(data: PyDict, field: string, ctx: EventContext): number {
  const value = data[field] ?? null;
  try {
    return pyFloat(value, ctx.exact);
  } catch (error) {
    if (!(error instanceof PyCrash)) throw error;
    ctx.warn('value_coerced', `${field} ${describe(value)} is not a number; counted as 0.0`);
    return 0;
  }
}

/** Marks a value JSON.stringify would misprint, so `describe` can write it bare. */
const BARE = '\u0000#';

/**
 * A short rendering of a bad value for a warning, as JSON would write it: big integers as digits
 * (not a quoted string) and overflowed or NaN floats as `Infinity`, `-Infinity`, `NaN` (not `null`).
 */
export function describe(value: PyValue): string {
  let text: string;
  try {
    const marked = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) ? `${BARE}${String(v)}${BARE}` : v));
    text = marked === undefined ? String(value) : marked.replace(/"\\u0000#([^"\\]*)\\u0000#"/g, '$1');
  } catch {
    text = String(value);
  }
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
