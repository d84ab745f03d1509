/**
 * Proleptic Gregorian day arithmetic, the calendar Python's `datetime` uses for every year.
 * Days are counted from 1970-01-01 (day 0) and may be negative; plain integer maths, no `Date`.
 */

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
/** Days from 0001-01-01 to 1970-01-01. */
const EPOCH_ORDINAL = 719162;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
}

/** Is this a date `datetime.date` accepts (years 1..9999)? */
export function isValidDate(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Days since 1970-01-01. Counts from March so the leap day ends a year, which makes the day of the
 * year a linear formula in the month (the "days from civil" method).
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * `daysFromCivil` for years 1 and up (month 1..12), a few operations shorter: every quotient is of
 * a non-negative number, so truncating `| 0` is the floor. For the timestamp fast path.
 */
export function daysFromCivilAD(year: number, month: number, day: number): number {
  const y = year - 1;
  const leapDay = month > 2 && isLeapYear(year) ? 1 : 0;
  return 365 * y + ((y / 4) | 0) - ((y / 100) | 0) + ((y / 400) | 0) - EPOCH_ORDINAL + DAYS_BEFORE_MONTH[month]! + leapDay + day - 1;
}

/** Inverse of `daysFromCivil`. */
export function civilFromDays(days: number): {year: number; month: number; day: number} {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const m = Math.floor((5 * dayOfYear + 2) / 153);
  const month = m < 10 ? m + 3 : m - 9;
  return {year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * m + 2) / 5) + 1};
}

/** Monday 0 .. Sunday 6 (1970-01-01 was a Thursday). */
export function weekday(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/**
 * The date of ISO year-week-day (week 1 holds the year's first Thursday), or null where
 * `date.fromisocalendar` would raise: year outside 1..9999, week 0 or past the year's last week
 * (53 only for years starting on a Thursday, or leap years starting on a Wednesday), day outside
 * 1..7, or a result past 9999-12-31 (9999-W52-6 is in year 10000).
 */
export function isoWeekDate(year: number, week: number, day: number): {year: number; month: number; day: number} | null {
  if (year < 1 || year > 9999 || week < 1 || week > 53 || day < 1 || day > 7) return null;
  const jan1 = daysFromCivil(year, 1, 1);
  const jan1Weekday = weekday(jan1);
  if (week === 53 && !(jan1Weekday === 3 || (jan1Weekday === 2 && isLeapYear(year)))) return null;
  const week1Monday = jan1 - jan1Weekday + (jan1Weekday > 3 ? 7 : 0);
  const ymd = civilFromDays(week1Monday + (week - 1) * 7 + day - 1);
  return ymd.year <= 9999 ? ymd : null;
}
