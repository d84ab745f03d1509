/**
 * The tests' own reading of KPI CSV folders, independent of src/html-report (which uses
 * csv-parse): a header and one row, split on commas outside double quotes.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

export interface CsvFile {
  path: string;
  kind: 'hour' | 'day';
  /** `YYYY-MM-DD` of the file's hour or day. */
  day: string;
  /** The header's columns, and each column's cell. */
  columns: string[];
  cells: Map<string, string>;
}

export function readKpiFolder(dir: string): CsvFile[] {
  const out: CsvFile[] = [];
  const list = (rel: string) => {
    try {
      return readdirSync(join(dir, rel)).sort();
    } catch {
      return [];
    }
  };
  for (const day of list('hourly')) for (const hour of list(`hourly/${day}`)) out.push(readOne(dir, `hourly/${day}/${hour}`, 'hour', day));
  for (const name of list('daily')) out.push(readOne(dir, `daily/${name}`, 'day', name.replace(/\.csv$/, '')));
  return out;
}

function readOne(dir: string, path: string, kind: 'hour' | 'day', day: string): CsvFile {
  const [header, row] = readFileSync(join(dir, path), 'utf8').split('\n') as [string, string];
  const columns = header.split(',');
  const values = splitRow(row);
  if (values.length !== columns.length) throw new Error(`${path}: ${values.length} cells under ${columns.length} columns`);
  return {path, kind, day, columns, cells: new Map(columns.map((c, i) => [c, values[i]!]))};
}

/** RFC 4180 cells of one line: `""` inside quotes is a quote. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') (cell += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) cells.push(cell), (cell = '');
    else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Σ of the finite values of `column` (nan and inf left out, as the page says it does). */
export function sum(files: readonly CsvFile[], column: string): number {
  let total = 0;
  for (const f of files) {
    const value = Number(f.cells.get(column));
    if (f.cells.has(column) && Number.isFinite(value)) total += value;
  }
  return total;
}

/** How many files hold a finite number in `column`: the points its chart must draw. */
export function finiteCount(files: readonly CsvFile[], column: string): number {
  return files.filter(f => f.cells.has(column) && Number.isFinite(Number(f.cells.get(column)))).length;
}

const isFinite = (cell: string | undefined) => cell !== undefined && cell !== '' && Number.isFinite(Number(cell));

/**
 * One value of `column` per day of the day view, as the page should show it: a day's daily file
 * when there is one, else the sum over its hourly files (null when one of them is nan/inf),
 * undefined when no file of the day has the column. For summed columns only.
 */
export function dayValues(files: readonly CsvFile[], column: string): Array<number | null | undefined> {
  const days = [...new Set(files.map(f => f.day))].sort();
  return days.map(day => {
    const daily = files.find(f => f.kind === 'day' && f.day === day);
    if (daily) return daily.cells.has(column) ? (isFinite(daily.cells.get(column)) ? Number(daily.cells.get(column)) : null) : undefined;
    const hours = files.filter(f => f.kind === 'hour' && f.day === day && f.cells.has(column));
    if (!hours.length) return undefined;
    if (!hours.every(h => isFinite(h.cells.get(column)))) return null;
    return hours.reduce((s, h) => s + Number(h.cells.get(column)), 0);
  });
}

/** Whether a JSON map cell has at least one finite number (what a stacked chart can draw). */
export function hasFiniteEntry(cell: string | undefined): boolean {
  if (cell === undefined) return false;
  try {
    const map = JSON.parse(cell.replace(/-?\bInfinity\b|\bNaN\b/g, 'null')) as Record<string, unknown>;
    return Object.values(map).some(v => typeof v === 'number' && Number.isFinite(v));
  } catch {
    return false;
  }
}
