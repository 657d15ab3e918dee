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
import { ScrollRegion } from './scroll-region';

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

  return (
    <ScrollRegion className="h-full">
      <table
        className="w-full min-w-[40rem] border-collapse text-tremor-default"
        aria-label={t('kpiTree.tableLabel', { comparison: compLabel })}
      >
        <thead className="sticky top-0 z-10 bg-white text-left text-tremor-label text-tremor-content">
          <tr className="border-b border-tremor-border">
            <th scope="col" className="py-2 pr-3 font-medium">
              {t('kpiTree.col.kpi')}
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              {t('kpiTree.col.actual')}
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              {compLabel}
            </th>
            {fullPlanLabel ? (
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {fullPlanLabel}
              </th>
            ) : null}
            {landing ? (
              <th scope="col" className="px-3 py-2 text-right font-medium">
                {t('kpiTree.col.landing')}
              </th>
            ) : null}
            <th scope="col" className="px-3 py-2 text-right font-medium">
              {t('kpiTree.col.change')}
            </th>
            <th scope="col" className="w-[28%] px-3 py-2 font-medium">
              {t('kpiTree.col.effect')}
            </th>
            <th scope="col" className="py-2 pl-3 text-right font-medium">
              {t('kpiTree.col.share')}
            </th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((n) => {
            const base = n[comparison];
            const isWeakest = weakest?.key === n.key;
            const change = changeText(n.actual, base, n.unit, locale);
            const effect = n.depth === 0 ? null : toNumber(n.effect[comparison]);
            return (
              <tr
                key={n.key}
                data-level={n.depth + 1}
                data-node={n.key}
                data-weakest={isWeakest || undefined}
                className={`border-b border-tremor-border/70 ${isWeakest ? 'bg-amber-50' : n.depth === 0 ? 'bg-tremor-background-muted' : ''}`}
              >
                <th scope="row" className="py-1.5 pr-3 text-left font-normal">
                  <span className="flex items-center gap-1.5" style={{ paddingLeft: n.depth * 18 }}>
                    {n.depth > 0 ? (
                      <span aria-hidden className="text-tremor-content">
                        └
                      </span>
                    ) : null}
                    <span className={n.depth === 0 ? 'font-semibold text-tremor-content-strong' : 'text-tremor-content-emphasis'}>
                      {n.label}
                      {n.window ? (
                        <span className="ml-1.5 text-[11px] text-tremor-content">
                          {t('kpiTree.window', windowText(n.window, locale))}
                        </span>
                      ) : null}
                      {n.note ? (
                        <span className="block text-[11px] leading-4 text-tremor-content" data-note={n.key}>
                          {n.note}
                        </span>
                      ) : null}
                    </span>
                    {isWeakest ? (
                      <span className="ml-1 inline-flex items-center gap-1 rounded-tremor-small border border-amber-300 bg-amber-100 px-1.5 py-0.5 text-[11px] font-semibold text-amber-900">
                        <FlagIcon />
                        {t('kpiTree.weakest')}
                      </span>
                    ) : null}
                  </span>
                </th>
                <td className="px-3 py-1.5 text-right font-medium tabular-nums text-tremor-content-strong">
                  {formatByUnit(n.actual, n.unit, locale, currency)}
                </td>
                <td className="px-3 py-1.5 text-right tabular-nums text-tremor-content">
                  {formatByUnit(base, n.unit, locale, currency)}
                </td>
                {fullPlanLabel ? (
                  <td className="px-3 py-1.5 text-right tabular-nums text-tremor-content" data-col="plan-full">
                    {formatByUnit(n.planFull ?? null, n.unit, locale, currency)}
                  </td>
                ) : null}
                {landing ? <LandingCell value={landing[n.key] ?? null} unit={n.unit} currency={currency} /> : null}
                <td className="px-3 py-1.5 text-right tabular-nums">{change}</td>
                <td className="px-3 py-1.5">
                  {effect === null ? (
                    <span className="text-tremor-content">–</span>
                  ) : (
                    <EffectBar value={effect} max={maxEffect} text={formatSignedYen(effect, locale, { currency })} />
                  )}
                </td>
                <td className="py-1.5 pl-3 text-right tabular-nums text-tremor-content">
                  {n.depth === 0 ? '' : formatPercent(n.shareOfGap[comparison], locale, 0)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function LandingCell({
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
  return (
    <td className="px-3 py-1.5 text-right tabular-nums text-tremor-content" data-col="landing">
      {value ? (
        <>
          <span className="font-medium text-tremor-content-strong">{money(value.forecast)}</span>
          <span className="block whitespace-nowrap text-[11px] leading-4 text-tremor-content">
            {t('plan.forecast.interval', { low: money(value.low), high: money(value.high) })}
          </span>
        </>
      ) : (
        <span className="text-tremor-content">–</span>
      )}
    </td>
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
