/**
 * What the report knows about each KPI column of either schema: v1 (the 23 columns kpi-stream
 * writes, src/metrics/catalog.ts) and v2 (the later upstream script's 49). Columns are always
 * taken by name from each CSV's header; a column not listed here is still charted, under
 * "Other columns", when its cells are numbers.
 */

/** How values of a column combine when a day is rolled up from its hours. */
export type Rollup = 'sum' | 'mean';

export interface ColumnInfo {
  column: string;
  /** A readable name; charts show it next to the column name, which people search for. */
  label: string;
  group: string;
  /** `json`: a JSON map drawn as a stacked chart. */
  kind: 'number' | 'json';
  /** `sum` for counts and totals; `mean` (weighted by sessions) for rates, means and percentiles. */
  rollup: Rollup;
}

/** Chart groups in page order. */
export const GROUPS = [
  'Volume',
  'Tokens',
  'Cost',
  'Quality rates',
  'Tool calls and session outcomes',
  'Time to first action',
  'Feedback',
  'Jobs',
  'Pro and credits',
  'Sandboxes',
  'Research',
  'Tool use per session',
  'Breakdowns',
  'Other columns',
] as const;

type Entry = [column: string, label: string, rollup?: Rollup];

const NUMBER_GROUPS: Record<string, Entry[]> = {
  Volume: [['sessions', 'Sessions'], ['users', 'Users'], ['turns', 'Turns'], ['llm_calls', 'LLM calls']],
  Tokens: [
    ['tokens_prompt', 'Prompt tokens'],
    ['tokens_completion', 'Completion tokens'],
    ['tokens_cache_read', 'Cache-read tokens'],
    ['tokens_cache_creation', 'Cache-creation tokens'],
  ],
  Cost: [
    ['cost_usd', 'Cost (USD)'],
    ['cost_per_session_mean', 'Cost per session, mean (USD)', 'mean'],
    ['cost_per_session_p50', 'Cost per session, median (USD)', 'mean'],
    ['cost_per_session_p95', 'Cost per session, p95 (USD)', 'mean'],
  ],
  'Quality rates': [
    ['tool_success_rate', 'Tool success rate', 'mean'],
    ['failure_rate', 'Failure rate', 'mean'],
    ['regenerate_rate', 'Regenerate rate', 'mean'],
    ['cache_hit_ratio', 'Cache hit ratio', 'mean'],
  ],
  'Tool calls and session outcomes': [
    ['tool_calls_total', 'Tool calls'],
    ['tool_calls_succeeded', 'Tool calls succeeded'],
    ['tool_calls_failed', 'Tool calls failed'],
    ['errored_sessions', 'Errored sessions'],
    ['successful_sessions', 'Successful sessions'],
    ['regenerated_sessions', 'Regenerated sessions'],
  ],
  'Time to first action': [
    ['time_to_first_action_s_p50', 'Time to first action, median (s)', 'mean'],
    ['time_to_first_action_s_p95', 'Time to first action, p95 (s)', 'mean'],
  ],
  Feedback: [['thumbs_up', 'Thumbs up'], ['thumbs_down', 'Thumbs down']],
  Jobs: [['hf_jobs_submitted', 'HF jobs submitted'], ['hf_jobs_succeeded', 'HF jobs succeeded'], ['hf_jobs_blocked', 'HF jobs blocked']],
  'Pro and credits': [['pro_cta_clicks', 'Pro CTA clicks'], ['pro_conversions', 'Pro conversions'], ['credits_topped_up', 'Credit top-ups']],
  Sandboxes: [['sandboxes_created', 'Sandboxes created'], ['sandboxes_cpu', 'CPU sandboxes'], ['sandboxes_gpu', 'GPU sandboxes']],
  Research: [
    ['research_calls', 'Research calls'],
    ['sessions_with_research', 'Sessions with research'],
    ['research_calls_per_session_p50', 'Research calls per session, median', 'mean'],
    ['research_calls_per_session_p95', 'Research calls per session, p95', 'mean'],
  ],
  'Tool use per session': [
    ['distinct_tools_per_session_p50', 'Distinct tools per session, median', 'mean'],
    ['distinct_tools_per_session_p95', 'Distinct tools per session, p95', 'mean'],
    ['tool_calls_per_session_p50', 'Tool calls per session, median', 'mean'],
    ['tool_calls_per_session_p95', 'Tool calls per session, p95', 'mean'],
    ['tool_calls_per_turn_p50', 'Tool calls per turn, median', 'mean'],
    ['tool_calls_per_turn_p95', 'Tool calls per turn, p95', 'mean'],
  ],
};

const JSON_COLUMNS: Entry[] = [
  ['gpu_hours_by_flavor_json', 'GPU hours by flavor'],
  ['pro_cta_by_source_json', 'Pro CTA clicks by source'],
  ['tool_calls_by_name_json', 'Tool calls by tool'],
  ['sessions_using_tool_json', 'Sessions by tool'],
  ['sessions_by_model_json', 'Sessions by model'],
];

const KNOWN = new Map<string, ColumnInfo>([
  ...Object.entries(NUMBER_GROUPS).flatMap(([group, entries]) =>
    entries.map(([column, label, rollup = 'sum']): [string, ColumnInfo] => [column, {column, label, group, kind: 'number', rollup}]),
  ),
  ...JSON_COLUMNS.map(([column, label]): [string, ColumnInfo] => [column, {column, label, group: 'Breakdowns', kind: 'json', rollup: 'sum'}]),
]);

/** What the report does with `column`: a known KPI, or an unknown one charted by its name. */
export function columnInfo(column: string): ColumnInfo {
  const known = KNOWN.get(column);
  if (known) return known;
  const json = column.endsWith('_json');
  return {column, label: column, group: json ? 'Breakdowns' : 'Other columns', kind: json ? 'json' : 'number', rollup: 'sum'};
}

/** The columns in page order: by group, then as listed here, unknown ones by name. */
export function orderColumns(columns: Iterable<string>): ColumnInfo[] {
  const rank = [...KNOWN.keys()];
  const infos = [...new Set(columns)].map(columnInfo);
  const position = (info: ColumnInfo) => {
    const known = rank.indexOf(info.column);
    return known >= 0 ? known : rank.length;
  };
  return infos.sort(
    (a, b) =>
      GROUPS.indexOf(a.group as (typeof GROUPS)[number]) - GROUPS.indexOf(b.group as (typeof GROUPS)[number]) ||
      position(a) - position(b) ||
      (a.column < b.column ? -1 : a.column > b.column ? 1 : 0),
  );
}

/** A v2 column the v1 schema lacks: how a header is told to be the later script's. */
export const V2_MARKER = 'tool_calls_total';
