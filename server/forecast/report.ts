/*
 * The backtest table of docs/forecast.md, rendered from
 * marts.forecast_backtest: mean absolute percentage error of the landing
 * forecast and of the straight-line pace by months remaining, per metric,
 * and the revenue points year by year. `npm run backtest` writes it between
 * the markers below; a test renders it again from its own build and compares.
 */
import type { Query } from './landing.js';

export const REPORT_START = '<!-- backtest:start (npm run backtest writes this part) -->';
export const REPORT_END = '<!-- backtest:end -->';

export const BACKTEST_REPORT_SQL = `
select
    forecast_backtest.metric,
    forecast_backtest.stage,
    forecast_backtest.period_label,
    months_remaining,
    basis,
    actual,
    forecast,
    pace,
    forecast_ape,
    pace_ape
from marts.forecast_backtest
left join marts.funnel_stages using (stage)
order by metric = 'stage_volume', metric desc, funnel_position, period_label, months_remaining desc`;

interface Point {
  metric: string;
  stage: string;
  period_label: string;
  months_remaining: number;
  basis: string;
  actual: number;
  forecast: number;
  pace: number;
  forecast_ape: number | null;
  pace_ape: number | null;
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
const yen = (v: number) => `¥${(v / 1e6).toLocaleString('en-US', { maximumFractionDigits: 0 })} M`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const metricName = (p: Pick<Point, 'metric' | 'stage'>) => (p.metric === 'stage_volume' ? `stage volume: ${p.stage}` : p.metric);

/** Mean APE of the forecast and of the pace per metric and months remaining, over every past fiscal year. */
export function summarize(points: readonly Point[]) {
  const groups = new Map<string, { metric: string; monthsRemaining: number; forecast: number[]; pace: number[] }>();
  for (const p of points) {
    if (p.forecast_ape === null || p.pace_ape === null) continue;
    const k = `${metricName(p)}|${p.months_remaining}`;
    const g = groups.get(k) ?? { metric: metricName(p), monthsRemaining: p.months_remaining, forecast: [], pace: [] };
    g.forecast.push(p.forecast_ape);
    g.pace.push(p.pace_ape);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({
    metric: g.metric,
    monthsRemaining: g.monthsRemaining,
    points: g.forecast.length,
    forecastMape: mean(g.forecast)!,
    paceMape: mean(g.pace)!,
  }));
}

export async function renderBacktestReport(query: Query): Promise<string> {
  const points = (await query(BACKTEST_REPORT_SQL)).map((r) => ({
    ...(r as unknown as Point),
    months_remaining: Number(r.months_remaining),
    actual: Number(r.actual),
    forecast: Number(r.forecast),
    pace: Number(r.pace),
    forecast_ape: r.forecast_ape === null ? null : Number(r.forecast_ape),
    pace_ape: r.pace_ape === null ? null : Number(r.pace_ape),
  }));
  if (!points.length)
    return `${REPORT_START}\n\nNo past fiscal year lies wholly inside the data: nothing to backtest.\n\n${REPORT_END}`;
  const years = [...new Set(points.map((p) => p.period_label))];
  const table = (subset: readonly Point[]) => {
    const summary = summarize(subset);
    const horizons = [...new Set(summary.map((s) => s.monthsRemaining))].sort((a, b) => b - a);
    const metrics = [...new Set(summary.map((s) => s.metric))];
    const cell = (metric: string, h: number) => {
      const s = summary.find((x) => x.metric === metric && x.monthsRemaining === h);
      if (!s) return '–';
      const mark = s.forecastMape < s.paceMape ? '**' : '';
      return `${mark}${pct(s.forecastMape)}${mark} / ${pct(s.paceMape)}`;
    };
    return [
      `| metric | ${horizons.map((h) => `${h} mo left`).join(' | ')} |`,
      `|---|${horizons.map(() => '---:').join('|')}|`,
      ...metrics.map((m) => `| ${m} | ${horizons.map((h) => cell(m, h)).join(' | ')} |`),
    ];
  };
  const withHistory = points.filter((p) => p.basis !== 'pace_fallback');
  const lines = [
    REPORT_START,
    '',
    `Fiscal years backtested: ${years.join(', ')} (every month-end, ${points.filter((p) => p.metric === 'revenue').length} revenue forecasts).`,
    'Each cell: MAPE of the landing forecast / MAPE of the straight-line pace; bold where the forecast is the better.',
    '',
    'Over every past fiscal year (the published figure; the test holds revenue and new wins to it at 6, 3 and 1 months left):',
    '',
    ...table(points),
    '',
    `Over the forecasts made with a year of history only (${[...new Set(withHistory.map((p) => p.period_label))].join(', ') || 'none'}):`,
    '',
    ...table(withHistory),
    '',
    'Revenue, point by point (basis `pace_fallback`: no year of history before that day, so the forecast is the pace):',
    '',
    '| fiscal year | months left | basis | actual | forecast | error | pace | error |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...points
      .filter((p) => p.metric === 'revenue')
      .map(
        (p) =>
          `| ${p.period_label} | ${p.months_remaining} | ${p.basis} | ${yen(p.actual)} | ${yen(p.forecast)} | ${pct(
            (p.forecast - p.actual) / p.actual,
          )} | ${yen(p.pace)} | ${pct((p.pace - p.actual) / p.actual)} |`,
      ),
    '',
    REPORT_END,
  ];
  return lines.join('\n');
}

/** `doc` with the part between the markers replaced by `report` (appended when the markers are missing). */
export function spliceReport(doc: string, report: string): string {
  const start = doc.indexOf(REPORT_START);
  const end = doc.indexOf(REPORT_END);
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${report}\n`;
  return doc.slice(0, start) + report + doc.slice(end + REPORT_END.length);
}
