/*
 * Funnel: velocity (docs/metrics.md, definition 5) — median and 75th percentile
 * days from reached(S) to reached(T) per adjacent stage pair, among the
 * period's cohort that converted. One query on `conversions`.
 */
import { BarChart } from '../components/charts';
import { CONVERSIONS } from '../api/views';
import { useFilters } from '../hooks/use-filters';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { pairLabel, stageRank } from '../i18n/labels';
import { formatDays } from '../lib/format';
import { PERIOD_GRANULARITY } from '../lib/resolve-period';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

export function VelocityCard() {
  const { t, locale } = useI18n();
  const { period } = useFilters();
  const q = usePeriodQuery('conversions', {
    measures: [CONVERSIONS.medianDays, CONVERSIONS.p75Days],
    dimensions: [CONVERSIONS.fromStage, CONVERSIONS.toStage],
    // Cut by the period itself (one row per pair): a median cannot be added up from smaller
    // periods, so the server's velocity rollups hold exactly these periods.
    time: CONVERSIONS.cohortAt,
    granularity: PERIOD_GRANULARITY[period.kind],
    filters: [{ member: CONVERSIONS.isAdjacent, operator: 'equals', values: ['true'] }],
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
    <PeriodCard text="funnel.velocity" height={330} query={q}>
      <LegendChart
        chart={BarChart}
        fill
        data={data}
        index="pair"
        categories={[median, p75]}
        colors={['indigo', 'slate']}
        layout="vertical"
        valueFormatter={(v) => formatDays(v, locale)}
        yAxisWidth={130}
        xAxisLabel={t('axis.days')}
      />
    </PeriodCard>
  );
}
