/*
 * Review: the biggest movers — the KPI tree factors whose change moved
 * revenue most against the chosen comparison, with the value before and
 * after, the change and the revenue effect (signed, with an arrow). The
 * weakest link is named. One query on `kpi_tree`.
 */
import { CardFrame } from '../components/card-frame';
import { ArrowDownIcon, ArrowUpIcon, FlagIcon } from '../components/icons';
import { useFilters } from '../hooks/use-filters';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { findWeakestLink } from '../lib/build-kpi-tree';
import { formatByUnit, formatPeriodKey, formatSignedYen } from '../lib/format';
import { biggestMovers } from '../lib/sum-levers';
import { useSettings } from '../state/settings';
import { useKpiTreeNodes } from './kpi-tree-card';

export function MoversCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const q = useKpiTreeNodes();
  const { nodes, comparison } = q;
  const movers = biggestMovers(nodes, comparison, 6);
  const weakest = findWeakestLink(nodes, comparison);
  return (
    <CardFrame
      title={t('review.movers.title')}
      subtitle={t('review.movers.subtitle', { comparison: q.comparisonLabel })}
      height={300}
      state={q}
      nothing={movers.length === 0}
      skeleton="table"
      emptyReason={t('review.movers.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <ol className="flex h-full flex-col justify-between">
        {movers.map((n, i) => {
          const e = n.gapEffect![comparison]!;
          const up = e > 0;
          return (
            <li
              key={n.key}
              className="flex items-center gap-3 border-b border-tremor-border/60 py-1.5 last:border-0"
              data-node={n.key}
            >
              <span className="w-5 text-right text-tremor-label font-semibold text-tremor-content">{i + 1}</span>
              <span
                className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full ${up ? 'bg-emerald-50 text-emerald-700' : 'bg-rose-50 text-rose-700'}`}
              >
                {up ? <ArrowUpIcon /> : <ArrowDownIcon />}
              </span>
              <div className="min-w-0 flex-1">
                <p className="truncate text-tremor-default font-medium text-tremor-content-strong">
                  {n.label}
                  {weakest?.key === n.key ? (
                    <span className="ml-1.5 inline-flex items-center gap-1 rounded-tremor-small border border-amber-300 bg-amber-100 px-1 text-[10px] font-semibold text-amber-900">
                      <FlagIcon />
                      {t('kpiTree.weakest')}
                    </span>
                  ) : null}
                </p>
                <p className="text-[11px] text-tremor-content">
                  {n.lever ? `${t(`lever.${n.lever}` as MessageKey)} · ` : ''}
                  {formatByUnit(n[comparison], n.unit, locale, settings.currency)} →{' '}
                  {formatByUnit(n.actual, n.unit, locale, settings.currency)}
                </p>
              </div>
              <span className={`text-tremor-default font-semibold tabular-nums ${up ? 'text-emerald-700' : 'text-rose-700'}`}>
                {formatSignedYen(e, locale, { currency: settings.currency })}
              </span>
            </li>
          );
        })}
      </ol>
    </CardFrame>
  );
}
