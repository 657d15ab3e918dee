/*
 * Board: revenue (受注金額) against target for the fiscal month, quarter and
 * year to date, with the run-rate forecast to each period's end, and the
 * fiscal year month by month. One blended query: deals.won_amount by
 * closed_at month + targets.target (metric = revenue) by fiscal_month.
 * Each window also shows its plan to date and the change against the same
 * days a year earlier (docs/metrics.md, definition 17; the windows are the
 * contract's, as on the review page), from a second query with
 * compareDateRange over the three year-ago windows. The target the
 * attainment is read against is the whole window's plan (通期計画 for the
 * year). For a window still running (the one holding as_of), the forecast is
 * the landing forecast of `landing_forecast` (definition 18: point and 80 %
 * interval) with the straight-line pace beside it, labelled; a closed window
 * has landed, and shows the pace of its whole days (its actual).
 *
 * Targets are company-wide: with a segment or channel filter the actuals
 * narrow but the target does not, and the card says so.
 */
import { ProgressBar } from '@tremor/react';
import { BarChart } from '../components/charts';
import { DEALS, LANDING_FORECAST, TARGETS } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { computeAttainment, type MonthValue } from '../lib/compute-attainment';
import {
  formatAttainment,
  formatMonth,
  formatPercent,
  formatPeriodKey,
  formatSignedPercent,
  formatSignedYen,
  formatYen,
} from '../lib/format';
import { resolvePeriod, toDateWindows, type ToDateWindow } from '../lib/resolve-period';
import { planToDate } from '../../../server/contract/period-windows';
import { useSettings } from '../state/settings';
import { ChartLegend } from '../components/chart-legend';

const WON_MONTH = `${DEALS.closedAt}.month`;
const FORECAST_PERIOD = { month: 'month', quarter: 'fiscal_quarter', year: 'fiscal_year' } as const;

/** The landing forecast of a running window: point and 80 % interval. */
interface Landing {
  forecast: number;
  low: number | null;
  high: number | null;
}
const TARGET_MONTH = `${TARGETS.fiscalMonth}.month`;

