import {stringify} from 'csv-stringify/sync';
import type {BucketTotals} from '../metrics/accumulator.js';
import {CATALOG} from '../metrics/catalog.js';
import type {Bucket} from '../types.js';

/** The CSV header line's cells: `bucket`, then every catalog column. */
export const HEADER: readonly string[] = ['bucket', ...CATALOG.map(m => m.column)];

/** A bucket's KPI cells, in header order. */
export function kpiCells(bucket: Bucket, totals: BucketTotals): string[] {
  return [bucket.key, ...CATALOG.map(m => m.cell(totals))];
}

/**
 * CSV text of the given records. Cells are quoted only when they hold `,`, `"` or a newline,
 * quotes doubled, `\n` line ends: what the reference writes.
 */
export function toCsv(records: readonly string[][]): string {
  return stringify(records as string[][], {record_delimiter: '\n', quoted_match: undefined, eof: true});
}
