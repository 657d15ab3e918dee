/*
 * Like windows for a live period (docs/metrics.md, definition 17): for a
 * period (calendar month, fiscal quarter, fiscal year) and the data's as-of
 * day, the days that each comparison covers. Every consumer — the KPI tree
 * mart, the board, the review page, the API — takes its windows from here,
 * so a partial period is never set against a whole one.
 *
 * Rules (written once, here):
 * - The period is **partial** when it holds the as-of day (as-of before its
 *   last day); `through` is the last day counted: as-of while the period
 *   runs, else its last day. A closed period compares whole windows.
 * - The **elapsed point** is whole months plus day of month: the previous
 *   period and the year-ago period end the same number of months after
 *   their start and on the same day of the month; when that day does not
 *   exist in the earlier month, or `through` is its month's last day, the
 *   earlier month's last day (Nov 20 → Oct 20 and 2025-11-20; 2027-02-28
 *   → 2026-02-28; Mar 31 → Feb 28).
 * - The **plan to date** is the monthly phased plan of every month of the
 *   period before `through`'s month, plus `through`'s month pro-rated by
 *   calendar days elapsed (as-of day included: 20 of November's 30 days =
 *   2/3 of November's plan). `planMonths` gives each month with its share.
 *
 * Browser-safe: plain 'YYYY-MM-DD' strings, no time zone (days are local
 * days of the settings' zone, cut by the caller); imports only the contract.
 */
import { shiftMonth } from './funnel.js';

export type PeriodKind = 'year' | 'quarter' | 'month';

/** Months in a period of each kind. */
export const PERIOD_MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, year: 12 };

/** Inclusive range of local days, 'YYYY-MM-DD'. */
export interface DayRange {
  start: string;
  end: string;
}

export interface PlanMonthShare {
  /** 'YYYY-MM-01' */
  month: string;
  /** Share of the month's plan counted to date: 1 for a whole month, elapsed ÷ days in month for `through`'s month. */
  share: number;
}

export interface PeriodWindows {
  kind: PeriodKind;
  /** The whole period. */
  full: DayRange;
  /** True while the period holds the as-of day (it runs past it). */
  isPartial: boolean;
  /** Last day counted: as-of while the period runs, else the period's last day. */
  through: string;
  /** The period to `through`. */
  current: DayRange;
  /** The previous period to the same elapsed point (its whole length when closed). */
  previous: DayRange;
  previousFull: DayRange;
  /** The same days a year earlier. */
  yearAgo: DayRange;
  yearAgoFull: DayRange;
  /** The plan to date, month by month with the share counted. */
  planMonths: PlanMonthShare[];
  /** Every month of the period: the full-period (通期) plan. */
  fullPlanMonths: string[];
  elapsedDays: number;
  totalDays: number;
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})/;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parts(day: string): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day 'YYYY-MM-DD': ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Days in the month of 'YYYY-MM-…'. */
export function daysInMonth(day: string): number {
  const [y, m] = parts(day);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The month start 'YYYY-MM-01' of a day. */
export const monthOf = (day: string): string => `${day.slice(0, 7)}-01`;

/** The day before / after, 'YYYY-MM-DD'. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Inclusive number of days from a to b. */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = parts(a);
  const [yb, mb, db] = parts(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000) + 1;
}

/**
 * The same elapsed point `months` calendar months away: same day of month,
 * or the month's last day where the day does not exist there or `day` is
 * its own month's last day.
 */
export function shiftElapsedDay(day: string, months: number): string {
  const [, , d] = parts(day);
  const month = shiftMonth(monthOf(day), months);
  const last = daysInMonth(month);
  const target = d >= daysInMonth(day) ? last : Math.min(d, last);
  return `${month.slice(0, 8)}${pad(target)}`;
}

/** A range moved `months` calendar months with the elapsed-point rule on its end (its start is a month start). */
export function shiftRange(range: DayRange, months: number): DayRange {
  return { start: shiftMonth(monthOf(range.start), months), end: shiftElapsedDay(range.end, months) };
}

/** The windows of the period of `kind` starting on `start` ('YYYY-MM-01'), as of `asOf` ('YYYY-MM-DD…'). */
export function periodWindows(kind: PeriodKind, start: string, asOf: string): PeriodWindows {
  const months = PERIOD_MONTHS[kind];
  const periodStart = monthOf(start);
  const full = { start: periodStart, end: addDays(shiftMonth(periodStart, months), -1) };
  const asOfDay = asOf.slice(0, 10);
  const isPartial = asOfDay < full.end;
  // A period that has not begun counts nothing of itself: through is the day before its start.
  const through = isPartial ? (asOfDay < full.start ? addDays(full.start, -1) : asOfDay) : full.end;
  const current = { start: full.start, end: through };
  const earlier = (shift: number): DayRange =>
    through < full.start
      ? { start: shiftMonth(full.start, shift), end: addDays(shiftMonth(full.start, shift), -1) }
      : shiftRange(current, shift);
  const fullPlanMonths = Array.from({ length: months }, (_, i) => shiftMonth(periodStart, i));
  const planMonths: PlanMonthShare[] = [];
  for (const month of fullPlanMonths) {
    if (month > through) break;
    const share = monthOf(through) === month ? Number(through.slice(8, 10)) / daysInMonth(month) : 1;
    planMonths.push({ month, share });
  }
  return {
    kind,
    full,
    isPartial,
    through,
    current,
    previous: earlier(-months),
    previousFull: shiftRange(full, -months),
    yearAgo: earlier(-12),
    yearAgoFull: shiftRange(full, -12),
    planMonths,
    fullPlanMonths,
    elapsedDays: through < full.start ? 0 : daysBetween(full.start, through),
    totalDays: daysBetween(full.start, full.end),
  };
}

/** The plan to date from monthly values: Σ month value × share counted (definition 17). */
export function planToDate(windows: Pick<PeriodWindows, 'planMonths'>, monthly: (month: string) => number): number {
  return windows.planMonths.reduce((s, m) => s + monthly(m.month) * m.share, 0);
}
