import {parsePyJson} from '../py/json-loads.js';
import {isDict} from '../py/value.js';
import {orderColumns, type ColumnInfo} from './columns.js';
import {parseNumberCell, type KpiRow} from './kpi-files.js';

/** Everything the page shows, as plain JSON (non-finite numbers are null and listed). */
export interface PageModel {
  title: string;
  /** The range in words: what was asked for, or the first and last bucket found. */
  range: string;
  generatedAt: string;
  /** Where the files came from: the folder or the dataset. */
  source: string;
  /** Files read, by schema. */
  files: {v1: number; v2: number};
  columns: ColumnInfo[];
  views: {hour: ViewModel; day: ViewModel};
  /** The view the page opens with: hours when there are any. */
  defaultView: 'hour' | 'day';
  /** Files left out and why, shown on the page as on stderr. */
  skipped: Array<{path: string; reason: string}>;
}

export interface ViewModel {
  unit: 'hour' | 'day';
  /** Seconds per bucket. */
  step: number;
  buckets: BucketModel[];
  /** Hours (days) between the first and the last bucket that have no file. */
  missing: number;
  headline: HeadlineItem[];
}

export interface BucketModel {
  /** The bucket as the CSV names it (`2026-04-24T14`, `2026-04-24`). */
  key: string;
  /** Start, in seconds since the epoch. */
  time: number;
  /** The file it came from, or how a day was rolled up from its hours. */
  source: string;
  /** Raw cells, as the CSV holds them (rolled-up days: the computed values). */
  cells: Record<string, string>;
  /** Numeric columns; null where the cell is nan or infinite (see `nonFinite`). */
  values: Record<string, number | null>;
  /** JSON columns as key -> value; entries that are not finite numbers are left out. */
  maps: Record<string, Record<string, number>>;
  /** Columns whose cell is nan/inf, or a map with non-finite entries: not drawn. */
  nonFinite: string[];
}

export interface HeadlineItem {
  column: string;
  label: string;
  value: number | null;
  text: string;
  /** How the number was made, in a few words. */
  how: string;
}

export interface PageModelOptions {
  source: string;
  /** The requested range in words, if --from/--to were given. */
  requested?: string;
  now: Date;
  skipped: Array<{path: string; reason: string}>;
}

const HOUR = 3600;
const DAY = 86400;

