import {KpiError} from './errors.js';
import {optionError} from './options.js';
import type {Bucket} from './types.js';
import {formatDate, instantFromUtcFields, parseIsoDate, parseIsoDateTime, utcFields, type Instant, type IsoDateTime} from './time/iso.js';

const HOUR_S = 3600;

/**
 * Which buckets a run fills. Hourly buckets are consecutive hours from `base`; bucket index i is
 * the window [base + i h, base + (i+1) h). Labels, output paths and folder dates are written in
 * `offsetMicros`, the offset the hour was given in (UTC unless `--datetime` had one).
 */
export type BucketPlan =
  | {kind: 'hourly'; base: Instant; offsetMicros: number; indices: number[]}
  /** Every hour any event touches (stdin without hour flags); base is the epoch, UTC. */
  | {kind: 'touched'}
  | {kind: 'daily'; day: string};

/** An hour argument (`2026-04-24T14`, or any fromisoformat form) pinned to the start of its hour. */
export function hourStart(d: IsoDateTime): {base: Instant; offsetMicros: number} {
  const offsetMicros = d.offsetMicros ?? 0;
  const wall = instantFromUtcFields(d.year, d.month, d.day, d.hour, 0, 0, 0);
  return {base: shift(wall, -offsetMicros), offsetMicros};
}

/** Bucket index of an instant: floor((t - base) / 1 h), exactly. */
export function hourIndex(t: Instant, base: Instant): number {
  const ds = t.sec - base.sec;
  let index = Math.floor(ds / HOUR_S);
  const rest = (ds - index * HOUR_S) * 1e6 + (t.micro - base.micro);
  if (rest < 0) index--;
  else if (rest >= HOUR_S * 1e6) index++;
  return index;
}

export function shift(t: Instant, micros: number): Instant {
  const total = t.micro + micros;
  const sec = t.sec + Math.floor(total / 1e6);
  return {sec, micro: total - Math.floor(total / 1e6) * 1e6};
}

const EPOCH: Instant = {sec: 0, micro: 0};
/** Hours the reference can represent: from year 1 to the last hour whose end is still in year 9999. */
const FIRST_HOUR = hourIndex(instantFromUtcFields(1, 1, 1, 0, 0, 0, 0), EPOCH);
const LAST_HOUR = hourIndex(instantFromUtcFields(9999, 12, 31, 22, 0, 0, 0), EPOCH);

/** The hourly base and label offset of a plan (the epoch in UTC for `touched`). */
export function hourlyFrame(plan: BucketPlan): {base: Instant; offsetMicros: number} {
  return plan.kind === 'hourly' ? {base: plan.base, offsetMicros: plan.offsetMicros} : {base: EPOCH, offsetMicros: 0};
}

/** Is this index a bucket of a `touched` plan (representable hour)? */
export function isRepresentableHour(index: number): boolean {
  return index >= FIRST_HOUR && index <= LAST_HOUR;
}

/** The bucket with this index: its label, output path and window. */
export function bucketAt(plan: BucketPlan, index: number): Bucket {
  if (plan.kind === 'daily') return {key: plan.day, path: `daily/${plan.day}.csv`};
  const {base, offsetMicros} = hourlyFrame(plan);
  const start = shift(base, index * HOUR_S * 1e6);
  const wall = utcFields(shift(start, offsetMicros));
  const hh = String(wall.hour).padStart(2, '0');
  // Python's strftime('%Y') on Linux does not pad years before 1000; date.isoformat() does.
  const label = `${wall.year}-${pad2(wall.month)}-${pad2(wall.day)}`;
  return {key: `${label}T${hh}`, path: `hourly/${label}/${hh}.csv`, start, end: shift(start, HOUR_S * 1e6)};
}

/** The local date (YYYY-MM-DD) of a bucket's label: the folder its hour belongs to. */
export function bucketDay(plan: BucketPlan, index: number): string {
  if (plan.kind === 'daily') return plan.day;
  const {base, offsetMicros} = hourlyFrame(plan);
  const wall = utcFields(shift(shift(base, index * HOUR_S * 1e6), offsetMicros));
  return formatDate(wall.year, wall.month, wall.day);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The day before `day` (YYYY-MM-DD). */
export function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = utcFields(shift(instantFromUtcFields(y, m, d, 0, 0, 0, 0), -86_400e6));
  return formatDate(t.year, t.month, t.day);
}

