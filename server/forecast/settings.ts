/*
 * What the forecast reads besides the data: the as-of day, the fiscal year's
 * first month, and the first local day of the data (the first lead's arrival
 * or the first opportunity's creation), from the built marts.
 */
import type { Query } from './landing.js';

export interface ForecastSettings {
  asOfDate: string;
  fiscalYearStartMonth: number;
  firstDataDate: string;
}

export const FORECAST_SETTINGS_SQL = `
select
    strftime(settings.as_of_date, '%Y-%m-%d') as as_of_date,
    settings.fiscal_year_start_month,
    strftime(least(
        (select min(timezone(settings.time_zone, timezone('UTC', reached_at))) from marts.lead_stage_reach),
        (select min(timezone(settings.time_zone, timezone('UTC', created_at))) from marts.deals)
    ), '%Y-%m-%d') as first_data_date
from marts.settings as settings`;

export async function readForecastSettings(query: Query): Promise<ForecastSettings | null> {
  const [row] = await query(FORECAST_SETTINGS_SQL);
  if (!row || row.first_data_date === null || row.as_of_date === null) return null;
  return {
    asOfDate: String(row.as_of_date),
    fiscalYearStartMonth: Number(row.fiscal_year_start_month),
    firstDataDate: String(row.first_data_date),
  };
}
