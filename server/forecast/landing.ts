/*
 * The landing forecast 着地見込み (docs/metrics.md, definition 18) around its
 * components (components.ts): the point, the straight-line pace beside it,
 * the backtest at every month-end of the past fiscal years, and the 80 %
 * interval from the backtest's errors. Used by the marts
 * forecast_backtest and forecast_landing; docs/forecast.md explains the
 * method and carries the backtest table (npm run backtest).
 *
 * Point  = actual to date + pipeline + to come + recurring. Without a year
 *          of history before the cutoff (no last-year analog) the point is
 *          the straight-line pace (basis 'pace_fallback'); without a renewal
 *          rate, the recurring part is paced (basis 'recurring_paced').
 * Pace   = actual to date ÷ share of the period lived (days), the baseline.
 * 80 %   = the remaining part (point − actual to date) × exp(±1.2816 σ),
 *          σ² = the backtest's mean squared log error of the remaining part
 *          (ln(actual remaining ÷ forecast remaining), bias included) at
 *          months remaining within ±1 of the period's, for the same metric
 *          and basis + the binomial variance of the pipeline term relative
 *          to the remaining part. A normal approximation on the log scale;
 *          the low end never falls below the actual to date.
 *
 * Limits: the backtest covers fiscal years only (quarters and months borrow
 * the year's errors at the same months remaining, which is a rough guide);
 * deal amounts and stages are as the data holds them today (no history of
 * amount changes).
 */
import { componentsSql, type ComponentRow, type ComponentWindow } from './components.js';
import { fiscalYearOfMonth } from '../contract/vocabulary.js';

export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** z of the 90th percentile: a central 80 % interval. */
const Z80 = 1.2815515655446004;

export const BASES = ['components', 'recurring_paced', 'pace_fallback'] as const;
export type Basis = (typeof BASES)[number];

export const FORECAST_BACKTEST_COLUMNS = {
  backtest_id: 'varchar',
  fiscal_year: 'integer',
  period_label: 'varchar',
  /** The last day known to the forecast (a month-end). */
  cutoff_date: 'timestamp',
  months_remaining: 'integer',
  metric: 'varchar',
  stage: 'varchar',
  basis: 'varchar',
  actual: 'double',
  actual_to_date: 'double',
  pipeline: 'double',
  to_come: 'double',
  recurring: 'double',
  forecast: 'double',
  pace: 'double',
  /** (forecast − actual) ÷ actual; likewise for the pace. */
  forecast_error: 'double',
  pace_error: 'double',
  forecast_ape: 'double',
  pace_ape: 'double',
  /** ln(actual remaining ÷ forecast remaining): the interval's error term. */
  remaining_log_error: 'double',
} as const;

export const FORECAST_LANDING_COLUMNS = {
  forecast_id: 'varchar',
  period_type: 'varchar',
  period_label: 'varchar',
  period_start: 'timestamp',
  period_end: 'timestamp',
  as_of_date: 'timestamp',
  share_lived: 'double',
  months_remaining: 'double',
  metric: 'varchar',
  stage: 'varchar',
  sort_order: 'integer',
  basis: 'varchar',
  actual_to_date: 'double',
  pipeline: 'double',
  to_come: 'double',
  recurring: 'double',
  forecast: 'double',
  forecast_low: 'double',
  forecast_high: 'double',
  pace: 'double',
  renewal_rate: 'double',
  expansion_per_month: 'double',
  /** Backtest points behind the interval's error term. */
  interval_points: 'integer',
} as const;

type Row<C> = { [K in keyof C]: C[K] extends 'varchar' | 'timestamp' ? string | null : number | null };
export type BacktestRow = Row<typeof FORECAST_BACKTEST_COLUMNS>;
export type LandingRow = Row<typeof FORECAST_LANDING_COLUMNS>;

// ---- calendar (local days as 'YYYY-MM-DD', computed in UTC so no zone shifts them) ----

const toDay = (d: Date) => d.toISOString().slice(0, 10);
const fromDay = (s: string) => new Date(`${s}T00:00:00Z`);
const addMonths = (s: string, n: number) => {
  const d = fromDay(s);
  return toDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate())));
};
const addDays = (s: string, n: number) => toDay(new Date(fromDay(s).getTime() + n * 86_400_000));
const daysBetween = (a: string, b: string) => Math.round((fromDay(b).getTime() - fromDay(a).getTime()) / 86_400_000);

export interface Period {
  type: 'fiscal_year' | 'fiscal_quarter' | 'month';
  label: string;
  start: string;
  /** Exclusive. */
  end: string;
}

export function fiscalYearStart(day: string, startMonth: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const year = fiscalYearOfMonth(y, m, startMonth);
  return `${year}-${String(startMonth).padStart(2, '0')}-01`;
}

