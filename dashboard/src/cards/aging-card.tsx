/*
 * Backlog: aging distribution at the period's reference day (its last day,
 * or as_of while it runs) — stage × aging bucket, each cell the number of
 * leads, shaded by its share of the stage. Buckets past the stage's SLA are
 * marked "over SLA" in the header row text and with a hatch, not by colour
 * alone. One query on `backlog`.
 */
import { BACKLOG } from '../api/views';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageInfo, stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatDate, formatDays } from '../lib/format';
import { pivotSum } from '../lib/pivot-rows';
import { BACKLOG_STAGES } from './inventory-trend-card';
import { DataTable, type Column } from '../components/data-table';
import { HatchLegend } from '../components/hatch-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

const HATCH = 'repeating-linear-gradient(135deg, rgba(225,29,72,.18) 0 2px, transparent 2px 6px)';

/** Lower bound of a bucket label such as '15-30' or '181+'. */
export function bucketStart(bucket: string): number {
  const m = /^(\d+)/.exec(bucket);
  return m ? Number(m[1]) : 0;
}

export function AgingCard() {
  const { t, locale } = useI18n();
  const q = usePeriodQuery('backlog', {
    measures: [BACKLOG.leads, BACKLOG.stuckLeads],
    dimensions: [BACKLOG.stage, BACKLOG.agingBucket, BACKLOG.agingBucketOrder],
    time: BACKLOG.snapshotAt,
    range: 'referenceDay',
    filters: [{ member: BACKLOG.stage, operator: 'equals', values: BACKLOG_STAGES }],
  });
  const order = new Map<string, number>();
  const stuck = new Set<string>();
  for (const r of q.rows) {
    if ((num(r, BACKLOG.stuckLeads) ?? 0) > 0) stuck.add(`${str(r, BACKLOG.stage)}|${str(r, BACKLOG.agingBucket)}`);
    order.set(
      str(r, BACKLOG.agingBucket) ?? '',
      num(r, BACKLOG.agingBucketOrder) ?? bucketStart(str(r, BACKLOG.agingBucket) ?? ''),
    );
  }
  const m = pivotSum(
    q.rows,
    (r) => str(r, BACKLOG.stage),
    (r) => str(r, BACKLOG.agingBucket),
    (r) => num(r, BACKLOG.leads),
    { rows: (a, b) => stageRank(a) - stageRank(b), cols: (a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) },
  );
  const date = { date: formatDate(q.range[0], locale) };
  return (
    <PeriodCard text="backlog.aging" subtitle={date} empty={date} height={300} query={q} skeleton="table">
      <div className="flex h-full flex-col">
        <DataTable
          label={t('backlog.aging.title')}
          variant="matrix"
          scroll={{ className: 'flex-1' }}
          rows={m.rowKeys}
          rowKey={(s) => s}
          columns={[
            { key: 'stage', header: t('backlog.col.stage'), rowHeader: true, cell: (s) => stageLabel(s, locale) },
            ...m.colKeys.map((b): Column<string> => ({
              key: b,
              header: t('backlog.aging.bucket', { range: b }),
              align: 'center',
              numeric: true,
              className: 'text-tremor-content-strong',
              cell: (s) => {
                const n = m.cell(s, b) ?? 0;
                return n > 0 ? formatCount(n, locale) : '–';
              },
              cellProps: (s) => {
                const n = m.cell(s, b) ?? 0;
                const over = stuck.has(`${s}|${b}`);
                const share = m.rowTotal(s) > 0 ? n / m.rowTotal(s) : 0;
                return {
                  style: {
                    backgroundColor: `rgba(${over ? '225,29,72' : '37,99,235'}, ${0.05 + share * 0.55})`,
                    backgroundImage: over ? HATCH : undefined,
                  },
                  'aria-label': `${stageLabel(s, locale)} ${b}: ${formatCount(n, locale)}${over ? ` (${t('backlog.aging.overSla')})` : ''}`,
                };
              },
            })),
            {
              key: 'sla',
              header: 'SLA',
              align: 'right',
              className: 'text-tremor-content',
              cell: (s) => {
                const slaDays = stageInfo(s)?.slaDays ?? null;
                return slaDays === null ? '–' : formatDays(slaDays, locale, 0);
              },
            },
          ]}
        />
        <HatchLegend pattern={HATCH} className="border-rose-200">
          {t('backlog.aging.legend')}
        </HatchLegend>
      </div>
    </PeriodCard>
  );
}