/**
 * For each day folder to read, the bucket indices its files may contribute to: an hour of day D
 * reads folders D-1 and D only, so a file never reaches two days past its folder.
 */
export function folderBuckets(plan: BucketPlan): Map<string, Set<number>> {
  const byFolder = new Map<string, Set<number>>();
  const allow = (folder: string, index: number) => {
    let set = byFolder.get(folder);
    if (!set) byFolder.set(folder, (set = new Set()));
    set.add(index);
  };
  if (plan.kind === 'daily') allow(plan.day, 0);
  else if (plan.kind === 'hourly') {
    for (const index of plan.indices) {
      const day = bucketDay(plan, index);
      allow(previousDay(day), index);
      allow(day, index);
    }
  } else {
    throw new KpiError('KPI_OPTION_INVALID', 'every-touched-hour mode has no folder rule: it reads stdin');
  }
  return new Map([...byFolder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The flags that choose the buckets. */
export interface PlanFlags {
  /** A day folder, e.g. `2026-04-24`: the reference's daily file (`--daily-backfill`). */
  dailyBackfill?: string;
  /** One hour (`--datetime`). */
  datetime?: string;
  /** With `to`: every hour in `[from, to)` (`--from`, `--to`). */
  from?: string;
  to?: string;
  /** Rows without a folder: every touched hour unless hours are given (`--stdin`). */
  stdin?: boolean;
  /** The completed hours before now (`--hours`, default 1). */
  hours?: number;
  /** Now, for `hours` (`--now`; default the clock). */
  now?: string;
}

/** The buckets the flags ask for. */
export function planBuckets(argv: PlanFlags, now: Date): BucketPlan {
  if (argv.dailyBackfill !== undefined) {
    const day = parseIsoDate(argv.dailyBackfill);
    if (!day) throw optionError('--daily-backfill', 'a date like 2026-04-24', argv.dailyBackfill);
    return {kind: 'daily', day: formatDate(day.year, day.month, day.day)};
  }
  if (argv.datetime !== undefined) {
    const {base, offsetMicros} = hourStart(hourArg('--datetime', argv.datetime));
    return {kind: 'hourly', base, offsetMicros, indices: [0]};
  }
  if (argv.from !== undefined && argv.to !== undefined) {
    const from = hourStart(hourArg('--from', argv.from));
    const to = hourStart(hourArg('--to', argv.to));
    // Hours from `from`, stepping one hour, while before `to`.
    const last = hourIndex(to.base, from.base);
    const count = to.base.sec === from.base.sec + last * 3600 && to.base.micro === from.base.micro ? last : last + 1;
    if (count < 1) throw new KpiError('KPI_OPTION_INVALID', `--from must be before --to, got --from ${argv.from} --to ${argv.to}`);
    return {kind: 'hourly', base: from.base, offsetMicros: from.offsetMicros, indices: range(count)};
  }
  if (argv.stdin && argv.hours === undefined) return {kind: 'touched'};
  const hours = argv.hours ?? 1;
  const current = argv.now !== undefined ? hourStart(hourArg('--now', argv.now)) : hourStart(utcHour(now));
  // The completed hours before now: [now - hours h, now).
  const base = {sec: current.base.sec - hours * 3600, micro: current.base.micro};
  return {kind: 'hourly', base, offsetMicros: current.offsetMicros, indices: range(hours)};
}

function hourArg(flag: string, text: string): IsoDateTime {
  // Python's fromisoformat takes a bare date as midnight; as a flag that silently means T00.
  if (parseIsoDate(text)) throw optionError(flag, `an hour, not just a date: ${text}T00 for its first hour, or --from ${text}T00 --to <next day>T00 for the day`, text);
  const parsed = parseIsoDateTime(text);
  if (!parsed) throw optionError(flag, 'an ISO hour like 2026-04-24T14 (optionally with an offset)', text);
  return parsed;
}

function utcHour(now: Date): IsoDateTime {
  return {year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate(), hour: now.getUTCHours(), minute: 0, second: 0, micro: 0, offsetMicros: null};
}

const range = (n: number) => Array.from({length: n}, (_, i) => i);
