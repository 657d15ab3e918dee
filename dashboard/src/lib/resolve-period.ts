/*
 * Fiscal period arithmetic for the global period filter.
 *
 * A period key is what the URL holds: 'FY2025' (fiscal year), 'FY2025-Q2'
 * (fiscal quarter) or '2025-07' (calendar month). `resolvePeriod` turns a
 * key into inclusive day ranges for Cube's `dateRange`, together with the
 * previous period of the same length, the same period a year earlier, and
 * the month / quarter / year-to-date windows the board needs relative to
 * the data's as_of day.
 *
 * The windows compared with a period that is still running (plan to date,
 * previous period to the same elapsed point, same days a year earlier) come
 * from the contract's period-windows module (docs/metrics.md, definition
 * 17), which the KPI tree mart uses too: `periodWindowsOf` and
 * `comparableRanges` hand them on.
 *
 * Limits: day ranges are plain 'YYYY-MM-DD' strings in the warehouse's zone
 * (Cube applies the zone); a fiscal year starts on the 1st of a month.
 */
import { periodWindows, type PeriodKind, type PeriodWindows } from '../../../server/contract/period-windows';
import { fiscalQuarterOf, fiscalYearOf, parseDay } from './format';
import { DEFAULT_FISCAL_YEAR_START_MONTH } from '../../../server/contract/vocabulary';

export type { PeriodKind, PeriodWindows };

/** The model's time granularity of each period kind (the fiscal ones follow the settings' start month). */
export const PERIOD_GRANULARITY: Record<PeriodKind, 'fiscal_year' | 'fiscal_quarter' | 'month'> = {
  year: 'fiscal_year',
  quarter: 'fiscal_quarter',
  month: 'month',
};

export interface DayRange {
  start: string;
  end: string;
}

