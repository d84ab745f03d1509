import {pyRound} from '../py/format.js';
import {addInt} from './coerce.js';
import {countsJson, float, int, rate, roundedPercentile, sortedJson} from './cells.js';
import {defineKpi, type Kpi} from './define.js';
import * as s from './stats.js';

/** A column that counts the events of one type in the window: the shape of most new KPIs. */
export function countKpi(column: string, eventType: string): Kpi {
  const count = s.eventCount(eventType);
  return defineKpi({column, description: `\`${eventType}\` events`, stats: [count], cell: b => int(b.get(count))});
}

/**
 * Every KPI column, one entry each: the stats it reads (which say what events, data keys and row
 * fields it needs, and how sessions add up) and how its cell prints. A schema (below) is a list
 * of these columns in CSV order; the CSV header, --help and the README table read them.
 */
export const KPIS = {
  sessions: defineKpi({column: 'sessions', description: 'session files with at least one event in the window (daily: every file of the day)', stats: [s.sessions], cell: b => int(b.get(s.sessions))}),
  users: defineKpi({column: 'users', description: 'distinct `user_id` (or `session_id` when there is none) among those sessions', stats: [s.users], cell: b => int(b.get(s.users).size)}),
  turns: defineKpi({column: 'turns', description: 'user messages of those sessions, counted over the whole session', stats: [s.turns], cell: b => int(b.get(s.turns))}),
  llm_calls: countKpi('llm_calls', 'llm_call'),
  tokens_prompt: defineKpi({column: 'tokens_prompt', description: 'sum of `prompt_tokens` of llm_call events', stats: [s.tokensPrompt], cell: b => int(b.get(s.tokensPrompt))}),
  tokens_completion: defineKpi({column: 'tokens_completion', description: 'sum of `completion_tokens`', stats: [s.tokensCompletion], cell: b => int(b.get(s.tokensCompletion))}),
  tokens_cache_read: defineKpi({column: 'tokens_cache_read', description: 'sum of `cache_read_tokens`', stats: [s.tokensCacheRead], cell: b => int(b.get(s.tokensCacheRead))}),
  tokens_cache_creation: defineKpi({column: 'tokens_cache_creation', description: 'sum of `cache_creation_tokens`', stats: [s.tokensCacheCreation], cell: b => int(b.get(s.tokensCacheCreation))}),
  cost_usd: defineKpi({column: 'cost_usd', description: 'sum of `cost_usd` of llm_call events, rounded to 4 places', stats: [s.cost], cell: b => float(pyRound(b.get(s.cost).sum.value, 4))}),
  cost_per_session_mean: defineKpi({
    column: 'cost_per_session_mean',
    description: 'cost_usd / sessions, 6 places',
    stats: [s.cost, s.sessions],
    cell: b => float(b.get(s.sessions) > 0 ? pyRound(b.get(s.cost).sum.value / b.get(s.sessions), 6) : 0),
  }),
  cost_per_session_p50: defineKpi({column: 'cost_per_session_p50', description: 'median of the sessions\' costs, 6 places', stats: [s.cost], cell: b => roundedPercentile(b.get(s.cost).each, 0.5, 6)}),
  cost_per_session_p95: defineKpi({column: 'cost_per_session_p95', description: '95th percentile of the sessions\' costs (linear interpolation), 6 places', stats: [s.cost], cell: b => roundedPercentile(b.get(s.cost).each, 0.95, 6)}),
  cache_hit_ratio: defineKpi({
    column: 'cache_hit_ratio',
    description: 'cache_read / (cache_read + prompt) tokens, 4 places',
    stats: [s.tokensCacheRead, s.tokensPrompt],
    cell: b => rate(b.get(s.tokensCacheRead), addInt(b.get(s.tokensCacheRead), b.get(s.tokensPrompt))),
  }),
  tool_calls_total: defineKpi({column: 'tool_calls_total', description: '`tool_output` events', stats: [s.toolOutputs], cell: b => int(b.get(s.toolOutputs).total)}),
  tool_calls_succeeded: defineKpi({column: 'tool_calls_succeeded', description: '`tool_output` events with a truthy `success`', stats: [s.toolOutputs], cell: b => int(b.get(s.toolOutputs).ok)}),
  tool_calls_failed: defineKpi({column: 'tool_calls_failed', description: '`tool_output` events without a truthy `success`', stats: [s.toolOutputs], cell: b => int(b.get(s.toolOutputs).total - b.get(s.toolOutputs).ok)}),
  errored_sessions: defineKpi({column: 'errored_sessions', description: 'sessions with an `error` event in the window', stats: [s.failed], cell: b => int(b.get(s.failed))}),
  successful_sessions: defineKpi({column: 'successful_sessions', description: 'sessions without an `error` event in the window', stats: [s.sessions, s.failed], cell: b => int(b.get(s.sessions) - b.get(s.failed))}),
  regenerated_sessions: defineKpi({column: 'regenerated_sessions', description: 'sessions with an `undo_complete` event in the window', stats: [s.regenerated], cell: b => int(b.get(s.regenerated))}),
  tool_success_rate: defineKpi({column: 'tool_success_rate', description: '`tool_output` events with a truthy `success` / all tool_output events', stats: [s.toolOutputs], cell: b => rate(b.get(s.toolOutputs).ok, b.get(s.toolOutputs).total)}),
  failure_rate: defineKpi({column: 'failure_rate', description: 'sessions with an `error` event in the window / sessions', stats: [s.failed, s.sessions], cell: b => rate(b.get(s.failed), b.get(s.sessions))}),
  regenerate_rate: defineKpi({column: 'regenerate_rate', description: 'sessions with an `undo_complete` event in the window / sessions', stats: [s.regenerated, s.sessions], cell: b => rate(b.get(s.regenerated), b.get(s.sessions))}),
  time_to_first_action_s_p50: defineKpi({column: 'time_to_first_action_s_p50', description: 'median seconds from `session_start_time` to the first tool_call/tool_output in the window', stats: [s.firstAction], cell: b => roundedPercentile(b.get(s.firstAction), 0.5, 2)}),
  time_to_first_action_s_p95: defineKpi({column: 'time_to_first_action_s_p95', description: '95th percentile of the same (linear interpolation)', stats: [s.firstAction], cell: b => roundedPercentile(b.get(s.firstAction), 0.95, 2)}),
  thumbs_up: defineKpi({column: 'thumbs_up', description: '`feedback` events with rating "up"', stats: [s.thumbsUp], cell: b => int(b.get(s.thumbsUp))}),
  thumbs_down: defineKpi({column: 'thumbs_down', description: '`feedback` events with rating "down"', stats: [s.thumbsDown], cell: b => int(b.get(s.thumbsDown))}),
  hf_jobs_submitted: countKpi('hf_jobs_submitted', 'hf_job_submit'),
  hf_jobs_succeeded: defineKpi({column: 'hf_jobs_succeeded', description: '`hf_job_complete` events whose `final_status` is completed/succeeded/success (any case)', stats: [s.jobsSucceeded], cell: b => int(b.get(s.jobsSucceeded))}),
  hf_jobs_blocked: countKpi('hf_jobs_blocked', 'jobs_access_blocked'),
  sandboxes_created: defineKpi({column: 'sandboxes_created', description: '`sandbox_create` events', stats: [s.sandboxes], cell: b => int(b.get(s.sandboxes).cpu + b.get(s.sandboxes).gpu)}),
  sandboxes_cpu: defineKpi({column: 'sandboxes_cpu', description: '`sandbox_create` events whose `hardware` starts with `cpu-` (any case)', stats: [s.sandboxes], cell: b => int(b.get(s.sandboxes).cpu)}),
  sandboxes_gpu: defineKpi({column: 'sandboxes_gpu', description: 'the other `sandbox_create` events (missing hardware too)', stats: [s.sandboxes], cell: b => int(b.get(s.sandboxes).gpu)}),
  pro_cta_clicks: countKpi('pro_cta_clicks', 'pro_cta_click'),
  pro_conversions: countKpi('pro_conversions', 'pro_conversion'),
  credits_topped_up: countKpi('credits_topped_up', 'credits_topped_up'),
  gpu_hours_by_flavor_json: defineKpi({
    column: 'gpu_hours_by_flavor_json',
    description: 'JSON {flavor: wall_time_s x GPUs of the flavor / 3600} of hf_job_complete events',
    stats: [s.gpuHours],
    cell: b => sortedJson([...b.get(s.gpuHours).values()].map(e => [e.flavor, e.hours])),
  }),
  pro_cta_by_source_json: defineKpi({
    column: 'pro_cta_by_source_json',
    description: 'JSON {source: clicks} of pro_cta_click events',
    stats: [s.ctaBySource],
    cell: b => sortedJson([...b.get(s.ctaBySource)].map(([source, n]) => [source, BigInt(n)])),
  }),
  research_calls: defineKpi({column: 'research_calls', description: '`tool_call` events whose `tool` is "research"', stats: [s.toolCalls], cell: b => int(b.get(s.toolCalls).research)}),
  sessions_with_research: defineKpi({column: 'sessions_with_research', description: 'sessions with a research tool_call in the window', stats: [s.toolCalls], cell: b => int(b.get(s.toolCalls).sessionsWithResearch)}),
  research_calls_per_session_p50: defineKpi({column: 'research_calls_per_session_p50', description: 'median research calls per session, among sessions with any, 2 places', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).researchPerSession, 0.5, 2)}),
  research_calls_per_session_p95: defineKpi({column: 'research_calls_per_session_p95', description: '95th percentile of the same', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).researchPerSession, 0.95, 2)}),
  distinct_tools_per_session_p50: defineKpi({column: 'distinct_tools_per_session_p50', description: 'median distinct named tools per session, among sessions with any, 2 places', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).distinctPerSession, 0.5, 2)}),
  distinct_tools_per_session_p95: defineKpi({column: 'distinct_tools_per_session_p95', description: '95th percentile of the same', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).distinctPerSession, 0.95, 2)}),
  tool_calls_per_session_p50: defineKpi({column: 'tool_calls_per_session_p50', description: 'median tool_calls with a truthy `tool` per session, among sessions with any, 2 places', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).namedPerSession, 0.5, 2)}),
  tool_calls_per_session_p95: defineKpi({column: 'tool_calls_per_session_p95', description: '95th percentile of the same', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).namedPerSession, 0.95, 2)}),
  tool_calls_per_turn_p50: defineKpi({column: 'tool_calls_per_turn_p50', description: 'median named tool_calls / turns per session, among sessions with turns, 2 places', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).perTurn, 0.5, 2)}),
  tool_calls_per_turn_p95: defineKpi({column: 'tool_calls_per_turn_p95', description: '95th percentile of the same', stats: [s.toolCalls], cell: b => roundedPercentile(b.get(s.toolCalls).perTurn, 0.95, 2)}),
  tool_calls_by_name_json: defineKpi({column: 'tool_calls_by_name_json', description: 'JSON {tool: tool_call events} of named tool_calls', stats: [s.toolCalls], cell: b => countsJson(b.get(s.toolCalls).byName.values())}),
  sessions_using_tool_json: defineKpi({column: 'sessions_using_tool_json', description: 'JSON {tool: sessions that called it}', stats: [s.toolCalls], cell: b => countsJson(b.get(s.toolCalls).sessionsUsing.values())}),
  sessions_by_model_json: defineKpi({column: 'sessions_by_model_json', description: 'JSON {model_name (or "unknown"): sessions}', stats: [s.models], cell: b => countsJson(b.get(s.models).values())}),
} as const satisfies Record<string, Kpi>;