export function RevenueTargetCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, viewFilters, filters } = useFilters();
  const windows = toDateWindows(period, settings.asOf, settings.fiscalStartMonth);
  const fy = resolvePeriod(windows.year.key, settings.fiscalStartMonth);
  const dealFilters = viewFilters('deals');
  const q = useViewQuery([
    {
      measures: [DEALS.wonAmount],
      timeDimensions: [{ dimension: DEALS.closedAt, granularity: 'month', dateRange: [fy.start, fy.end] }],
      filters: dealFilters.filters,
    },
    {
      measures: [TARGETS.target],
      timeDimensions: [{ dimension: TARGETS.fiscalMonth, granularity: 'month', dateRange: [fy.start, fy.end] }],
      filters: [{ member: TARGETS.metric, operator: 'equals', values: ['revenue'] }],
    },
  ]);
  const kinds = ['month', 'quarter', 'year'] as const;
  const yearAgoQuery = useViewQuery({
    measures: [DEALS.wonAmount],
    timeDimensions: [
      { dimension: DEALS.closedAt, compareDateRange: kinds.map((k) => [windows[k].yearAgo.start, windows[k].yearAgo.end]) },
    ],
    filters: dealFilters.filters,
  });
  // company-wide, like the targets: a segment or channel filter leaves it out (the card's note says so)
  const landingQuery = useViewQuery({
    measures: [LANDING_FORECAST.forecast, LANDING_FORECAST.forecastLow, LANDING_FORECAST.forecastHigh],
    dimensions: [LANDING_FORECAST.periodType],
    filters: [{ member: LANDING_FORECAST.metric, operator: 'equals', values: ['revenue'] }],
  });
  const landing = (k: (typeof kinds)[number]): Landing | null => {
    const w = windows[k];
    if (w.end >= w.periodEnd || filters.segment || filters.channel) return null;
    const r = landingQuery.rows.find((x) => str(x, LANDING_FORECAST.periodType) === FORECAST_PERIOD[k]);
    const forecast = r ? num(r, LANDING_FORECAST.forecast) : null;
    if (forecast === null || forecast === undefined) return null;
    return { forecast, low: num(r!, LANDING_FORECAST.forecastLow), high: num(r!, LANDING_FORECAST.forecastHigh) };
  };
  const yearAgo = (i: number) =>
    yearAgoQuery.status === 'ready' ? (num(yearAgoQuery.parts[i]?.[0], DEALS.wonAmount) ?? 0) : null;
  const actuals: MonthValue[] = (q.parts[0] ?? []).map((r) => ({
    month: str(r, WON_MONTH) ?? '',
    value: num(r, DEALS.wonAmount),
  }));
  const targets: MonthValue[] = (q.parts[1] ?? []).map((r) => ({
    month: str(r, TARGET_MONTH) ?? '',
    value: num(r, TARGETS.target),
  }));
  const money = (v: number | null) => formatYen(v, locale, { currency: settings.currency });
  const chart = fy.months.map((m) => {
    const a = actuals.find((x) => x.month.slice(0, 7) === m.slice(0, 7));
    const tg = targets.find((x) => x.month.slice(0, 7) === m.slice(0, 7));
    return {
      month: formatMonth(m, locale, true),
      [t('board.revenue.actual')]: m <= settings.asOf ? (a?.value ?? 0) : null,
      [t('board.revenue.target')]: tg?.value ?? null,
    };
  });
  const narrowed = !!(filters.segment || filters.channel);

  return (
    <CardFrame
      title={t('board.revenue.title')}
      subtitle={t('board.revenue.subtitle', { fy: formatPeriodKey(fy.key, locale) })}
      height={320}
      growWhenNarrow
      state={q}
      unapplied={dealFilters.unapplied}
      emptyReason={t('board.revenue.empty', { fy: formatPeriodKey(fy.key, locale) })}
      link="/review"
      note={narrowed ? t('board.revenue.targetCompanyWide') : null}
      skeleton="chart"
    >
      <div className="grid h-full grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          {kinds.map((w, i) => (
            <AttainmentTile
              key={w}
              name={w}
              window={windows[w]}
              actuals={actuals}
              targets={targets}
              yearAgo={yearAgo(i)}
              landing={landing(w)}
              money={money}
            />
          ))}
        </ul>
        <div className="flex min-w-0 flex-col gap-1">
          <ChartLegend categories={[t('board.revenue.actual'), t('board.revenue.target')]} colors={['blue', 'slate']} />
          <BarChart
            className="min-h-[200px] flex-1"
            data={chart}
            index="month"
            categories={[t('board.revenue.actual'), t('board.revenue.target')]}
            colors={['blue', 'slate']}
            valueFormatter={(v) => money(v)}
            yAxisWidth={72}
            yAxisLabel={t('axis.revenueYen')}
            xAxisLabel={t('axis.fiscalMonth')}
            role="figure"
            aria-label={t('board.revenue.chartLabel')}
          />
        </div>
      </div>
    </CardFrame>
  );
}

