/*
 * Revenue against target for a to-date window, and the run-rate forecast
 * to the window's end: actual ÷ elapsed days × total days. A window that
 * has ended forecasts its actual. The target is the whole window's target
 * (sum of its fiscal months), so attainment reads "how much of the month /
 * quarter / year target is already won".
 */

export interface MonthValue {
  /** 'YYYY-MM-01' */
  month: string;
  value: number | null;
}

export interface Attainment {
  actual: number;
  target: number | null;
  attainment: number | null;
  forecast: number;
  forecastAttainment: number | null;
  /** Share of the window's days elapsed, 0..1. */
  elapsed: number;
}

/** Sum of the values whose month lies in [start, end] (days 'YYYY-MM-DD', month keys compared by month). */
export function sumMonths(values: MonthValue[], start: string, end: string): { sum: number; count: number } {
  const from = start.slice(0, 7);
  const to = end.slice(0, 7);
  let sum = 0;
  let count = 0;
  for (const v of values) {
    const m = v.month.slice(0, 7);
    if (m >= from && m <= to && v.value !== null) {
      sum += v.value;
      count++;
    }
  }
  return { sum, count };
}

export function computeAttainment(input: {
  actuals: MonthValue[];
  targets: MonthValue[];
  window: { start: string; end: string; totalDays: number; elapsedDays: number };
  /** Last day of the whole window (for the target), 'YYYY-MM-DD'. */
  windowEnd: string;
}): Attainment {
  const { actuals, targets, window, windowEnd } = input;
  const actual = sumMonths(actuals, window.start, window.end).sum;
  const t = sumMonths(targets, window.start, windowEnd);
  const target = t.count > 0 ? t.sum : null;
  const elapsed = window.totalDays > 0 ? Math.min(1, window.elapsedDays / window.totalDays) : 1;
  const forecast = elapsed > 0 ? actual / elapsed : actual;
  return {
    actual,
    target,
    attainment: target && target > 0 ? actual / target : null,
    forecast,
    forecastAttainment: target && target > 0 ? forecast / target : null,
    elapsed,
  };
}
