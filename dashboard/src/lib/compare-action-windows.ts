/*
 * Did the action move its KPI? The before and after windows of an action's
 * start date, in whole months of the KPI tree (kpi_tree, period_type
 * month), of the same length:
 *   after   the complete months from the start on: the start's month when
 *           it starts on the 1st, else the next one, up to the last month
 *           complete at as_of; at most `maxMonths`
 *   before  as many months, ending with the month before the start's month
 * A start in mid-month leaves its own month out of both windows (it is
 * neither before nor after). No complete month since the start: null.
 * Each window's value is the mean of its monthly actuals — the same reading
 * for counts, amounts and ratios ("per month"), never a sum of ratios.
 * Lower is better only for day-valued nodes (sales cycle).
 */

export interface MonthWindow {
  /** First day of each month, 'YYYY-MM-01', oldest first. */
  months: string[];
  start: string;
  /** Last day of the window. */
  end: string;
}

export interface ActionWindows {
  before: MonthWindow;
  after: MonthWindow;
}

const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const monthStart = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
const monthEnd = (i: number) => {
  const y = Math.floor(i / 12);
  const m = i % 12;
  return `${y}-${String(m + 1).padStart(2, '0')}-${String(new Date(Date.UTC(y, m + 1, 0)).getUTCDate()).padStart(2, '0')}`;
};

function window(first: number, count: number): MonthWindow {
  const months = Array.from({ length: count }, (_, k) => monthStart(first + k));
  return { months, start: months[0]!, end: monthEnd(first + count - 1) };
}

/** The same-length month windows around `startDate` ('YYYY-MM-DD'), judged at `asOf` (day or ISO time); null when too early. */
export function actionWindows(startDate: string, asOf: string, maxMonths = 3): ActionWindows | null {
  const startMonth = monthIndex(startDate);
  const firstAfter = startDate.slice(8, 10) === '01' ? startMonth : startMonth + 1;
  const asOfDay = asOf.slice(0, 10);
  const asOfMonth = monthIndex(asOfDay);
  const lastComplete = asOfDay === monthEnd(asOfMonth) ? asOfMonth : asOfMonth - 1;
  const count = Math.min(maxMonths, lastComplete - firstAfter + 1);
  if (count <= 0) return null;
  return { before: window(startMonth - count, count), after: window(firstAfter, count) };
}

/** Mean of the values of the window's months that have one; null when none has. */
export function windowMean(window: MonthWindow, valueOf: (month: string) => number | null): number | null {
  const values = window.months.map(valueOf).filter((v): v is number => v !== null && Number.isFinite(v));
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export type Movement = 'better' | 'worse' | 'flat';

/** Whether the KPI moved the way the action wanted: up, except for day-valued nodes. */
export function movement(before: number | null, after: number | null, unit: string | null): Movement | null {
  if (before === null || after === null) return null;
  if (after === before) return 'flat';
  const up = after > before;
  return (unit === 'days' ? !up : up) ? 'better' : 'worse';
}
