/*
 * Funnel: recycle rate per stage (docs/metrics.md, definition 6) — transitions from
 * the stage into recycled in the period ÷ all transitions out of it, with
 * the share of those recycles that later came back. One query on `paths`
 * (its stage-exit members).
 */
import { PATHS } from '../api/views';
import { CardTable } from '../components/data-table';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent } from '../lib/format';
import { PeriodCard, usePeriodQuery } from './period-card';

export function RecycleRateCard() {
  const { t, locale } = useI18n();
  const q = usePeriodQuery('paths', {
    measures: [PATHS.exits, PATHS.recycles, PATHS.recycleRate, PATHS.recycleEventReturnRate],
    dimensions: [PATHS.exitFromStage],
    time: PATHS.exitedAt,
  });
  const rows = q.rows
    .filter((r) => (num(r, PATHS.recycles) ?? 0) > 0)
    .sort((a, b) => stageRank(str(a, PATHS.exitFromStage) ?? '') - stageRank(str(b, PATHS.exitFromStage) ?? ''));
  const max = Math.max(0.01, ...rows.map((r) => num(r, PATHS.recycleRate) ?? 0));
  return (
    <PeriodCard text="funnel.recycle" height={300} query={q} nothing={rows.length === 0} skeleton="table">
      <CardTable
        density="roomy"
        stickyHead={false}
        rows={rows}
        rowKey={(r) => str(r, PATHS.exitFromStage) ?? ''}
        columns={[
          {
            key: 'stage',
            header: t('backlog.col.stage'),
            rowHeader: true,
            cell: (r) => stageLabel(str(r, PATHS.exitFromStage), locale),
          },
          {
            key: 'rate',
            header: t('funnel.recycle.rate'),
            headerClassName: 'w-2/5',
            cell: (r) => {
              const rate = num(r, PATHS.recycleRate);
              return (
                <div className="flex items-center gap-2">
                  <div className="h-2 flex-1 overflow-hidden rounded-full bg-tremor-background-subtle" aria-hidden>
                    <div className="h-full rounded-full bg-amber-500" style={{ width: `${((rate ?? 0) / max) * 100}%` }} />
                  </div>
                  <span className="w-14 text-right font-semibold tabular-nums text-tremor-content-strong">
                    {formatPercent(rate, locale)}
                  </span>
                </div>
              );
            },
          },
          {
            key: 'counts',
            header: t('funnel.recycle.counts'),
            numeric: true,
            className: 'text-tremor-content',
            cell: (r) => `${formatCount(num(r, PATHS.recycles), locale)} / ${formatCount(num(r, PATHS.exits), locale)}`,
          },
          {
            key: 'returned',
            header: t('funnel.recycle.returned'),
            numeric: true,
            cell: (r) => formatPercent(num(r, PATHS.recycleEventReturnRate), locale),
          },
        ]}
      />
    </PeriodCard>
  );
}
