/*
 * Backlog: inventory per stage over time (docs/metrics.md, definition 4) — leads
 * whose latest transition at each month's last instant is into the stage;
 * the running month is read at as_of. One query on `backlog`, whose `leads`
 * is the inventory at each period's end (a stock: never summed over days);
 * the range stops at as_of so no month after it is drawn.
 */
import { LineChart } from '@tremor/react';
import { BACKLOG } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatMonth, formatPeriodKey } from '../lib/format';
import { referenceDay } from '../lib/resolve-period';
import { useSettings } from '../state/settings';
import { INVENTORY_STAGES } from '../../../server/contract/vocabulary';
import { ChartLegend } from '../components/chart-legend';

export const BACKLOG_STAGES: string[] = [...INVENTORY_STAGES];

export function InventoryTrendCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, viewFilters } = useFilters();
  const f = viewFilters('backlog');
  const end = referenceDay(period, settings.asOf);
  const q = useViewQuery({
    measures: [BACKLOG.leads],
    dimensions: [BACKLOG.stage],
    timeDimensions: [{ dimension: BACKLOG.snapshotAt, granularity: 'month', dateRange: [period.start, end] }],
    filters: [...f.filters, { member: BACKLOG.stage, operator: 'equals', values: BACKLOG_STAGES }],
  });
  const monthKey = `${BACKLOG.snapshotAt}.month`;
  const stages = [...new Set(q.rows.map((r) => str(r, BACKLOG.stage) ?? ''))].sort((a, b) => stageRank(a) - stageRank(b));
  const months = [...new Set(q.rows.map((r) => str(r, monthKey)?.slice(0, 7) ?? ''))].sort();
  const data = months.map((m) => {
    const point: Record<string, string | number> = { month: formatMonth(`${m}-01`, locale, true) };
    for (const s of stages) {
      const row = q.rows.find((r) => str(r, monthKey)?.slice(0, 7) === m && str(r, BACKLOG.stage) === s);
      point[stageLabel(s, locale)] = num(row, BACKLOG.leads) ?? 0;
    }
    return point;
  });
  return (
    <CardFrame
      title={t('backlog.trend.title')}
      subtitle={t('backlog.trend.subtitle')}
      height={300}
      state={q}
      unapplied={f.unapplied}
      emptyReason={t('backlog.trend.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <div className="flex h-full flex-col gap-1">
        <ChartLegend
          categories={stages.map((s) => stageLabel(s, locale))}
          colors={['slate', 'sky', 'emerald', 'violet', 'rose', 'amber']}
        />
        <LineChart
          className="min-h-0 flex-1"
          data={data}
          index="month"
          categories={stages.map((s) => stageLabel(s, locale))}
          colors={['slate', 'sky', 'emerald', 'violet', 'rose', 'amber']}
          valueFormatter={(v) => formatCount(v, locale)}
          yAxisWidth={60}
          yAxisLabel={t('axis.leadsInStage')}
          xAxisLabel={t('axis.monthEnd')}
          showAnimation={false}
          showLegend={false}
        />
      </div>
    </CardFrame>
  );
}
