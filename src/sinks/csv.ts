import {stringify} from 'csv-stringify/sync';
import type {BucketTotals} from '../metrics/accumulator.js';
import {CATALOG} from '../metrics/catalog.js';
import {PyCrash} from '../py/value.js';
import type {Bucket} from '../types.js';

/** The CSV header line's cells: `bucket`, then every catalog column. */
export const HEADER: readonly string[] = ['bucket', ...CATALOG.map(m => m.column)];

/** Called for a KPI the reference could not compute either (it would crash): its cell is left empty. */
export type OnUncomputable = (column: string, reason: string) => void;

/**
 * A bucket's KPI cells, in header order. A value that cannot be computed (a ratio of integers too
 * large for a float: the reference crashes there and loses every hour of its run) costs only its
 * cell, which is left empty, and is reported through `onUncomputable`.
 */
export function kpiCells(bucket: Bucket, totals: BucketTotals, onUncomputable?: OnUncomputable): string[] {
  return [bucket.key, ...CATALOG.map(m => {
    try {
      return m.cell(totals);
    } catch (error) {
      if (!(error instanceof PyCrash)) throw error;
      onUncomputable?.(m.column, error.message);
      return '';
    }
  })];
}

/**
 * CSV text of the given records. Cells are quoted only when they hold `,`, `"` or a newline,
 * quotes doubled, `\n` line ends: what the reference writes.
 */
export function toCsv(records: readonly string[][]): string {
  return stringify(records as string[][], {record_delimiter: '\n', quoted_match: undefined, eof: true});
}

/** The file the reference writes for one bucket: the header line and one data line. */
export function bucketCsv(bucket: Bucket, totals: BucketTotals): string {
  return toCsv([[...HEADER], kpiCells(bucket, totals)]);
}
