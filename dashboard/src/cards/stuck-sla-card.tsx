/*
 * Backlog: stuck leads per SLA stage at the reference day — leads in the
 * stage, how many have been there longer than the stage's SLA days, and the
 * share, written out beside each bar. Inventory stages (no SLA in
 * stages.csv: the nurture pool, won) hold no breach and are left out.
 * One query on `backlog`.
 */
import { BACKLOG } from '../api/views';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageInfo, stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatDate, formatDays, formatPercent } from '../lib/format';
import { ClockIcon } from '../components/icons';
import { PeriodCard, usePeriodQuery } from './period-card';

export function StuckSlaCard() {
  const { t, locale } = useI18n();
  const q = usePeriodQuery('backlog', {
    measures: [BACKLOG.leads, BACKLOG.stuckLeads],
    dimensions: [BACKLOG.stage],
    time: BACKLOG.snapshotAt,
    range: 'referenceDay',
    filters: [{ member: BACKLOG.isSlaStage, operator: 'equals', values: ['true'] }],
  });
  const rows = [...q.rows].sort((a, b) => stageRank(str(a, BACKLOG.stage) ?? '') - stageRank(str(b, BACKLOG.stage) ?? ''));
  const date = { date: formatDate(q.range[0], locale) };
  return (
    <PeriodCard text="backlog.stuck" subtitle={date} empty={date} height={300} query={q} skeleton="table">
      <ul className="flex h-full flex-col justify-around">
        {rows.map((r) => {
          const stage = str(r, BACKLOG.stage) ?? '';
          const leads = num(r, BACKLOG.leads) ?? 0;
          const stuck = num(r, BACKLOG.stuckLeads) ?? 0;
          const share = leads > 0 ? stuck / leads : 0;
          return (
            <li key={stage} data-stage={stage}>
              <div className="flex items-baseline justify-between text-tremor-default">
                <span className="font-medium text-tremor-content-strong">
                  {stageLabel(stage, locale)}
                  <span className="ml-2 text-tremor-label font-normal text-tremor-content">
                    {t('backlog.stuck.sla', { days: formatDays(stageInfo(stage)?.slaDays ?? null, locale, 0) })}
                  </span>
                </span>
                <span className="tabular-nums text-tremor-label">
                  <ClockIcon className="mr-1 inline text-rose-600" />
                  <span className="font-semibold text-tremor-content-strong" data-figure={`stuck-${stage}`}>
                    {formatCount(stuck, locale)}
                  </span>
                  <span className="text-tremor-content">
                    {' '}
                    / {formatCount(leads, locale)} ({formatPercent(share, locale, 0)})
                  </span>
                </span>
              </div>
              <div className="mt-1 flex h-2.5 w-full overflow-hidden rounded-full bg-tremor-background-subtle" aria-hidden>
                <div
                  className="h-full bg-rose-500 [background-image:repeating-linear-gradient(45deg,transparent_0_4px,rgba(255,255,255,.4)_4px_7px)]"
                  style={{ width: `${share * 100}%` }}
                />
              </div>
            </li>
          );
        })}
      </ul>
    </PeriodCard>
  );
}
