import {KEY_ORDER, type PyDict, type PyValue} from '../py/value.js';
import {pyFloatRepr, pyIntStr, pyRound} from '../py/format.js';
import {pyJsonDumps, compareCodePoints} from '../py/json.js';
import {trueDivide} from '../py/sum.js';
import type {BucketTotals} from './accumulator.js';
import {defineMetric, type Metric} from './define.js';
import {addInt} from './session-stats.js';

const int = (n: number | bigint) => pyIntStr(n);
const float = (x: number) => pyFloatRepr(x);

/** `round(part / whole, 4)`, or 0.0 when `whole` is not positive. Both are Python ints. */
function rate(part: number | bigint, whole: number | bigint): string {
  return float(whole > 0 ? pyRound(trueDivide(part, whole), 4) : 0);
}

/** Linear interpolation between closest ranks, on the sorted values; 0.0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const k = (sorted.length - 1) * p;
  const f = Math.trunc(k);
  const c = Math.min(f + 1, sorted.length - 1);
  if (f === c) return sorted[f]!;
  return sorted[f]! + (sorted[c]! - sorted[f]!) * (k - f);
}

/**
 * A dict rendered as `json.dumps(d, sort_keys=True)`. Keys are Python values: all strings (code
 * point order) or all numbers (numeric order, printed as JSON prints them). A mix makes the
 * reference crash; we put numbers first.
 */
export function sortedJson(entries: Array<[PyValue, PyValue]>): string {
  const sorted = [...entries].sort(([a], [b]) => compareKeys(a, b));
  const dict = Object.create(null) as PyDict & {[KEY_ORDER]?: string[]};
  const order: string[] = [];
  for (const [key, value] of sorted) {
    const name = jsonKey(key);
    if (!(name in dict)) order.push(name);
    dict[name] = value;
  }
  dict[KEY_ORDER] = order;
  return pyJsonDumps(dict);
}

function compareKeys(a: PyValue, b: PyValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'string') return 1;
  if (typeof b === 'string') return -1;
  const x = numeric(a);
  const y = numeric(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function numeric(v: PyValue): number | bigint {
  return typeof v === 'boolean' ? Number(v) : (v as number | bigint);
}

/** How json.dumps writes a non-string dict key. */
function jsonKey(key: PyValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'bigint') return key.toString();
  if (typeof key === 'number') {
    if (Number.isNaN(key)) return 'NaN';
    if (key === Infinity) return 'Infinity';
    if (key === -Infinity) return '-Infinity';
    return pyFloatRepr(key);
  }
  return String(key);
}

/** Every KPI, in CSV column order. The CSV header, --help and the README read this list. */
export const CATALOG: readonly Metric[] = [
  defineMetric({column: 'sessions', description: 'session files with at least one event in the window (daily: every file of the day)', cell: t => int(t.sessions)}),
  defineMetric({column: 'users', description: 'distinct `user_id` (or `session_id` when there is none) among those sessions', cell: t => int(t.users.size)}),
  defineMetric({column: 'turns', description: 'user messages of those sessions, counted over the whole session', cell: t => int(t.turns)}),
  defineMetric({column: 'llm_calls', description: '`llm_call` events', cell: t => int(t.llmCalls)}),
  defineMetric({column: 'tokens_prompt', description: 'sum of `prompt_tokens` of llm_call events', cell: t => int(t.tokensPrompt)}),
  defineMetric({column: 'tokens_completion', description: 'sum of `completion_tokens`', cell: t => int(t.tokensCompletion)}),
  defineMetric({column: 'tokens_cache_read', description: 'sum of `cache_read_tokens`', cell: t => int(t.tokensCacheRead)}),
  defineMetric({column: 'tokens_cache_creation', description: 'sum of `cache_creation_tokens`', cell: t => int(t.tokensCacheCreation)}),
  defineMetric({column: 'cost_usd', description: 'sum of `cost_usd` of llm_call events, rounded to 4 places', cell: t => float(pyRound(t.cost.value, 4))}),
  defineMetric({column: 'cache_hit_ratio', description: 'cache_read / (cache_read + prompt) tokens, 4 places', cell: t => rate(t.tokensCacheRead, addInt(t.tokensCacheRead, t.tokensPrompt))}),
  defineMetric({column: 'tool_success_rate', description: '`tool_output` events with a truthy `success` / all tool_output events', cell: t => rate(t.toolSuccess, t.toolTotal)}),
  defineMetric({column: 'failure_rate', description: 'sessions with an `error` event in the window / sessions', cell: t => rate(t.failures, t.sessions)}),
  defineMetric({column: 'regenerate_rate', description: 'sessions with an `undo_complete` event in the window / sessions', cell: t => rate(t.regenerates, t.sessions)}),
  defineMetric({column: 'time_to_first_action_s_p50', description: 'median seconds from `session_start_time` to the first tool_call/tool_output in the window', cell: t => float(pyRound(percentile(t.firstActions, 0.5), 2))}),
  defineMetric({column: 'time_to_first_action_s_p95', description: '95th percentile of the same', cell: t => float(pyRound(percentile(t.firstActions, 0.95), 2))}),
  defineMetric({column: 'thumbs_up', description: '`feedback` events with rating "up"', cell: t => int(t.thumbsUp)}),
  defineMetric({column: 'thumbs_down', description: '`feedback` events with rating "down"', cell: t => int(t.thumbsDown)}),
  defineMetric({column: 'hf_jobs_submitted', description: '`hf_job_submit` events', cell: t => int(t.jobsSubmitted)}),
  defineMetric({column: 'hf_jobs_succeeded', description: '`hf_job_complete` events whose `final_status` is completed/succeeded/success (any case)', cell: t => int(t.jobsSucceeded)}),
  defineMetric({column: 'hf_jobs_blocked', description: '`jobs_access_blocked` events', cell: t => int(t.jobsBlocked)}),
  defineMetric({column: 'pro_cta_clicks', description: '`pro_cta_click` events', cell: t => int(t.ctaClicks)}),
  defineMetric({column: 'gpu_hours_by_flavor_json', description: 'JSON {flavor: wall_time_s x GPUs of the flavor / 3600} of hf_job_complete events', cell: t => sortedJson([...t.gpuHours.values()].map(e => [e.flavor, e.hours]))}),
  defineMetric({column: 'pro_cta_by_source_json', description: 'JSON {source: clicks} of pro_cta_click events', cell: t => sortedJson([...t.ctaBySource].map(([s, n]) => [s, BigInt(n)]))}),
];
