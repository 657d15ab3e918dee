/*
 * Pivot flat query rows into a matrix (cohort month × stage pair, channel ×
 * model, breakdown × stage): row keys and column keys in first-seen order
 * unless a sort is given, and the cell lookup.
 */

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
