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
import { useKpiTreeNodes } from './kpi-tree-card';
import { DataTable, type Column } from '../components/data-table';

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
  const q = useKpiTreeNodes();
  const rows = HEADLINE_NODES.map((k) => q.nodes.find((n) => n.key === k)).filter((n): n is KpiTreeNode => !!n);
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
  const byUnit = (v: number | null, n: KpiTreeNode) => formatByUnit(v, n.unit, locale, settings.currency);
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
      <DataTable
        label={t('review.compare.title')}
        scroll={{ className: 'h-full' }}
        rows={rows}
        rowKey={(n) => n.key}
        rowProps={(n) => ({ 'data-node': n.key })}
        columns={[
          { key: 'kpi', header: 'KPI', rowHeader: true, cell: (n) => n.label },
          {
            key: 'actual',
            header: t('kpiTree.col.actual'),
            numeric: true,
            className: 'font-semibold text-tremor-content-strong',
            cell: (n) => byUnit(n.actual, n),
            cellProps: () => ({ 'data-col': 'actual' }),
          },
          ...cols.flatMap(({ c, label }): Column<KpiTreeNode>[] => [
            {
              key: `${c}-value`,
              header: label,
              headerSpan: 2,
              numeric: true,
              className: 'text-tremor-content',
              cell: (n) => byUnit(n[c], n),
              cellProps: () => ({ 'data-col': `${c}-value` }),
            },
            {
              key: `${c}-change`,
              header: null,
              numeric: true,
              cell: (n) => {
                const ch = change(n, c, locale);
                return `${ch.dir > 0 ? '▲ ' : ch.dir < 0 ? '▼ ' : ''}${ch.text}`;
              },
              cellProps: (n) => {
                const { dir } = change(n, c, locale);
                return {
                  'data-col': `${c}-change`,
                  className: `w-20 text-tremor-label font-semibold ${dir > 0 ? 'text-emerald-700' : dir < 0 ? 'text-rose-700' : 'text-tremor-content'}`,
                };
              },
            },
          ]),
          ...(w.isPartial
            ? [
                {
                  key: 'plan-full',
                  header: fullPlanLabel,
                  numeric: true,
                  className: 'text-tremor-content',
                  cell: (n: KpiTreeNode) => byUnit(n.planFull ?? null, n),
                  cellProps: () => ({ 'data-col': 'plan-full' }),
                },
              ]
            : []),
        ]}
      />
    </CardFrame>
  );
}
