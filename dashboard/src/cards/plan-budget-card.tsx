/*
 * Plan: the lead requirement of the period per channel (the channel mix of
 * the trailing 12 months) and the budget it needs (leads × CPL), with each
 * channel's attributed program CAC against the LTV-based allowable CAC:
 * LTV ÷ ltv_cac_target bounds the fully loaded CAC, and what it leaves after
 * the people and overhead per new customer bounds a channel's program CAC
 * (docs/metrics.md definitions 10 and 11); channels over it are flagged in words and with an icon,
 * and the budget re-solved within the bound is shown beside. One query on
 * the `plan` view (lead rows).
 */
import { PLAN } from '../api/views';
import { BudgetTable, type BudgetRow } from '../components/budget-table';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { modelLabel } from '../i18n/labels';
import { formatNumber, formatPeriodKey, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';

const bool = (v: unknown) => v === true || v === 'true';

export function PlanBudgetCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, filters } = useFilters();
  const q = useViewQuery({
    measures: [
      PLAN.required,
      PLAN.requiredBudget,
      PLAN.ltvBoundedBudget,
      PLAN.channelShare,
      PLAN.channelCpl,
      PLAN.channelCac,
      PLAN.allowableCac,
      PLAN.teamCostPerCustomer,
      PLAN.allowableProgramCac,
      PLAN.ltv,
      PLAN.ltvCacTarget,
    ],
    dimensions: [PLAN.channel, PLAN.isOverAllowableCac, PLAN.isCacUnbounded, PLAN.attributionModel],
    timeDimensions: [{ dimension: PLAN.fiscalMonth, dateRange: [period.start, period.end] }],
    filters: [
      { member: PLAN.stage, operator: 'equals', values: ['lead'] },
      ...(filters.channel ? [{ member: PLAN.channel, operator: 'equals' as const, values: [filters.channel] }] : []),
    ],
    order: { [PLAN.requiredBudget]: 'desc' },
  });
  const money = (v: number | null | undefined) => formatYen(v, locale, { currency: settings.currency });
  const first = q.rows[0];
  const total = q.rows.reduce((s, r) => s + (num(r, PLAN.requiredBudget) ?? 0), 0);
  const bounded = q.rows.reduce((s, r) => s + (num(r, PLAN.ltvBoundedBudget) ?? 0), 0);
  return (
    <CardFrame
      title={t('plan.budget.title')}
      subtitle={t('plan.budget.subtitle', { model: modelLabel(str(first, PLAN.attributionModel), locale) })}
      height={472}
      state={q}
      skeleton="table"
      unapplied={filters.segment ? ['segment'] : []}
      emptyReason={t('plan.budget.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <div className="flex h-full flex-col">
        <dl className="mb-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Stat term={t('plan.budget.total')} value={money(total)} />
          <Stat
            term={t('plan.budget.allowableCac')}
            value={money(num(first, PLAN.allowableCac))}
            foot={`LTV ${money(num(first, PLAN.ltv))} ÷ ${formatNumber(num(first, PLAN.ltvCacTarget), locale, 1)}`}
          />
          <Stat
            term={t('plan.budget.allowableProgramCac')}
            value={money(num(first, PLAN.allowableProgramCac))}
            foot={t('plan.budget.allowableProgramFoot', {
              allowable: money(num(first, PLAN.allowableCac)),
              team: money(num(first, PLAN.teamCostPerCustomer)),
            })}
          />
          <Stat term={t('plan.budget.boundedTotal')} value={money(bounded)} />
        </dl>
        <BudgetTable
          label={t('plan.budget.title')}
          stickyHead
          scroll={{ className: 'flex-1' }}
          money={money}
          rows={q.rows.map((r): BudgetRow => ({
            channel: str(r, PLAN.channel) ?? '',
            share: num(r, PLAN.channelShare),
            leads: num(r, PLAN.required) ?? 0,
            cpl: num(r, PLAN.channelCpl),
            budget: num(r, PLAN.requiredBudget),
            cac: bool(r[PLAN.isCacUnbounded]) ? null : num(r, PLAN.channelCac),
            over: bool(r[PLAN.isOverAllowableCac]),
          }))}
        />
      </div>
    </CardFrame>
  );
}

/** One figure of the budget's summary, with how it is made under it. */
function Stat({ term, value, foot }: { term: string; value: string; foot?: string }) {
  return (
    <div className="rounded-tremor-default bg-tremor-background-muted px-3 py-2">
      <dt className="text-tremor-label text-tremor-content">{term}</dt>
      <dd className="text-lg font-semibold tabular-nums text-tremor-content-strong">{value}</dd>
      {foot ? <dd className="text-[11px] text-tremor-content">{foot}</dd> : null}
    </div>
  );
}
