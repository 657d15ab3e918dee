/*
 * Review: this period against the previous period, the same period last
 * year and the plan, for the headline KPIs of the tree (revenue, wins,
 * average deal size, win rate, opportunities, SQL, MQL, leads). Changes are
 * written with a sign and an arrow. One query on `kpi_tree`.
 */
import { KPI_TREE } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useI18n } from '../i18n/i18n-context';
import type { Comparison, KpiTreeNode } from '../lib/build-kpi-tree';
import { formatByUnit, formatPeriodKey, formatSignedPercent } from '../lib/format';
import { resolvePeriod } from '../lib/resolve-period';
import { useSettings } from '../state/settings';
import { rowsToNodes, useKpiTreeRows } from './kpi-tree-card';

export const HEADLINE_NODES = [
  'revenue',
  'wins',
  'average_deal_size',
  'conversion:opportunity->won',
  'opportunities',
  'sql',
  'mql',
  'leads',
];

function change(node: KpiTreeNode, c: Comparison, locale: 'ja' | 'en'): { text: string; dir: number } {
  const a = node.actual;
  const b = node[c];
  if (a === null || b === null) return { text: '–', dir: 0 };
  if (node.unit === 'ratio') {
    const d = (a - b) * 100;
    return { text: `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(1)}pt`, dir: Math.sign(d) };
  }
  if (b === 0) return { text: '–', dir: 0 };
  return { text: formatSignedPercent(a / b - 1, locale), dir: Math.sign(a - b) };
}

export function PeriodComparisonCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const q = useKpiTreeRows();
  const nodes = rowsToNodes(q.rows, locale);
  const rows = HEADLINE_NODES.map((k) => nodes.find((n) => n.key === k)).filter((n): n is KpiTreeNode => !!n);
  const prev = resolvePeriod(period.previousKey, settings.fiscalStartMonth);
  const cols: { c: Comparison; label: string }[] = [
    { c: 'previous', label: `${t('compare.previous')} (${formatPeriodKey(prev.key, locale)})` },
    { c: 'yearAgo', label: `${t('compare.yearAgo')} (${formatPeriodKey(period.yearAgoKey, locale)})` },
    { c: 'plan', label: t('compare.plan') },
  ];
  return (
    <CardFrame
      title={t('review.compare.title')}
      subtitle={t('review.compare.subtitle', { period: formatPeriodKey(period.key, locale) })}
      height={336}
      state={q}
      skeleton="table"
      emptyReason={t('kpiTree.empty', { period: formatPeriodKey(period.key, locale) })}
      note={q.rows.some((r) => r[KPI_TREE.isPartial] === true || r[KPI_TREE.isPartial] === 'true') ? t('kpiTree.partial') : null}
    >
      <div className="h-full overflow-auto">
        <table className="w-full text-tremor-default" aria-label={t('review.compare.title')}>
          <thead className="text-tremor-label text-tremor-content">
            <tr className="border-b border-tremor-border">
              <th scope="col" className="py-1.5 pr-2 text-left font-medium">
                KPI
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                {t('kpiTree.col.actual')}
              </th>
              {cols.map((c) => (
                <th key={c.c} scope="col" colSpan={2} className="px-2 py-1.5 text-right font-medium">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((n) => (
              <tr key={n.key} className="border-b border-tremor-border/60" data-node={n.key}>
                <th scope="row" className="py-1.5 pr-2 text-left font-medium text-tremor-content-emphasis">
                  {n.label}
                </th>
                <td className="px-2 py-1.5 text-right font-semibold tabular-nums text-tremor-content-strong">
                  {formatByUnit(n.actual, n.unit, locale, settings.currency)}
                </td>
                {cols.map(({ c }) => {
                  const ch = change(n, c, locale);
                  return [
                    <td key={`${c}-v`} className="px-2 py-1.5 text-right tabular-nums text-tremor-content">
                      {formatByUnit(n[c], n.unit, locale, settings.currency)}
                    </td>,
                    <td
                      key={`${c}-d`}
                      className={`w-20 py-1.5 pr-2 text-right text-tremor-label font-semibold tabular-nums ${ch.dir > 0 ? 'text-emerald-700' : ch.dir < 0 ? 'text-rose-700' : 'text-tremor-content'}`}
                    >
                      {ch.dir > 0 ? '▲ ' : ch.dir < 0 ? '▼ ' : ''}
                      {ch.text}
                    </td>,
                  ];
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </CardFrame>
  );
}
