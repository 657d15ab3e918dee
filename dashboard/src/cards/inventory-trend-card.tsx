/*
 * Backlog: inventory per stage over time (docs/metrics.md, definition 4) — leads
 * whose latest transition at each month's last instant is into the stage;
 * the running month is read at as_of. One query on `backlog`, whose `leads`
 * is the inventory at each period's end (a stock: never summed over days);
 * the range stops at as_of so no month after it is drawn.
 */
import { LineChart } from '../components/charts';
import { BACKLOG } from '../api/views';
import { useFilters } from '../hooks/use-filters';
import { num, str, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatMonth } from '../lib/format';
import { byCodeUnits, pivotRows } from '../lib/pivot-rows';
import { referenceDay } from '../lib/resolve-period';
import { useSettings } from '../state/settings';
import { INVENTORY_STAGES } from '../../../server/contract/vocabulary';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

export const BACKLOG_STAGES: string[] = [...INVENTORY_STAGES];

export function InventoryTrendCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const q = usePeriodQuery('backlog', {
    measures: [BACKLOG.leads],
    dimensions: [BACKLOG.stage],
    time: BACKLOG.snapshotAt,
    granularity: 'month',
    range: [period.start, referenceDay(period, settings.asOf)],
    filters: [{ member: BACKLOG.stage, operator: 'equals', values: BACKLOG_STAGES }],
  });
  const monthKey = `${BACKLOG.snapshotAt}.month`;
  // Month × stage in one pass over the rows (one row each), not a search of every row for every point.
  const byMonth = pivotRows<Row, Row>(
    q.rows,
    (r) => str(r, monthKey)?.slice(0, 7) ?? '',
    (r) => str(r, BACKLOG.stage) ?? '',
    (r, first) => first ?? r,
    { rows: byCodeUnits, cols: (a, b) => stageRank(a) - stageRank(b) },
  );
  const stages = byMonth.colKeys;
  const data = byMonth.rowKeys.map((m) => {
    const point: Record<string, string | number> = { month: formatMonth(`${m}-01`, locale, true) };
    for (const s of stages) point[stageLabel(s, locale)] = num(byMonth.cell(m, s), BACKLOG.leads) ?? 0;
    return point;
  });
  return (
    <PeriodCard text="backlog.trend" height={300} query={q}>
      <LegendChart
        chart={LineChart}
        fill
        data={data}
        index="month"
        categories={stages.map((s) => stageLabel(s, locale))}
        colors={['slate', 'sky', 'emerald', 'violet', 'rose', 'amber']}
        valueFormatter={(v) => formatCount(v, locale)}
        yAxisWidth={60}
        yAxisLabel={t('axis.leadsInStage')}
        xAxisLabel={t('axis.monthEnd')}
      />
    </PeriodCard>
  );
}