function AttainmentTile({
  name,
  window,
  actuals,
  targets,
  yearAgo,
  landing,
  money,
}: {
  name: 'month' | 'quarter' | 'year';
  window: ToDateWindow;
  actuals: MonthValue[];
  targets: MonthValue[];
  /** Won amount of the same days a year earlier (null while loading). */
  yearAgo: number | null;
  /** The landing forecast where the window is still running and one is known. */
  landing: Landing | null;
  money: (v: number | null) => string;
}) {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const a = computeAttainment({ actuals, targets, window, windowEnd: window.periodEnd });
  const heading = t(`board.revenue.${name}` as const);
  const ahead = a.attainment !== null ? a.attainment - a.elapsed : null;
  const point = landing?.forecast ?? a.forecast;
  const forecastAttainment = a.target !== null && a.target > 0 ? point / a.target : null;
  const short = forecastAttainment !== null && forecastAttainment < 1;
  const signedMoney = (v: number) => formatSignedYen(v, locale, { currency: settings.currency });
  const partial = window.end < window.periodEnd;
  const monthTarget = (m: string) => targets.find((x) => x.month.slice(0, 7) === m.slice(0, 7))?.value ?? 0;
  const planSoFar = a.target === null ? null : planToDate(window, monthTarget);
  const yoy = yearAgo === null || yearAgo === 0 ? null : a.actual / yearAgo - 1;
  return (
    <li
      aria-label={`${heading} ${formatPeriodKey(window.key, locale)}`}
      className="flex flex-col rounded-tremor-default border border-tremor-border bg-tremor-background-muted/50 p-3"
    >
      <p className="flex items-baseline justify-between gap-2 text-tremor-label">
        <span className="font-medium text-tremor-content">{heading}</span>
        <span className="text-[11px] text-tremor-content">{formatPeriodKey(window.key, locale)}</span>
      </p>
      <p
        className="mt-1.5 text-[22px] font-semibold leading-7 text-tremor-content-strong tabular-nums"
        data-figure={`revenue-${name}`}
      >
        {money(a.actual)}
      </p>
      <p className="text-tremor-label text-tremor-content">
        {name === 'year'
          ? `${t('windows.fullYearPlan')} ${money(a.target)}`
          : t('board.revenue.ofTarget', { target: money(a.target) })}
      </p>
      <p className="flex flex-wrap justify-between gap-x-2 text-[11px] text-tremor-content">
        {partial ? <span data-figure={`plan-to-date-${name}`}>{`${t('windows.planToDate')} ${money(planSoFar)}`}</span> : null}
        <span>
          {`${t(partial ? 'windows.vsYearAgoToDate' : 'windows.vsYearAgo')} `}
          <span className="font-semibold" data-figure={`yoy-${name}`}>
            {yoy === null ? '–' : formatSignedPercent(yoy, locale)}
          </span>
        </span>
      </p>
      <ProgressBar
        value={Math.min(100, (a.attainment ?? 0) * 100)}
        color={ahead !== null && ahead < 0 ? 'amber' : 'blue'}
        className="mt-2"
        showAnimation={false}
      />
      <p className="mt-1 flex justify-between text-tremor-label">
        <span className="font-semibold text-tremor-content-strong" data-figure={`attainment-${name}`}>
          {formatAttainment(a.attainment, locale)}
        </span>
        <span className="text-tremor-content">{t('board.revenue.elapsed', { pct: formatPercent(a.elapsed, locale, 0) })}</span>
      </p>
      <div className="mt-3 border-t border-tremor-border pt-2">
        <p className="text-[11px] text-tremor-content">{t(landing ? 'board.revenue.landing' : 'board.revenue.forecast')}</p>
        <p className="text-tremor-default font-semibold text-tremor-content-strong tabular-nums" data-figure={`landing-${name}`}>
          {money(point)}
        </p>
        {landing ? (
          <p className="text-[11px] text-tremor-content tabular-nums" data-figure={`landing-interval-${name}`}>
            {t('plan.forecast.interval', { low: money(landing.low), high: money(landing.high) })}
            {' · '}
            {t('plan.forecast.paceBeside', { pace: money(a.forecast) })}
          </p>
        ) : null}
        {/* attainment, not a change: unsigned with its basis, and the gap as a signed amount (lib/format.ts) */}
        <p className="flex flex-wrap items-baseline justify-between gap-x-2 text-tremor-label">
          <span
            className={`font-semibold ${short ? 'text-amber-800' : 'text-emerald-800'}`}
            data-figure={`forecast-attainment-${name}`}
          >
            {formatAttainment(forecastAttainment, locale)}
          </span>
          <span className="text-tremor-content" data-figure={`forecast-gap-${name}`}>
            {t('board.revenue.gapToTarget', { gap: a.target === null ? '–' : signedMoney(point - a.target) })}
          </span>
        </p>
      </div>
    </li>
  );
}