/** The page's data from the KPI rows read: both views, their headline numbers, the columns. */
export function buildPageModel(rows: readonly KpiRow[], options: PageModelOptions): PageModel {
  const columns = orderColumns(rows.flatMap(r => Object.keys(r.cells)));
  const hours = rows.filter(r => r.kind === 'hour').sort(byTime).map(r => fromRow(r, columns));
  const days = dayBuckets(rows, hours, columns);
  const hour = view('hour', HOUR, hours);
  const day = view('day', DAY, days);
  const shown = hours.length ? hours : days;
  const found = shown.length ? `${shown[0]!.key} to ${shown[shown.length - 1]!.key}` : 'no data';
  return {
    title: 'KPI report',
    range: options.requested ?? found,
    generatedAt: `${options.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    source: options.source,
    files: {v1: rows.filter(r => r.schema === 'v1').length, v2: rows.filter(r => r.schema === 'v2').length},
    columns,
    views: {hour, day},
    defaultView: hours.length || !days.length ? 'hour' : 'day',
    skipped: options.skipped,
  };
}

const byTime = (a: {time: number}, b: {time: number}) => a.time - b.time;

function view(unit: 'hour' | 'day', step: number, buckets: BucketModel[]): ViewModel {
  const span = buckets.length ? (buckets[buckets.length - 1]!.time - buckets[0]!.time) / step + 1 : 0;
  return {unit, step, buckets, missing: span - new Set(buckets.map(b => b.time)).size, headline: headline(buckets)};
}

function fromRow(row: KpiRow, columns: readonly ColumnInfo[]): BucketModel {
  const bucket: BucketModel = {key: row.bucket, time: row.time, source: row.path, cells: row.cells, values: {}, maps: {}, nonFinite: []};
  for (const {column, kind} of columns) {
    const cell = row.cells[column];
    if (cell === undefined) continue;
    if (kind === 'json') {
      const map = parseMap(cell);
      if (map) bucket.maps[column] = map.finite;
      if (!map || map.dropped) bucket.nonFinite.push(column);
      continue;
    }
    const value = parseNumberCell(cell);
    if (value === undefined) continue; // text where a number was expected: shown in the table only
    bucket.values[column] = Number.isFinite(value) ? value : null;
    if (!Number.isFinite(value)) bucket.nonFinite.push(column);
  }
  return bucket;
}

/** A JSON map cell (Python's json.dumps, so NaN and Infinity may appear); undefined if not a map. */
function parseMap(cell: string): {finite: Record<string, number>; dropped: boolean} | undefined {
  let value;
  try {
    value = parsePyJson(cell);
  } catch {
    return undefined;
  }
  if (!isDict(value)) return undefined;
  const finite: Record<string, number> = {};
  let dropped = false;
  for (const [key, v] of Object.entries(value)) {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) finite[key] = n;
    else dropped = true;
  }
  return {finite, dropped};
}

/**
 * The day view: a day with a `daily/` file shows that file's row (the reference's own numbers for
 * the day); any other day with hourly files is rolled up from them: counts and totals summed,
 * JSON maps summed per key, rates, means and percentiles averaged weighted by the hours' sessions.
 */
function dayBuckets(rows: readonly KpiRow[], hours: readonly BucketModel[], columns: readonly ColumnInfo[]): BucketModel[] {
  const days = new Map<number, BucketModel>();
  for (const row of rows) if (row.kind === 'day') days.set(row.time, fromRow(row, columns));
  const byDay = new Map<number, BucketModel[]>();
  for (const h of hours) {
    const start = Math.floor(h.time / DAY) * DAY;
    if (!days.has(start)) byDay.set(start, [...(byDay.get(start) ?? []), h]);
  }
  for (const [start, dayHours] of byDay) days.set(start, rollUp(start, dayHours, columns));
  return [...days.values()].sort(byTime);
}

function rollUp(start: number, hours: readonly BucketModel[], columns: readonly ColumnInfo[]): BucketModel {
  const date = new Date(start * 1000);
  const key = `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
  const bucket: BucketModel = {key, time: start, source: `rolled up from ${hours.length} hourly file(s)`, cells: {}, values: {}, maps: {}, nonFinite: []};
  for (const {column, kind, rollup} of columns) {
    const having = hours.filter(h => (kind === 'json' ? column in h.maps : column in h.values) || h.nonFinite.includes(column));
    if (!having.length) continue;
    if (having.some(h => h.nonFinite.includes(column))) bucket.nonFinite.push(column);
    if (kind === 'json') {
      const sum: Record<string, number> = {};
      for (const h of having) for (const [k, v] of Object.entries(h.maps[column] ?? {})) sum[k] = (sum[k] ?? 0) + v;
      bucket.maps[column] = sum;
      bucket.cells[column] = JSON.stringify(Object.fromEntries(Object.entries(sum).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
      continue;
    }
    const finite = having.filter(h => h.values[column] !== null && h.values[column] !== undefined);
    const value = finite.length < having.length ? null : rollup === 'sum' ? sumOf(finite, column) : weightedMean(finite, column);
    bucket.values[column] = value;
    bucket.cells[column] = value === null ? 'nan' : String(value);
  }
  return bucket;
}

function sumOf(buckets: readonly BucketModel[], column: string): number {
  let sum = 0;
  for (const b of buckets) sum += b.values[column] ?? 0;
  return sum;
}

/** Mean weighted by sessions (a plain mean when no hour has sessions). */
function weightedMean(buckets: readonly BucketModel[], column: string): number {
  const weights = buckets.map(b => b.values.sessions ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return sumOf(buckets, column) / buckets.length;
  return buckets.reduce((acc, b, i) => acc + (b.values[column] ?? 0) * weights[i]!, 0) / total;
}

/** The numbers over the top of the page, for the buckets of one view. */
export function headline(buckets: readonly BucketModel[]): HeadlineItem[] {
  const total = (column: string, label: string, format: (n: number) => string, how = 'sum over the buckets'): HeadlineItem => {
    const having = buckets.filter(b => column in b.values);
    const finite = having.filter(b => b.values[column] !== null);
    if (!having.length) return {column, label, value: null, text: 'n/a', how: `no bucket has ${column}`};
    const value = sumOf(finite, column);
    const left = having.length - finite.length;
    return {column, label, value, text: format(value), how: left ? `${how}; ${left} bucket(s) with nan/inf left out` : how};
  };
  return [
    total('sessions', 'Sessions', integer),
    total('users', 'Users', integer, 'sum over the buckets: a user active in several counts in each'),
    total('llm_calls', 'LLM calls', integer),
    total('cost_usd', 'Cost', usd),
    toolSuccess(buckets),
    total('thumbs_up', 'Thumbs up', integer),
    total('thumbs_down', 'Thumbs down', integer),
  ];
}

/** From the counts when every bucket has them (v2), else the mean of the buckets' rates. */
function toolSuccess(buckets: readonly BucketModel[]): HeadlineItem {
  const label = 'Tool success rate';
  const counted = buckets.filter(b => b.values.tool_calls_total != null && b.values.tool_calls_succeeded != null);
  if (buckets.length && counted.length === buckets.length) {
    const calls = sumOf(counted, 'tool_calls_total');
    const value = calls > 0 ? sumOf(counted, 'tool_calls_succeeded') / calls : null;
    return {column: 'tool_success_rate', label, value, text: value === null ? 'n/a' : percent(value), how: 'sum of tool_calls_succeeded / sum of tool_calls_total'};
  }
  const rated = buckets.filter(b => b.values.tool_success_rate != null);
  if (!rated.length) return {column: 'tool_success_rate', label, value: null, text: 'n/a', how: 'no bucket has tool_success_rate'};
  const value = sumOf(rated, 'tool_success_rate') / rated.length;
  return {column: 'tool_success_rate', label, value, text: percent(value), how: `mean of tool_success_rate over ${rated.length} bucket(s)`};
}

const integer = (n: number) => (Math.abs(n) < 1e15 ? Math.round(n).toLocaleString('en-US') : n.toExponential(3));
const usd = (n: number) => `$${n.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 4})}`;
const percent = (n: number) => `${(n * 100).toFixed(1)}%`;