export interface ResolvedPeriod extends DayRange {
  key: string;
  kind: PeriodKind;
  fiscalYear: number;
  previousKey: string;
  yearAgoKey: string;
  previous: DayRange;
  yearAgo: DayRange;
  /** First day of each calendar month in the period. */
  months: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

function monthStart(year: number, month1: number): Date {
  return new Date(Date.UTC(year, month1 - 1, 1));
}
function addMonths(d: Date, n: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
function dayBefore(d: Date): Date {
  return new Date(d.getTime() - 86_400_000);
}

export function isPeriodKey(key: string | null | undefined): key is string {
  return !!key && (/^FY\d{4}$/.test(key) || /^FY\d{4}-Q[1-4]$/.test(key) || /^\d{4}-(0[1-9]|1[0-2])$/.test(key));
}

function parseKey(key: string, startMonth: number): { kind: PeriodKind; start: Date; months: number; fiscalYear: number } {
  let m = /^FY(\d{4})$/.exec(key);
  if (m) return { kind: 'year', start: monthStart(Number(m[1]), startMonth), months: 12, fiscalYear: Number(m[1]) };
  m = /^FY(\d{4})-Q([1-4])$/.exec(key);
  if (m) {
    return {
      kind: 'quarter',
      start: addMonths(monthStart(Number(m[1]), startMonth), (Number(m[2]) - 1) * 3),
      months: 3,
      fiscalYear: Number(m[1]),
    };
  }
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) {
    const start = monthStart(Number(m[1]), Number(m[2]));
    return { kind: 'month', start, months: 1, fiscalYear: fiscalYearOf(start, startMonth) };
  }
  throw new RangeError(`not a fiscal period key: ${key}`);
}

export function keyOf(kind: PeriodKind, start: Date, startMonth: number): string {
  if (kind === 'month') return `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}`;
  const fy = fiscalYearOf(start, startMonth);
  if (kind === 'year') return `FY${fy}`;
  return `FY${fy}-Q${fiscalQuarterOf(start, startMonth)}`;
}

function rangeOf(start: Date, months: number): DayRange {
  return { start: iso(start), end: iso(dayBefore(addMonths(start, months))) };
}

export function resolvePeriod(key: string, startMonth = DEFAULT_FISCAL_YEAR_START_MONTH): ResolvedPeriod {
  const p = parseKey(key, startMonth);
  const prevStart = addMonths(p.start, -p.months);
  const yearAgoStart = addMonths(p.start, -12);
  return {
    key,
    kind: p.kind,
    fiscalYear: p.fiscalYear,
    ...rangeOf(p.start, p.months),
    previousKey: keyOf(p.kind, prevStart, startMonth),
    yearAgoKey: keyOf(p.kind, yearAgoStart, startMonth),
    previous: rangeOf(prevStart, p.months),
    yearAgo: rangeOf(yearAgoStart, p.months),
    months: Array.from({ length: p.months }, (_, i) => iso(addMonths(p.start, i))),
  };
}

/** The fiscal year key that contains the day. */
export function currentFiscalYearKey(asOf: string, startMonth = DEFAULT_FISCAL_YEAR_START_MONTH): string {
  return `FY${fiscalYearOf(asOf, startMonth)}`;
}

export interface ToDateWindow extends DayRange {
  key: string;
  /** Last day of the whole month / quarter / year. */
  periodEnd: string;
  totalDays: number;
  elapsedDays: number;
  /** The same days a year earlier (definition 17). */
  yearAgo: DayRange;
  /** The plan to date: each month of the window with the share of its plan counted (definition 17). */
  planMonths: PeriodWindows['planMonths'];
}

export interface ToDateWindows {
  /** The day the windows end on: as_of, or the period's last day if it ended before. */
  reference: string;
  month: ToDateWindow;
  quarter: ToDateWindow;
  year: ToDateWindow;
}

/**
 * Month-, quarter- and fiscal-year-to-date windows for the board. Each
 * window runs from the start of the month / quarter / year that contains
 * the reference day up to the reference day; `totalDays` is the length of
 * the whole month / quarter / year (for the run-rate forecast). The year-ago
 * window and the plan to date are the contract's (definition 17).
 */
export function toDateWindows(period: ResolvedPeriod, asOf: string, startMonth = DEFAULT_FISCAL_YEAR_START_MONTH): ToDateWindows {
  const reference = asOf < period.end ? (asOf < period.start ? period.start : asOf) : period.end;
  const ref = parseDay(reference);
  const make = (kind: PeriodKind): ToDateWindow => {
    const resolved = resolvePeriod(keyOf(kind, ref, startMonth), startMonth);
    const w = periodWindows(kind, resolved.start, reference);
    return {
      key: resolved.key,
      start: w.current.start,
      end: w.current.end,
      periodEnd: w.full.end,
      totalDays: w.totalDays,
      elapsedDays: w.elapsedDays,
      yearAgo: w.yearAgo,
      planMonths: w.planMonths,
    };
  };
  return { reference, month: make('month'), quarter: make('quarter'), year: make('year') };
}

/** Period keys to offer in the picker: fiscal years, their quarters and months, newest first, up to as_of. */
export function periodOptions(
  firstDay: string,
  asOf: string,
  startMonth = DEFAULT_FISCAL_YEAR_START_MONTH,
): { years: string[]; quarters: string[]; months: string[] } {
  const firstFy = fiscalYearOf(firstDay, startMonth);
  const lastFy = fiscalYearOf(asOf, startMonth);
  const years: string[] = [];
  const quarters: string[] = [];
  const months: string[] = [];
  const asOfMonth = asOf.slice(0, 7);
  for (let fy = lastFy; fy >= firstFy; fy--) {
    years.push(`FY${fy}`);
    for (let q = 4; q >= 1; q--) {
      const r = resolvePeriod(`FY${fy}-Q${q}`, startMonth);
      if (r.start <= asOf) quarters.push(r.key);
    }
    const r = resolvePeriod(`FY${fy}`, startMonth);
    for (const m of [...r.months].reverse())
      if (m.slice(0, 7) <= asOfMonth && m.slice(0, 7) >= firstDay.slice(0, 7)) months.push(m.slice(0, 7));
  }
  return { years, quarters, months };
}

/** The like windows of the period as of the day (definition 17): plan to date, previous and year-ago windows. */
export function periodWindowsOf(period: ResolvedPeriod, asOf: string): PeriodWindows {
  return periodWindows(period.kind, period.start, asOf);
}

/**
 * The part of the period up to as_of, and the previous period and the same
 * period a year earlier to the same elapsed point (definition 17) — so a
 * fiscal year in progress is compared with the same span, not with a whole
 * year.
 */
export function comparableRanges(
  period: ResolvedPeriod,
  asOf: string,
): { current: DayRange; previous: DayRange; yearAgo: DayRange; complete: boolean } {
  const w = periodWindowsOf(period, asOf);
  return { current: w.current, previous: w.previous, yearAgo: w.yearAgo, complete: !w.isPartial };
}

/** The day a stock (backlog, pipeline) is read at for a period: its last day, or as_of while it runs. */
export function referenceDay(period: DayRange, asOf: string): string {
  if (asOf < period.start) return period.start;
  return asOf < period.end ? asOf : period.end;
}
