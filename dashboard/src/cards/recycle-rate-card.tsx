/*
 * Funnel: recycle rate per stage (docs/metrics.md, definition 6) — transitions from
 * the stage into recycled in the period ÷ all transitions out of it, with
 * the share of those recycles that later came back. One query on `paths`
 * (its stage-exit members).
 */
import { PATHS } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent, formatPeriodKey } from '../lib/format';

export function RecycleRateCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters } = useFilters();
  const f = viewFilters('paths');
  const q = useViewQuery({
    measures: [PATHS.exits, PATHS.recycles, PATHS.recycleRate, PATHS.recycleEventReturnRate],
    dimensions: [PATHS.exitFromStage],
    timeDimensions: [{ dimension: PATHS.exitedAt, dateRange: [period.start, period.end] }],
    filters: f.filters,
  });
  const rows = q.rows
    .filter((r) => (num(r, PATHS.recycles) ?? 0) > 0)
    .sort((a, b) => stageRank(str(a, PATHS.exitFromStage) ?? '') - stageRank(str(b, PATHS.exitFromStage) ?? ''));
  const state = q.status === 'ready' && rows.length === 0 ? { ...q, status: 'empty' as const } : q;
  const max = Math.max(0.01, ...rows.map((r) => num(r, PATHS.recycleRate) ?? 0));
  return (
    <CardFrame
      title={t('funnel.recycle.title')}
      subtitle={t('funnel.recycle.subtitle')}
      height={300}
      state={state}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('funnel.recycle.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <table className="w-full text-tremor-default" aria-label={t('funnel.recycle.title')}>
        <thead className="text-tremor-label text-tremor-content">
          <tr className="border-b border-tremor-border">
            <th scope="col" className="py-1.5 pr-2 text-left font-medium">
              {t('backlog.col.stage')}
            </th>
            <th scope="col" className="w-2/5 px-2 py-1.5 text-left font-medium">
              {t('funnel.recycle.rate')}
            </th>
            <th scope="col" className="px-2 py-1.5 text-right font-medium">
              {t('funnel.recycle.counts')}
            </th>
            <th scope="col" className="py-1.5 pl-2 text-right font-medium">
              {t('funnel.recycle.returned')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const rate = num(r, PATHS.recycleRate);
            return (
              <tr key={str(r, PATHS.exitFromStage)} className="border-b border-tremor-border/60">
                <th scope="row" className="py-2 pr-2 text-left font-medium text-tremor-content-emphasis">
                  {stageLabel(str(r, PATHS.exitFromStage), locale)}
                </th>
                <td className="px-2 py-2">
                  <div className="flex items-center gap-2">
                    <div className="h-2 flex-1 overflow-hidden rounded-full bg-tremor-background-subtle" aria-hidden>
                      <div className="h-full rounded-full bg-amber-500" style={{ width: `${((rate ?? 0) / max) * 100}%` }} />
                    </div>
                    <span className="w-14 text-right font-semibold tabular-nums text-tremor-content-strong">
                      {formatPercent(rate, locale)}
                    </span>
                  </div>
                </td>
                <td className="px-2 py-2 text-right tabular-nums text-tremor-content">
                  {formatCount(num(r, PATHS.recycles), locale)} / {formatCount(num(r, PATHS.exits), locale)}
                </td>
                <td className="py-2 pl-2 text-right tabular-nums">
                  {formatPercent(num(r, PATHS.recycleEventReturnRate), locale)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </CardFrame>
  );
}