/** The fiscal year, fiscal quarter and month holding `day`, labelled as the KPI tree labels them. */
export function periodsHolding(day: string, startMonth: number): Period[] {
  const fyStart = fiscalYearStart(day, startMonth);
  const fy = Number(fyStart.slice(0, 4));
  const monthIndex = (Number(day.slice(0, 4)) - fy) * 12 + Number(day.slice(5, 7)) - startMonth;
  const quarter = Math.floor(monthIndex / 3);
  const qStart = addMonths(fyStart, quarter * 3);
  const mStart = `${day.slice(0, 7)}-01`;
  return [
    { type: 'fiscal_year', label: `FY${fy}`, start: fyStart, end: addMonths(fyStart, 12) },
    { type: 'fiscal_quarter', label: `FY${fy} Q${quarter + 1}`, start: qStart, end: addMonths(qStart, 3) },
    { type: 'month', label: day.slice(0, 7), start: mStart, end: addMonths(mStart, 1) },
  ];
}

/** Fiscal years wholly inside the data: starting on or after the first data month, ended by the as-of day. */
export function pastFiscalYears(firstDay: string, asOfDay: string, startMonth: number): Period[] {
  const firstMonth = `${firstDay.slice(0, 7)}-01`;
  const out: Period[] = [];
  for (
    let start = fiscalYearStart(firstDay, startMonth);
    addMonths(start, 12) <= addDays(asOfDay, 1);
    start = addMonths(start, 12)
  ) {
    if (start >= firstMonth) out.push({ type: 'fiscal_year', label: `FY${start.slice(0, 4)}`, start, end: addMonths(start, 12) });
  }
  return out;
}

// ---- components → point ----

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toComponentRows(rows: Record<string, unknown>[]): ComponentRow[] {
  return rows.map((r) => ({
    window_id: Number(r.window_id),
    metric: String(r.metric) as ComponentRow['metric'],
    stage: String(r.stage),
    actual_to_date: Number(r.actual_to_date),
    pipeline: Number(r.pipeline),
    to_come: Number(r.to_come),
    recurring: Number(r.recurring),
    pipeline_variance: Number(r.pipeline_variance),
    recurring_to_date: Number(r.recurring_to_date),
    has_history: r.has_history === true || r.has_history === 'true',
    renewal_rate: num(r.renewal_rate),
    expansion_per_month: num(r.expansion_per_month),
  }));
}

export interface Point {
  basis: Basis;
  pipeline: number | null;
  toCome: number | null;
  recurring: number | null;
  forecast: number;
  pace: number;
}

/** The point and the pace from one component row, `share` = share of the period lived. */
export function pointOf(c: ComponentRow, share: number): Point {
  const pace = share > 0 ? c.actual_to_date / share : 0;
  if (!c.has_history) return { basis: 'pace_fallback', pipeline: null, toCome: null, recurring: null, forecast: pace, pace };
  const paced = c.metric === 'revenue' && c.renewal_rate === null;
  const recurring = paced ? (share > 0 ? (c.recurring_to_date / share) * (1 - share) : 0) : c.recurring;
  return {
    basis: paced ? 'recurring_paced' : 'components',
    pipeline: c.pipeline,
    toCome: c.to_come,
    recurring,
    forecast: c.actual_to_date + c.pipeline + c.to_come + recurring,
    pace,
  };
}

/** The components of one period at one cutoff. */
export async function components(query: Query, cutoff: string, period: Period): Promise<ComponentRow[]> {
  return (await componentsOfWindows(query, [{ cutoff, start: period.start, end: period.end }]))[0]!;
}

/** The components of each window, in the order asked for, from one query (components.ts). */
export async function componentsOfWindows(query: Query, windows: readonly ComponentWindow[]): Promise<ComponentRow[][]> {
  const out = windows.map((): ComponentRow[] => []);
  for (const c of toComponentRows(await query(componentsSql(windows)))) out[c.window_id]!.push(c);
  return out;
}

const key = (c: { metric: string; stage: string }) => `${c.metric}|${c.stage}`;

// ---- backtest ----

