import {planBuckets, type BucketPlan} from '../buckets.js';
import {wholeNumber} from '../options.js';

/*
 * Bucket plans for library callers, one per way the CLI picks hours. Each is the CLI's own
 * planning (planBuckets) given just the flag it stands for, so both plan the same buckets and
 * reject the same arguments (KpiError KPI_OPTION_INVALID).
 */

/** One hour, e.g. `2026-04-24T14`; an offset (`2026-04-24T14+02:00`) labels it in that offset (`--datetime`). */
export function planHour(hour: string): BucketPlan {
  return planBuckets({datetime: hour}, new Date());
}

/** Every hour in `[from, to)`, e.g. `planRange('2026-04-20T00', '2026-04-27T00')`: a week (`--from/--to`). */
export function planRange(from: string, to: string): BucketPlan {
  return planBuckets({from, to}, new Date());
}

/** The `hours` completed hours before `now` (default: the clock), in UTC (`--hours`). */
export function planLastHours(hours: number, now: Date = new Date()): BucketPlan {
  return planBuckets({hours: wholeNumber('hours', hours, 1)}, now);
}

/** The reference's daily file for one day folder, e.g. `2026-04-24`: every file, unwindowed (`--daily-backfill`). */
export function planDay(day: string): BucketPlan {
  return planBuckets({dailyBackfill: day}, new Date());
}

/** Every hour any event touches, with no folder rule: for rows that come without a folder (`--stdin`). */
export function planTouchedHours(): BucketPlan {
  return planBuckets({stdin: true}, new Date());
}
