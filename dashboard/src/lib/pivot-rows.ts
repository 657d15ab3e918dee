/*
 * Pivot flat query rows into a matrix (cohort month × stage pair, channel ×
 * model, breakdown × stage): row keys and column keys in first-seen order
 * unless a sort is given, and the cell lookup. `pivotSum` adds up one figure
 * per cell and keeps each row's and column's total (a share of a column, a
 * row's end-to-end ratio).
 */

/** Keys in the order of their UTF-16 code units: Array.prototype.sort's own order, as a comparator. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface Matrix<T> {
  rowKeys: string[];
  colKeys: string[];
  cell(row: string, col: string): T | undefined;
}

export function pivotRows<R, T>(
  rows: R[],
  rowKey: (r: R) => string | null,
  colKey: (r: R) => string | null,
  value: (r: R, previous: T | undefined) => T,
  sort: { rows?: (a: string, b: string) => number; cols?: (a: string, b: string) => number } = {},
): Matrix<T> {
  const cells = new Map<string, T>();
  const rowKeys: string[] = [];
  const colKeys: string[] = [];
  for (const r of rows) {
    const rk = rowKey(r);
    const ck = colKey(r);
    if (rk === null || ck === null) continue;
    if (!rowKeys.includes(rk)) rowKeys.push(rk);
    if (!colKeys.includes(ck)) colKeys.push(ck);
    const k = `${rk}\u0000${ck}`;
    cells.set(k, value(r, cells.get(k)));
  }
  if (sort.rows) rowKeys.sort(sort.rows);
  if (sort.cols) colKeys.sort(sort.cols);
  return { rowKeys, colKeys, cell: (row, col) => cells.get(`${row}\u0000${col}`) };
}

export interface SumMatrix extends Matrix<number> {
  rowTotal(row: string): number;
  colTotal(col: string): number;
}

/** pivotRows adding up one figure per cell (a null adds nothing), with row and column totals. */
export function pivotSum<R>(
  rows: R[],
  rowKey: (r: R) => string | null,
  colKey: (r: R) => string | null,
  value: (r: R) => number | null,
  sort: { rows?: (a: string, b: string) => number; cols?: (a: string, b: string) => number } = {},
): SumMatrix {
  const m = pivotRows<R, number>(rows, rowKey, colKey, (r, previous) => (previous ?? 0) + (value(r) ?? 0), sort);
  const rowTotals = new Map(m.rowKeys.map((r) => [r, m.colKeys.reduce((s, c) => s + (m.cell(r, c) ?? 0), 0)]));
  const colTotals = new Map(m.colKeys.map((c) => [c, m.rowKeys.reduce((s, r) => s + (m.cell(r, c) ?? 0), 0)]));
  return { ...m, rowTotal: (r) => rowTotals.get(r) ?? 0, colTotal: (c) => colTotals.get(c) ?? 0 };
}
