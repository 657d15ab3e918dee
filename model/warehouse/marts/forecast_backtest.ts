/*
 * marts.forecast_backtest, behind the `forecast_backtest` view: the landing
 * forecast (docs/metrics.md, definition 18) replayed at every month-end of
 * the past fiscal years with only what was known that day, against the
 * year's actual result and the straight-line pace. The method lives in
 * server/forecast/; docs/forecast.md carries the table (npm run backtest).
 *
 * Limits: no past fiscal year wholly inside the data → the table is empty
 * (the live forecast's interval then has only the pipeline's spread).
 */
import {
  backtestRows,
  type BacktestRow,
  FORECAST_BACKTEST_COLUMNS,
  pastFiscalYears,
  readForecastSettings,
} from '../../../server/forecast/index.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';

export const dependsOn = ['settings', 'deals', 'lead_stage_reach', 'funnel_stages', 'stg_stage_transitions', 'zone_hours'];
export const columns = FORECAST_BACKTEST_COLUMNS;

export async function model(ctx: ModelContext): Promise<BacktestRow[]> {
  const settings = await readForecastSettings(ctx.query);
  if (!settings) {
    ctx.log('no data to backtest on, left empty');
    return [];
  }
  const years = pastFiscalYears(settings.firstDataDate, settings.asOfDate, settings.fiscalYearStartMonth);
  if (!years.length) ctx.log('no past fiscal year wholly inside the data, left empty');
  return backtestRows(ctx.query, years);
}
