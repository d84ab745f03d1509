/**
 * The peer a data engineer would write instead of kpi-stream: DuckDB's SQL over the same session
 * files (issue 11). `read_json` reads each file's row, `from_json` turns the double-encoded events
 * string into a list that is unnested, and the sums DuckDB can compute directly are grouped by
 * hour. It skips what only the reference's Python semantics give (percentiles of first actions,
 * Python rounding and float sums, the folder rule): less work than kpi-stream does.
 *
 *   node dist/bench/duckdb-peer.js DIR FROM_HOUR TO_HOUR THREADS FOLDER...
 *
 * Prints one JSON object: the hours it found and its llm_calls per hour, which run.ts compares
 * with the reference's CSVs.
 */

import {join} from 'node:path';
import {DuckDBInstance} from '@duckdb/node-api';

const [dir, from, to, threads, ...folders] = process.argv.slice(2);
if (!dir || !from || !to || !threads || folders.length === 0) throw new Error('usage: duckdb-peer.js DIR FROM_HOUR TO_HOUR THREADS FOLDER...');

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const files = `[${folders.map(f => quote(join(dir, 'sessions', f, '*.jsonl'))).join(', ')}]`;
const hour = (text: string) => `TIMESTAMP ${quote(`${text.replace('T', ' ')}:00:00`)}`;

const SQL = `
WITH rows AS (
  SELECT session_id, coalesce(user_id, session_id) AS user_key, events
  FROM read_json(${files}, format = 'newline_delimited', maximum_object_size = 2000000000,
                 columns = {session_id: 'VARCHAR', user_id: 'VARCHAR', events: 'VARCHAR'})
), events AS (
  SELECT session_id, user_key, unnest(from_json(events, '["JSON"]')) AS e FROM rows
), typed AS (
  SELECT session_id, user_key, e ->> 'event_type' AS type, TRY_CAST(e ->> 'timestamp' AS TIMESTAMP) AS ts, e -> 'data' AS data
  FROM events
)
SELECT strftime(date_trunc('hour', ts), '%Y-%m-%dT%H') AS bucket,
  count(DISTINCT session_id) AS sessions,
  count(DISTINCT user_key) AS users,
  count(*) FILTER (WHERE type = 'llm_call') AS llm_calls,
  sum(TRY_CAST(data ->> 'prompt_tokens' AS HUGEINT)) FILTER (WHERE type = 'llm_call') AS tokens_prompt,
  sum(TRY_CAST(data ->> 'completion_tokens' AS HUGEINT)) FILTER (WHERE type = 'llm_call') AS tokens_completion,
  sum(TRY_CAST(data ->> 'cache_read_tokens' AS HUGEINT)) FILTER (WHERE type = 'llm_call') AS tokens_cache_read,
  sum(TRY_CAST(data ->> 'cache_creation_tokens' AS HUGEINT)) FILTER (WHERE type = 'llm_call') AS tokens_cache_creation,
  sum(TRY_CAST(data ->> 'cost_usd' AS DOUBLE)) FILTER (WHERE type = 'llm_call') AS cost_usd,
  count(*) FILTER (WHERE type = 'tool_output') AS tool_outputs,
  count(*) FILTER (WHERE type = 'tool_output' AND TRY_CAST(data ->> 'success' AS BOOLEAN)) AS tool_successes,
  count(*) FILTER (WHERE type = 'feedback' AND (data ->> 'rating') = 'up') AS thumbs_up,
  count(*) FILTER (WHERE type = 'feedback' AND (data ->> 'rating') = 'down') AS thumbs_down,
  count(*) FILTER (WHERE type = 'hf_job_submit') AS hf_jobs_submitted,
  count(*) FILTER (WHERE type = 'jobs_access_blocked') AS hf_jobs_blocked,
  count(*) FILTER (WHERE type = 'pro_cta_click') AS pro_cta_clicks
FROM typed
WHERE ts >= ${hour(from)} AND ts < ${hour(to)}
GROUP BY 1 ORDER BY 1`;

const instance = await DuckDBInstance.create(':memory:', {threads});
const connection = await instance.connect();
const result = await connection.runAndReadAll(SQL);
const rows = result.getRowObjectsJson() as Array<Record<string, unknown>>;
connection.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify({hours: rows.length, llmCalls: Object.fromEntries(rows.map(r => [r.bucket, Number(r.llm_calls)]))}) + '\n');
