/*
 * Review: this period against the previous period, the same period last
 * year and the plan, for the headline KPIs of the tree (revenue, wins,
 * average deal size, win rate, opportunities, SQL, MQL, leads). Changes are
 * written with a sign and an arrow. One query on `kpi_tree`.
 *
 * For the period holding as_of the view's previous, year-ago and plan
 * values cover the same days (docs/metrics.md, definition 17); the column
 * heads print those days, from the same contract module the mart used, and
 * the whole period's plan (通期計画) stands beside them, without a change.
 */
// the same KPIs, in the same order, as the meeting pack's KGI table (server/report)
import { HEADLINE_NODES } from '../../../server/contract/meeting-pack';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useI18n } from '../i18n/i18n-context';
import type { Comparison, KpiTreeNode } from '../lib/build-kpi-tree';
import { formatByUnit, formatDate, formatPeriodKey, formatSignedPercent } from '../lib/format';
import { periodWindowsOf } from '../lib/resolve-period';
import { useSettings } from '../state/settings';
import { rowsToNodes, useKpiTreeRows } from './kpi-tree-card';
import { ScrollRegion } from '../components/scroll-region';

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
  const w = periodWindowsOf(period, settings.asOf);
  const span = (r: { start: string; end: string }) =>
    t('windows.through', { from: formatDate(r.start, locale), to: formatDate(r.end, locale) });
  const head = (label: string, key: string, r: { start: string; end: string }) =>
    w.isPartial ? `${label} (${span(r)})` : `${label} (${formatPeriodKey(key, locale)})`;
  const cols: { c: Comparison; label: string }[] = [
    { c: 'previous', label: head(t('compare.previous'), period.previousKey, w.previous) },
    { c: 'yearAgo', label: head(t('compare.yearAgo'), period.yearAgoKey, w.yearAgo) },
    { c: 'plan', label: w.isPartial ? t('windows.planToDate') : t('compare.plan') },
  ];
  const fullPlanLabel = t(period.kind === 'year' ? 'windows.fullYearPlan' : 'windows.fullPeriodPlan');
  return (
    <CardFrame
      title={t('review.compare.title')}
      subtitle={t('review.compare.subtitle', { period: formatPeriodKey(period.key, locale) })}
      height={336}
      state={q}
      skeleton="table"
      emptyReason={t('kpiTree.empty', { period: formatPeriodKey(period.key, locale) })}
      note={w.isPartial ? t('kpiTree.partial', { through: formatDate(w.through, locale) }) : null}
    >
      <ScrollRegion className="h-full">
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
              {w.isPartial ? (
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  {fullPlanLabel}
                </th>
              ) : null}
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
                    <td
                      key={`${c}-v`}
                      data-col={`${c}-value`}
                      className="px-2 py-1.5 text-right tabular-nums text-tremor-content"
                    >
                      {formatByUnit(n[c], n.unit, locale, settings.currency)}
                    </td>,
                    <td
                      key={`${c}-d`}
                      data-col={`${c}-change`}
                      className={`w-20 py-1.5 pr-2 text-right text-tremor-label font-semibold tabular-nums ${ch.dir > 0 ? 'text-emerald-700' : ch.dir < 0 ? 'text-rose-700' : 'text-tremor-content'}`}
                    >
                      {ch.dir > 0 ? '▲ ' : ch.dir < 0 ? '▼ ' : ''}
                      {ch.text}
                    </td>,
                  ];
                })}
                {w.isPartial ? (
                  <td className="px-2 py-1.5 text-right tabular-nums text-tremor-content" data-col="plan-full">
                    {formatByUnit(n.planFull ?? null, n.unit, locale, settings.currency)}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
