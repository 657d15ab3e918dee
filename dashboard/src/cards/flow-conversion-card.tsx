/*
 * Funnel: flow conversion (docs/metrics.md, definition 3) — volume(T, month) ÷
 * volume(S, month) per adjacent stage pair, the ratio monthly reports use.
 * It is labelled as a flow ratio everywhere: the two counts are not the same
 * leads, so it can exceed 100% and must not be read as a cohort conversion.
 * One query on `flow`.
 */
import { LineChart } from '../components/charts';
import { FLOW } from '../api/views';
import { useGrain } from '../hooks/use-page-options';
import { num, str, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { pairLabel, stageRank } from '../i18n/labels';
import { formatMonth, formatPercent } from '../lib/format';
import { byCodeUnits, pivotRows, pivotSum } from '../lib/pivot-rows';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

export function FlowConversionCard() {
  const { t, locale } = useI18n();
  const [grain] = useGrain();
  const ratio = grain === 'account' ? FLOW.accountFlowConversion : FLOW.flowConversion;
  const fromVolume = grain === 'account' ? FLOW.accountFromVolume : FLOW.fromVolume;
  const toVolume = grain === 'account' ? FLOW.accountToVolume : FLOW.toVolume;
  const q = usePeriodQuery('flow', {
    measures: [ratio, fromVolume, toVolume],
    dimensions: [FLOW.fromStage, FLOW.toStage],
    time: FLOW.reachedAt,
    granularity: 'month',
    filters: [{ member: FLOW.isAdjacent, operator: 'equals', values: ['true'] }],
  });
  const monthKey = `${FLOW.reachedAt}.month`;
  const pairOf = (r: Row) => `${str(r, FLOW.fromStage)}->${str(r, FLOW.toStage)}`;
  // Month × pair in one pass over the rows (one row each), not a search of every row for every point.
  const byMonth = pivotRows<Row, Row>(
    q.rows,
    (r) => str(r, monthKey)?.slice(0, 7) ?? '',
    pairOf,
    (r, first) => first ?? r,
    {
      rows: byCodeUnits,
      cols: (a, b) => stageRank(a.split('->')[0]!) - stageRank(b.split('->')[0]!),
    },
  );
  const pairs = byMonth.colKeys;
  const data = byMonth.rowKeys.map((m) => {
    const point: Record<string, string | number | null> = { month: formatMonth(`${m}-01`, locale, true) };
    for (const p of pairs) {
      const row = byMonth.cell(m, p);
      point[pairLabel(p, locale)] = row ? num(row, ratio) : null;
    }
    return point;
  });
  const sumByPair = (measure: string) =>
    pivotSum(
      q.rows,
      pairOf,
      () => '',
      (r) => num(r, measure),
    );
  const [fromByPair, toByPair] = [sumByPair(fromVolume), sumByPair(toVolume)];
  const totals = pairs.map((p) => {
    const from = fromByPair.rowTotal(p);
    return { pair: p, ratio: from > 0 ? toByPair.rowTotal(p) / from : null };
  });
  return (
    <PeriodCard text="funnel.flow" height={330} growWhenNarrow query={q}>
      <LegendChart
        chart={LineChart}
        className="h-[260px]"
        data={data}
        index="month"
        categories={pairs.map((p) => pairLabel(p, locale))}
        colors={['blue', 'emerald', 'amber', 'rose', 'violet']}
        valueFormatter={(v) => formatPercent(v, locale)}
        yAxisWidth={56}
        yAxisLabel={t('axis.flowRatio')}
        xAxisLabel={t('axis.month')}
        connectNulls
      />
      <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-tremor-label" aria-label={t('funnel.flow.totalsLabel')}>
        {totals.map((x) => (
          <div key={x.pair} className="flex gap-1">
            <dt className="text-tremor-content">{pairLabel(x.pair, locale)}</dt>
            <dd className="font-semibold text-tremor-content-strong tabular-nums">{formatPercent(x.ratio, locale)}</dd>
          </div>
        ))}
      </dl>
    </PeriodCard>
  );
}
