/*
 * The Monday-to-Sunday week holding a day (accounts in motion, docs/metrics.md
 * definition 19, cut weeks on Mondays in the settings' zone): its first and
 * last day as YYYY-MM-DD. The whole week, not up to the day, so the query's
 * range matches a weekly rollup; nothing lies after as_of anyway.
 */
export function weekOf(day: string): [string, string] {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  const monday = date.toISOString().slice(0, 10);
  date.setUTCDate(date.getUTCDate() + 6);
  return [monday, date.toISOString().slice(0, 10)];
}
