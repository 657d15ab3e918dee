/*
 * The KPI tree (KPIツリー) as an indented table: revenue at the top, then
 * wins × average deal size, wins from opportunities × win rate, … down to
 * leads per channel. Each row: actual, the chosen comparison (plan,
 * previous period or the same period a year ago), the change, the node's
 * revenue effect and its share of the revenue gap. The weakest link is
 * marked with a flag icon, the words "weakest link" and a tinted row —
 * never by colour alone. Effects are drawn as a diverging bar with the
 * signed amount written beside it. A count node says which months it
 * counts (the period moved back by the stage velocity, definition 12), and a
 * node with a note (the velocity factor) explains itself under its label.
 */
import { addDays, daysInMonth } from '../../../server/contract/period-windows';
import { useI18n } from '../i18n/i18n-context';
import { findWeakestLink, orderTree, type Comparison, type KpiTreeNode } from '../lib/build-kpi-tree';
import {
  formatByUnit,
  formatDate,
  formatMonth,
  formatPercent,
  formatSignedPercent,
  formatSignedPoints,
  formatSignedYen,
  toNumber,
  type Locale,
  type Unit,
} from '../lib/format';
import { FlagIcon } from './icons';
import { DataTable, type Column } from './data-table';

/** A node in the table's order, with its depth below revenue. */
type TreeRow = ReturnType<typeof orderTree>[number];

export interface KpiTreeProps {
  nodes: KpiTreeNode[];
  comparison: Comparison;
  currency?: string;
  /** Limit the depth shown (e.g. the board shows fewer levels). */
  maxDepth?: number;
  /**
   * A period still running (docs/metrics.md, definition 17): the plan column
   * is the plan to date, and a column with this label shows the whole
   * period's plan (通期計画) beside it.
   */
  fullPlanLabel?: string | null;
  /**
   * The landing forecast (definition 18) of the nodes that have one (the
   * period's revenue and new wins), shown in its own column while the period
   * runs; absent for a closed period.
   */
  landing?: Record<string, { forecast: number; low: number | null; high: number | null }> | null;
}

/** The days a window counts (its end is exclusive): months when it ends on a month end, else days (a live period). */
function windowText(window: { start: string; end: string }, locale: Locale): { from: string; to: string } {
  const last = addDays(window.end, -1);
  return Number(last.slice(8, 10)) === daysInMonth(last)
    ? { from: formatMonth(window.start, locale, true), to: formatMonth(last, locale, true) }
    : { from: formatDate(window.start, locale), to: formatDate(last, locale) };
}

export function KpiTree({ nodes, comparison, currency = 'JPY', maxDepth, fullPlanLabel = null, landing = null }: KpiTreeProps) {
  const { t, locale } = useI18n();
  const ordered = orderTree(nodes).filter((n) => maxDepth === undefined || n.depth <= maxDepth);
  const weakest = findWeakestLink(nodes, comparison);
  const maxEffect = Math.max(1, ...ordered.filter((n) => n.depth > 0).map((n) => Math.abs(n.effect[comparison] ?? 0)));
  const compLabel = fullPlanLabel && comparison === 'plan' ? t('windows.planToDate') : t(`compare.${comparison}` as const);

  const byUnit = (v: number | null, n: TreeRow) => formatByUnit(v, n.unit, locale, currency);
  const columns: (Column<TreeRow> | false)[] = [
    {
      key: 'kpi',
      header: t('kpiTree.col.kpi'),
      rowHeader: true,
      className: 'font-normal',
      cell: (n) => <NodeLabel node={n} weakest={weakest?.key === n.key} />,
    },
    {
      key: 'actual',
      header: t('kpiTree.col.actual'),
      numeric: true,
      className: 'font-medium text-tremor-content-strong',
      cell: (n) => byUnit(n.actual, n),
      cellProps: () => ({ 'data-col': 'actual' }),
    },
    { key: 'base', header: compLabel, numeric: true, className: 'text-tremor-content', cell: (n) => byUnit(n[comparison], n) },
    !!fullPlanLabel && {
      key: 'plan-full',
      header: fullPlanLabel,
      numeric: true,
      className: 'text-tremor-content',
      cell: (n) => byUnit(n.planFull ?? null, n),
      cellProps: () => ({ 'data-col': 'plan-full' }),
    },
    !!landing && {
      key: 'landing',
      header: t('kpiTree.col.landing'),
      numeric: true,
      className: 'text-tremor-content',
      cell: (n) => <Landing value={landing[n.key] ?? null} unit={n.unit} currency={currency} />,
      cellProps: () => ({ 'data-col': 'landing' }),
    },
    {
      key: 'change',
      header: t('kpiTree.col.change'),
      numeric: true,
      cell: (n) => changeText(n.actual, n[comparison], n.unit, locale),
    },
    {
      key: 'effect',
      header: t('kpiTree.col.effect'),
      headerClassName: 'w-[28%]',
      cell: (n) => {
        const effect = n.depth === 0 ? null : toNumber(n.effect[comparison]);
        return effect === null ? (
          <span className="text-tremor-content">–</span>
        ) : (
          <EffectBar value={effect} max={maxEffect} text={formatSignedYen(effect, locale, { currency })} />
        );
      },
    },
    {
      key: 'share',
      header: t('kpiTree.col.share'),
      numeric: true,
      className: 'text-tremor-content',
      cell: (n) => (n.depth === 0 ? '' : formatPercent(n.shareOfGap[comparison], locale, 0)),
    },
  ];

  return (
    <DataTable
      label={t('kpiTree.tableLabel', { comparison: compLabel })}
      className="min-w-[40rem] border-collapse text-tremor-default"
      stickyHead
      scroll={{ className: 'h-full' }}
      rows={ordered}
      rowKey={(n) => n.key}
      rowProps={(n) => {
        const isWeakest = weakest?.key === n.key;
        return {
          'data-level': n.depth + 1,
          'data-node': n.key,
          'data-weakest': isWeakest || undefined,
          className: `${isWeakest ? 'bg-amber-50' : n.depth === 0 ? 'bg-tremor-background-muted' : ''}`,
        };
      }}
      columns={columns.filter((c): c is Column<TreeRow> => c !== false)}
    />
  );
}

