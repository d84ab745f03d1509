import {parse} from 'csv-parse/sync';
import {V2_MARKER} from './columns.js';

/** One KPI CSV as a run wrote it: its path below the KPI folder (or dataset) and its text. */
export interface KpiFile {
  /** `hourly/YYYY-MM-DD/HH.csv` or `daily/YYYY-MM-DD.csv`, with `/`. */
  path: string;
  text: string;
}

/** Where a path puts a KPI file in time. */
export interface KpiPlace {
  kind: 'hour' | 'day';
  /** Start of the hour or day, in seconds since the epoch (UTC). */
  time: number;
}

/** One KPI file's row: the raw cells by column name, as the CSV holds them. */
export interface KpiRow extends KpiPlace {
  path: string;
  /** The file's `bucket` cell. */
  bucket: string;
  /** v2 when the header has the later upstream script's columns. */
  schema: 'v1' | 'v2';
  cells: Record<string, string>;
}

/** A file that is not a KPI file as a run writes it; the message says why. */
export class KpiFileError extends Error {}

// The reference writes `%Y-%m-%d`, so year 1 is `1-01-01`.
const HOURLY = /^hourly\/(\d{1,4})-(\d{2})-(\d{2})\/(\d{2})\.csv$/;
const DAILY = /^daily\/(\d{1,4})-(\d{2})-(\d{2})\.csv$/;

/** The hour or day a KPI path stands for; undefined for any other path (not a KPI file). */
export function kpiPlace(path: string): KpiPlace | undefined {
  const hourly = HOURLY.exec(path);
  const daily = hourly ? undefined : DAILY.exec(path);
  const m = hourly ?? daily;
  if (!m) return undefined;
  const [year, month, day, hour] = [Number(m[1]), Number(m[2]), Number(m[3]), hourly ? Number(m[4]) : 0];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years below 100 as 19xx
  date.setUTCHours(hour, 0, 0, 0);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23) return undefined;
  return {kind: hourly ? 'hour' : 'day', time: date.getTime() / 1000};
}

/** Reads one KPI file: a header starting with `bucket` and one row. Throws KpiFileError. */
export function parseKpiFile(file: KpiFile): KpiRow {
  const place = kpiPlace(file.path);
  if (!place) throw new KpiFileError('not a KPI path (hourly/YYYY-MM-DD/HH.csv or daily/YYYY-MM-DD.csv)');
  let records: string[][];
  try {
    records = parse(file.text, {bom: true, skip_empty_lines: true}) as string[][];
  } catch (error) {
    throw new KpiFileError(`not valid CSV: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new KpiFileError('empty');
  const [header, ...rows] = records as [string[], ...string[][]];
  if (header[0] !== 'bucket') throw new KpiFileError(`the header must start with "bucket", got ${JSON.stringify(header[0]?.slice(0, 40))}`);
  if (rows.length !== 1) throw new KpiFileError(`a KPI file has one row under its header, this one has ${rows.length}`);
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) throw new KpiFileError(`the header names column ${JSON.stringify(column)} twice`);
    seen.add(column);
  }
  const cells: Record<string, string> = {};
  header.slice(1).forEach((column, i) => (cells[column] = rows[0]![i + 1]!));
  return {...place, path: file.path, bucket: rows[0]![0]!, schema: header.includes(V2_MARKER) ? 'v2' : 'v1', cells};
}

/**
 * A cell as Python wrote the number: an int, a float `repr` (`1e+16`, `-0.0`), or `nan`/`inf`.
 * Undefined when the cell is not a number (a JSON map, text).
 */
export function parseNumberCell(cell: string): number | undefined {
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) return Number(cell);
  if (cell === 'nan') return NaN;
  if (cell === 'inf') return Infinity;
  if (cell === '-inf') return -Infinity;
  return undefined;
}