export type KpiName = keyof typeof KPIS;

/** The schemas `--schema` selects: KPI columns in CSV order (after `bucket`). */
export const SCHEMAS = {
  /** The reference's 23 columns (the default). */
  v1: [
    'sessions', 'users', 'turns', 'llm_calls', 'tokens_prompt', 'tokens_completion', 'tokens_cache_read', 'tokens_cache_creation',
    'cost_usd', 'cache_hit_ratio', 'tool_success_rate', 'failure_rate', 'regenerate_rate', 'time_to_first_action_s_p50',
    'time_to_first_action_s_p95', 'thumbs_up', 'thumbs_down', 'hf_jobs_submitted', 'hf_jobs_succeeded', 'hf_jobs_blocked',
    'pro_cta_clicks', 'gpu_hours_by_flavor_json', 'pro_cta_by_source_json',
  ],
  /** The later upstream script's 49 columns. */
  v2: [
    'sessions', 'users', 'turns', 'llm_calls', 'tokens_prompt', 'tokens_completion', 'tokens_cache_read', 'tokens_cache_creation',
    'cost_usd', 'cost_per_session_mean', 'cost_per_session_p50', 'cost_per_session_p95', 'cache_hit_ratio', 'tool_calls_total',
    'tool_calls_succeeded', 'tool_calls_failed', 'errored_sessions', 'successful_sessions', 'regenerated_sessions',
    'tool_success_rate', 'failure_rate', 'regenerate_rate', 'time_to_first_action_s_p50', 'time_to_first_action_s_p95',
    'thumbs_up', 'thumbs_down', 'hf_jobs_submitted', 'hf_jobs_succeeded', 'sandboxes_created', 'sandboxes_cpu', 'sandboxes_gpu',
    'hf_jobs_blocked', 'pro_cta_clicks', 'pro_conversions', 'credits_topped_up', 'gpu_hours_by_flavor_json', 'research_calls',
    'sessions_with_research', 'research_calls_per_session_p50', 'research_calls_per_session_p95', 'distinct_tools_per_session_p50',
    'distinct_tools_per_session_p95', 'tool_calls_per_session_p50', 'tool_calls_per_session_p95', 'tool_calls_per_turn_p50',
    'tool_calls_per_turn_p95', 'tool_calls_by_name_json', 'sessions_using_tool_json', 'sessions_by_model_json',
  ],
} as const satisfies Record<string, readonly KpiName[]>;

export type SchemaName = keyof typeof SCHEMAS;
export const SCHEMA_NAMES = Object.keys(SCHEMAS) as SchemaName[];
export const DEFAULT_SCHEMA: SchemaName = 'v1';

/** The columns of a schema, in CSV order. */
export function schemaColumns(name: SchemaName): Kpi[] {
  return SCHEMAS[name].map(kpi => KPIS[kpi]);
}
