/*
 * marts.forecast_landing, behind the `landing_forecast` view: the landing
 * forecast 着地見込み (docs/metrics.md, definition 18) at the as-of day for
 * the fiscal year, fiscal quarter and month that hold it — revenue, new
 * wins and each stage's volume — with its components, the 80 % interval
 * from marts.forecast_backtest and the straight-line pace beside it. The
 * method lives in server/forecast/.
 */
import {
  FORECAST_LANDING_COLUMNS,
  type BacktestRow,
  type LandingRow,
  landingRows,
  readForecastSettings,
} from '../../../server/forecast/index.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';

export const dependsOn = [
  'settings',
  'deals',
  'lead_stage_reach',
  'funnel_stages',
  'stg_stage_transitions',
  'zone_hours',
  'forecast_backtest',
];
export const columns = FORECAST_LANDING_COLUMNS;

export async function model(ctx: ModelContext): Promise<LandingRow[]> {
  const settings = await readForecastSettings(ctx.query);
  if (!settings) {
    ctx.log('no data to forecast from, left empty');
    return [];
  }
  const backtest = (await ctx.query(
    'select metric, stage, basis, months_remaining, remaining_log_error from marts.forecast_backtest',
  )) as unknown as BacktestRow[];
  return landingRows(ctx.query, settings, backtest);
}
