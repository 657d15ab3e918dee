/*
 * Funnel: velocity (docs/metrics.md, definition 5) — median and 75th percentile
 * days from reached(S) to reached(T) per adjacent stage pair, among the
 * period's cohort that converted. One query on `conversions`.
 */
import { BarChart } from '@tremor/react';
import { CONVERSIONS } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { pairLabel, stageRank } from '../i18n/labels';
import { formatDays, formatPeriodKey } from '../lib/format';
import { PERIOD_GRANULARITY } from '../lib/resolve-period';
import { ChartLegend } from '../components/chart-legend';

export function VelocityCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters } = useFilters();
  const f = viewFilters('conversions');
  const q = useViewQuery({
    measures: [CONVERSIONS.medianDays, CONVERSIONS.p75Days],
    dimensions: [CONVERSIONS.fromStage, CONVERSIONS.toStage],
    // Cut by the period itself (one row per pair): a median cannot be added up from smaller
    // periods, so the server's velocity rollups hold exactly these periods.
    timeDimensions: [
      { dimension: CONVERSIONS.cohortAt, granularity: PERIOD_GRANULARITY[period.kind], dateRange: [period.start, period.end] },
    ],
    filters: [...f.filters, { member: CONVERSIONS.isAdjacent, operator: 'equals', values: ['true'] }],
  });
  const median = t('funnel.velocity.median');
  const p75 = t('funnel.velocity.p75');
  const data = [...q.rows]
    .sort((a, b) => stageRank(str(a, CONVERSIONS.fromStage) ?? '') - stageRank(str(b, CONVERSIONS.fromStage) ?? ''))
    .map((r) => ({
      pair: pairLabel(`${str(r, CONVERSIONS.fromStage)}->${str(r, CONVERSIONS.toStage)}`, locale),
      [median]: num(r, CONVERSIONS.medianDays),
      [p75]: num(r, CONVERSIONS.p75Days),
    }));
  return (
    <CardFrame
      title={t('funnel.velocity.title')}
      subtitle={t('funnel.velocity.subtitle')}
      height={330}
      state={q}
      unapplied={f.unapplied}
      emptyReason={t('funnel.velocity.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <div className="flex h-full flex-col gap-1">
        <ChartLegend categories={[median, p75]} colors={['indigo', 'slate']} />
        <BarChart
          className="min-h-0 flex-1"
          data={data}
          index="pair"
          categories={[median, p75]}
          colors={['indigo', 'slate']}
          layout="vertical"
          valueFormatter={(v) => formatDays(v, locale)}
          yAxisWidth={130}
          xAxisLabel={t('axis.days')}
          showAnimation={false}
          showLegend={false}
        />
      </div>
    </CardFrame>
  );
}