/** A node's name, indented by its depth, with the months it counts, its note and the weakest-link flag. */
function NodeLabel({ node: n, weakest }: { node: TreeRow; weakest: boolean }) {
  const { t, locale } = useI18n();
  return (
    <span className="flex items-center gap-1.5" style={{ paddingLeft: n.depth * 18 }}>
      {n.depth > 0 ? (
        <span aria-hidden className="text-tremor-content">
          └
        </span>
      ) : null}
      <span className={n.depth === 0 ? 'font-semibold text-tremor-content-strong' : 'text-tremor-content-emphasis'}>
        {n.label}
        {n.window ? (
          <span className="ml-1.5 text-[11px] text-tremor-content">{t('kpiTree.window', windowText(n.window, locale))}</span>
        ) : null}
        {n.note ? (
          <span className="block text-[11px] leading-4 text-tremor-content" data-note={n.key}>
            {n.note}
          </span>
        ) : null}
      </span>
      {weakest ? (
        <span className="ml-1 inline-flex items-center gap-1 rounded-tremor-small border border-amber-300 bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-900">
          <FlagIcon />
          {t('kpiTree.weakest')}
        </span>
      ) : null}
    </span>
  );
}

function Landing({
  value,
  unit,
  currency,
}: {
  value: { forecast: number; low: number | null; high: number | null } | null;
  unit: Unit;
  currency: string;
}) {
  const { t, locale } = useI18n();
  const money = (v: number | null) => formatByUnit(v, unit, locale, currency);
  return value ? (
    <>
      <span className="font-medium text-tremor-content-strong">{money(value.forecast)}</span>
      <span className="block whitespace-nowrap text-[11px] leading-4 text-tremor-content">
        {t('plan.forecast.interval', { low: money(value.low), high: money(value.high) })}
      </span>
    </>
  ) : (
    <span className="text-tremor-content">–</span>
  );
}

function changeText(actual: number | null, base: number | null, unit: string, locale: 'ja' | 'en'): string {
  if (actual === null || base === null) return '–';
  if (unit === 'ratio') return formatSignedPoints(actual - base, locale);
  if (base === 0) return '–';
  return formatSignedPercent(actual / base - 1, locale);
}

function EffectBar({ value, max, text }: { value: number; max: number; text: string }) {
  const pct = Math.min(50, (Math.abs(value) / max) * 50);
  const negative = value < 0;
  return (
    <div className="flex items-center gap-2">
      <div className="relative h-3 flex-1" aria-hidden>
        <div className="absolute inset-y-0 left-1/2 w-px bg-tremor-content-subtle" />
        <div
          className={`absolute inset-y-0.5 rounded-sm ${negative ? 'bg-rose-400' : 'bg-emerald-500'}`}
          style={
            negative
              ? {
                  right: '50%',
                  width: `${pct}%`,
                  backgroundImage: 'repeating-linear-gradient(45deg, transparent 0 3px, rgba(255,255,255,.55) 3px 5px)',
                }
              : { left: '50%', width: `${pct}%` }
          }
        />
      </div>
      <span
        className={`w-24 shrink-0 text-right text-tremor-label tabular-nums ${negative ? 'text-rose-700' : 'text-emerald-700'}`}
      >
        {text}
      </span>
    </div>
  );
}
