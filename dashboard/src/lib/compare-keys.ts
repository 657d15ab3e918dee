/*
 * Orders keys (months 'YYYY-MM', stage codes, persona codes) by their UTF-16
 * code units, as `<` does. Not `localeCompare`: its first call in a page
 * loads ICU's collation data (15-30 ms of main thread per page load here, in
 * the render that shows the cards' answers). For the dashboard's keys —
 * digits, lower-case ASCII letters, '_', '-', '>' — the order is the same.
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
