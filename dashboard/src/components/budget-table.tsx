/*
 * A channel budget table (channel, share, leads, CPL, budget, CAC, bound;
 * the CAC is a channel's attributed program CAC, docs/metrics.md
 * definition 9): the same columns on the plan's budget card and in the
 * what-if plan. A channel over the allowable program CAC (definitions 10
 * and 11) is tinted and flagged with an icon and words.
 */
import { useI18n } from '../i18n/i18n-context';
import { channelLabel } from '../i18n/labels';
import { formatCount, formatPercent } from '../lib/format';
import { DataTable } from './data-table';
import { FlagIcon } from './icons';

export interface BudgetRow {
  channel: string;
  share: number | null | undefined;
  leads: number;
  cpl: number | null | undefined;
  budget: number | null | undefined;
  /** null: the channel has no attributed win, so no CAC. */
  cac: number | null | undefined;
  /** true: over the bound, false: within it, null: not judged. */
  over: boolean | null;
}

export function BudgetTable({
  label,
  rows,
  money,
  stickyHead = false,
  scroll,
}: {
  label: string;
  rows: readonly BudgetRow[];
  money: (v: number | null | undefined) => string;
  stickyHead?: boolean;
  scroll: { className?: string; label?: string };
}) {
  const { t, locale } = useI18n();
  return (
    <DataTable
      label={label}
      className="text-[13px]"
      density="compact"
      stickyHead={stickyHead}
      scroll={scroll}
      rows={rows}
      rowKey={(r) => r.channel}
      rowProps={(r) => ({ className: r.over ? 'bg-rose-50/60' : undefined, 'data-channel': r.channel })}
      columns={[
        { key: 'channel', header: t('channels.col.channel'), rowHeader: true, cell: (r) => channelLabel(r.channel, locale) },
        { key: 'share', header: t('plan.form.share'), numeric: true, cell: (r) => formatPercent(r.share, locale) },
        {
          key: 'leads',
          header: t('plan.whatIf.leads'),
          numeric: true,
          cell: (r) => formatCount(Math.ceil(r.leads - 1e-9), locale),
        },
        { key: 'cpl', header: 'CPL', numeric: true, cell: (r) => money(r.cpl) },
        {
          key: 'budget',
          header: t('plan.whatIf.budgetCol'),
          numeric: true,
          className: 'font-semibold text-tremor-content-strong',
          cell: (r) => money(r.budget),
        },
        {
          key: 'cac',
          header: t('cac.channelProgram'),
          numeric: true,
          cell: (r) => (r.cac === null ? t('plan.whatIf.noWins') : money(r.cac)),
        },
        {
          key: 'bound',
          header: t('plan.whatIf.bound'),
          cell: (r) =>
            r.over ? (
              <span className="inline-flex items-center gap-1 text-[11px] font-semibold text-rose-700">
                <FlagIcon />
                {t('plan.whatIf.over')}
              </span>
            ) : r.over === false ? (
              <span className="text-[11px] text-tremor-content">✓ {t('plan.whatIf.within')}</span>
            ) : (
              <span className="text-[11px] text-tremor-content">–</span>
            ),
        },
      ]}
    />
  );
}
