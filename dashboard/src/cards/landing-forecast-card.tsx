/*
 * Plan: the landing forecast 着地見込み (docs/metrics.md, definition 18) of
 * revenue and new wins for the fiscal year, quarter and month holding
 * as_of — point, 80 % interval and the straight-line pace beside it — and
 * the backtest that earns it its place: MAPE of the forecast and of the
 * pace by months remaining (docs/forecast.md). Two queries, one per view
 * (`landing_forecast`, `forecast_backtest`).
 *
 * The forecast is company-wide: segment and channel filters do not apply,
 * and the card says so.
 */
import { FORECAST_BACKTEST, LANDING_FORECAST } from '../api/views';
import { combineStates } from '../components/document-section';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { formatCount, formatDate, formatPercent, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { DataTable } from '../components/data-table';
import { ScrollRegion } from '../components/scroll-region';
import { PeriodCard } from './period-card';

const PERIOD_TYPES = ['fiscal_year', 'fiscal_quarter', 'month'] as const;
const METRICS = ['revenue', 'new_wins'] as const;
type Metric = (typeof METRICS)[number];
const METRIC_LABEL = { revenue: 'plan.forecast.metric.revenue', new_wins: 'plan.forecast.metric.newWins' } as const;

export function LandingForecastCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const forecast = useViewQuery({
    measures: [
      LANDING_FORECAST.actualToDate,
      LANDING_FORECAST.forecast,
      LANDING_FORECAST.forecastLow,
      LANDING_FORECAST.forecastHigh,
      LANDING_FORECAST.pace,
    ],
    dimensions: [LANDING_FORECAST.periodType, LANDING_FORECAST.periodLabel, LANDING_FORECAST.metric],
    filters: [{ member: LANDING_FORECAST.metric, operator: 'equals', values: [...METRICS] }],
  });
  // a separate query: Cube blends only queries that share a time dimension
  const errors = useViewQuery({
    measures: [FORECAST_BACKTEST.forecastMape, FORECAST_BACKTEST.paceMape, FORECAST_BACKTEST.errorPoints],
    dimensions: [FORECAST_BACKTEST.monthsRemaining],
    filters: [{ member: FORECAST_BACKTEST.metric, operator: 'equals', values: ['revenue'] }],
  });
  // an empty backtest (no past fiscal year in the data) still shows the forecast: only the first state's emptiness counts
  const state = combineStates([forecast, errors]);
  const landing = forecast.rows;
  const backtest = errors.rows;
  const row = (type: string, metric: Metric) =>
    landing.find((r) => str(r, LANDING_FORECAST.periodType) === type && str(r, LANDING_FORECAST.metric) === metric);
  const format = (metric: Metric, v: number | null) => (metric === 'revenue' ? formatYen(v, locale) : formatCount(v, locale));
  const year = row('fiscal_year', 'revenue');
  const horizons = backtest
    .map((r) => ({
      months: num(r, FORECAST_BACKTEST.monthsRemaining) ?? 0,
      forecast: num(r, FORECAST_BACKTEST.forecastMape),
      pace: num(r, FORECAST_BACKTEST.paceMape),
      points: num(r, FORECAST_BACKTEST.errorPoints) ?? 0,
    }))
    .sort((a, b) => b.months - a.months);
  return (
    <PeriodCard
      text="plan.forecast"
      subtitle={{ asOf: formatDate(settings.asOf, locale) }}
      height={440}
      query={state}
      skeleton="table"
      companyWide
    >
      <ScrollRegion className="flex h-full flex-col gap-4">
        {year ? (
          <div>
            <p className="text-tremor-label text-tremor-content">
              {t('plan.forecast.headline', { period: str(year, LANDING_FORECAST.periodLabel) ?? '' })}
            </p>
            <p
              className="text-tremor-metric font-semibold text-tremor-content-strong tabular-nums"
              data-figure="forecast-revenue"
            >
              {formatYen(num(year, LANDING_FORECAST.forecast), locale)}
            </p>
            <p className="text-tremor-label text-tremor-content tabular-nums" data-figure="forecast-revenue-interval">
              {t('plan.forecast.interval', {
                low: formatYen(num(year, LANDING_FORECAST.forecastLow), locale),
                high: formatYen(num(year, LANDING_FORECAST.forecastHigh), locale),
              })}
              {' · '}
              {t('plan.forecast.paceBeside', { pace: formatYen(num(year, LANDING_FORECAST.pace), locale) })}
            </p>
          </div>
        ) : null}
        <div className="grid gap-5 lg:grid-cols-2">
          <DataTable
            label={t('plan.forecast.tableLabel')}
            className="text-tremor-label"
            density="compact"
            scroll={false}
            rows={METRICS.flatMap((metric) =>
              PERIOD_TYPES.flatMap((type) => {
                const r = row(type, metric);
                return r ? [{ metric, type, r }] : [];
              }),
            )}
            rowKey={({ metric, type }) => `${metric}-${type}`}
            columns={[
              {
                key: 'period',
                header: t('plan.forecast.period'),
                rowHeader: true,
                className: 'whitespace-nowrap',
                cell: ({ metric, r }) => `${t(METRIC_LABEL[metric])} · ${str(r, LANDING_FORECAST.periodLabel) ?? ''}`,
              },
              {
                key: 'actualToDate',
                header: t('plan.forecast.actualToDate'),
                numeric: true,
                cell: ({ metric, r }) => format(metric, num(r, LANDING_FORECAST.actualToDate)),
              },
              {
                key: 'forecast',
                header: t('plan.forecast.forecast'),
                numeric: true,
                className: 'font-semibold',
                cell: ({ metric, r }) => format(metric, num(r, LANDING_FORECAST.forecast)),
              },
              {
                key: 'range',
                header: t('plan.forecast.range'),
                numeric: true,
                className: 'whitespace-nowrap text-tremor-content',
                cell: ({ metric, r }) =>
                  `${format(metric, num(r, LANDING_FORECAST.forecastLow))} – ${format(metric, num(r, LANDING_FORECAST.forecastHigh))}`,
              },
              {
                key: 'pace',
                header: t('plan.forecast.pace'),
                numeric: true,
                className: 'text-tremor-content',
                cell: ({ metric, r }) => format(metric, num(r, LANDING_FORECAST.pace)),
              },
            ]}
          />
          <div>
            <p className="text-tremor-label font-medium text-tremor-content-emphasis">{t('plan.forecast.backtestTitle')}</p>
            <p className="text-[11px] text-tremor-content">{t('plan.forecast.backtestNote')}</p>
            {horizons.length === 0 ? (
              <p className="mt-1 text-tremor-label text-tremor-content">{t('plan.forecast.noBacktest')}</p>
            ) : (
              <DataTable
                label={t('plan.forecast.backtestTitle')}
                className="mt-1 text-tremor-label"
                density="tight"
                scroll={false}
                rows={horizons}
                rowKey={(h) => h.months}
                rowProps={(h) => ({ 'data-months-remaining': h.months })}
                columns={[
                  {
                    key: 'months',
                    header: t('plan.forecast.monthsRemaining'),
                    rowHeader: true,
                    cell: (h) => t('plan.forecast.monthsLeft', { months: String(h.months) }),
                  },
                  {
                    key: 'forecastError',
                    header: t('plan.forecast.forecastError'),
                    numeric: true,
                    cell: (h) => formatPercent(h.forecast, locale),
                    cellProps: (h) => ({
                      // the forecast beat the straight-line pace at this horizon
                      className:
                        h.forecast !== null && h.pace !== null && h.forecast < h.pace
                          ? 'font-semibold text-emerald-700'
                          : undefined,
                    }),
                  },
                  {
                    key: 'paceError',
                    header: t('plan.forecast.paceError'),
                    numeric: true,
                    className: 'text-tremor-content',
                    cell: (h) => formatPercent(h.pace, locale),
                  },
                  {
                    key: 'points',
                    header: t('plan.forecast.points'),
                    numeric: true,
                    className: 'text-tremor-content',
                    cell: (h) => formatCount(h.points, locale),
                  },
                ]}
              />
            )}
          </div>
        </div>
      </ScrollRegion>
    </PeriodCard>
  );
}