export async function backtestRows(query: Query, years: readonly Period[]): Promise<BacktestRow[]> {
  if (!years.length) return [];
  // per year: the year-end (the actual), then the cutoff after each of its first 11 months; all in one query
  const cutoffsOf = (year: Period) => Array.from({ length: 12 }, (_, lived) => addMonths(year.start, lived || 12));
  const windows = years.flatMap((year) => cutoffsOf(year).map((cutoff) => ({ cutoff, start: year.start, end: year.end })));
  const results = await componentsOfWindows(query, windows);
  const out: BacktestRow[] = [];
  for (const [y, year] of years.entries()) {
    const cutoffs = cutoffsOf(year);
    const final = new Map(results[y * 12]!.map((c) => [key(c), c.actual_to_date]));
    for (let lived = 1; lived < 12; lived++) {
      const cutoff = cutoffs[lived]!;
      const share = daysBetween(year.start, cutoff) / daysBetween(year.start, year.end);
      for (const c of results[y * 12 + lived]!) {
        const actual = final.get(key(c)) ?? 0;
        const p = pointOf(c, share);
        const rel = (x: number) => (actual > 0 ? (x - actual) / actual : null);
        const remainingActual = actual - c.actual_to_date;
        const remainingForecast = p.forecast - c.actual_to_date;
        out.push({
          backtest_id: `${year.label}|${cutoff}|${key(c)}`,
          fiscal_year: Number(year.start.slice(0, 4)),
          period_label: year.label,
          cutoff_date: addDays(cutoff, -1),
          months_remaining: 12 - lived,
          metric: c.metric,
          stage: c.stage,
          basis: p.basis,
          actual,
          actual_to_date: c.actual_to_date,
          pipeline: p.pipeline,
          to_come: p.toCome,
          recurring: p.recurring,
          forecast: p.forecast,
          pace: p.pace,
          forecast_error: rel(p.forecast),
          pace_error: rel(p.pace),
          forecast_ape: actual > 0 ? Math.abs(rel(p.forecast)!) : null,
          pace_ape: actual > 0 ? Math.abs(rel(p.pace)!) : null,
          remaining_log_error:
            remainingActual > 0 && remainingForecast > 0 ? Math.log(remainingActual / remainingForecast) : null,
        });
      }
    }
  }
  return out;
}

// ---- interval ----

export interface Interval {
  low: number;
  high: number;
  points: number;
}

/**
 * The 80 % interval of a point (see the header): backtest points of the same
 * metric, stage and basis within ±1 month remaining (the nearest ones when none).
 */
export function intervalOf(
  point: Point,
  c: ComponentRow,
  monthsRemaining: number,
  backtest: readonly Pick<BacktestRow, 'metric' | 'stage' | 'basis' | 'months_remaining' | 'remaining_log_error'>[],
): Interval {
  const remaining = point.forecast - c.actual_to_date;
  if (!(remaining > 0)) return { low: point.forecast, high: point.forecast, points: 0 };
  const same = backtest.filter(
    (b) => b.metric === c.metric && b.stage === c.stage && b.basis === point.basis && b.remaining_log_error !== null,
  );
  const distance = (b: (typeof same)[number]) => Math.abs(Number(b.months_remaining) - monthsRemaining);
  const nearest = same.length ? Math.max(1, Math.min(...same.map(distance))) : 0;
  const used = same.filter((b) => distance(b) <= nearest);
  const backtestVar = used.length ? used.reduce((s, b) => s + Number(b.remaining_log_error) ** 2, 0) / used.length : 0;
  const pipelineVar = point.basis === 'pace_fallback' ? 0 : c.pipeline_variance / remaining ** 2;
  const sigma = Math.sqrt(backtestVar + pipelineVar);
  return {
    low: c.actual_to_date + remaining * Math.exp(-Z80 * sigma),
    high: c.actual_to_date + remaining * Math.exp(Z80 * sigma),
    points: used.length,
  };
}

// ---- live ----

export interface LandingSettings {
  asOfDate: string;
  fiscalYearStartMonth: number;
}

export async function landingRows(
  query: Query,
  settings: LandingSettings,
  backtest: readonly BacktestRow[],
): Promise<LandingRow[]> {
  const cutoff = addDays(settings.asOfDate, 1);
  const out: LandingRow[] = [];
  const periods = periodsHolding(settings.asOfDate, settings.fiscalYearStartMonth);
  const results = await componentsOfWindows(
    query,
    periods.map((period) => ({ cutoff, start: period.start, end: period.end })),
  );
  for (const [n, period] of periods.entries()) {
    const length = daysBetween(period.start, period.end);
    const lived = daysBetween(period.start, cutoff);
    const share = lived / length;
    // months remaining on the backtest's scale: the year's 12 months per its days
    const monthsRemaining = ((length - lived) / daysBetween(period.start, addMonths(period.start, 12))) * 12;
    for (const [i, c] of results[n]!.entries()) {
      const p = pointOf(c, share);
      const interval = intervalOf(p, c, monthsRemaining, backtest);
      out.push({
        forecast_id: `${period.type}|${period.label}|${key(c)}`,
        period_type: period.type,
        period_label: period.label,
        period_start: period.start,
        period_end: period.end,
        as_of_date: settings.asOfDate,
        share_lived: share,
        months_remaining: monthsRemaining,
        metric: c.metric,
        stage: c.stage,
        sort_order: i,
        basis: p.basis,
        actual_to_date: c.actual_to_date,
        pipeline: p.pipeline,
        to_come: p.toCome,
        recurring: p.recurring,
        forecast: p.forecast,
        forecast_low: interval.low,
        forecast_high: interval.high,
        pace: p.pace,
        renewal_rate: c.renewal_rate,
        expansion_per_month: c.expansion_per_month,
        interval_points: interval.points,
      });
    }
  }
  return out;
}
