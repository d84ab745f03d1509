import type {BucketTotals} from './accumulator.js';

/** One KPI column: how its CSV cell is computed from a bucket's totals. */
export interface Metric {
  /** CSV column name, as the reference writes it. */
  column: string;
  /** One sentence for --help and the README. */
  description: string;
  /** The cell text, exactly as Python's `str()` prints the reference's value. */
  cell(totals: BucketTotals): string;
}

export function defineMetric(metric: Metric): Metric {
  return metric;
}
