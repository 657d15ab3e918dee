/*
 * One action's KPI before and after its start (lib/compare-action-windows.ts):
 * the monthly actuals of its KPI tree node over the two same-length windows,
 * one query on `kpi_tree` (period_type month), shown as "before → after"
 * with the windows named and whether the KPI moved the wanted way. Rendered
 * by the action log for actions with a KPI node and a start date.
 */
import { KPI_TREE } from '../api/views';
import type { Action } from '../api/actions-api';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { actionWindows, movement, windowMean, type MonthWindow } from '../lib/compare-action-windows';
import { formatByUnit, formatMonth, formatNumber, type Unit } from '../lib/format';
import { useSettings } from '../state/settings';

const MOVEMENT_STYLE = { better: 'text-emerald-700', worse: 'text-rose-700', flat: 'text-tremor-content' } as const;

export function ActionKpiEffect({ action }: { action: Action }) {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const windows = action.startDate ? actionWindows(action.startDate, settings.asOf) : null;
  const q = useViewQuery(
    {
      measures: [KPI_TREE.actual],
      dimensions: [KPI_TREE.unit],
      timeDimensions: [
        {
          dimension: KPI_TREE.fiscalMonth,
          granularity: 'month',
          dateRange: windows ? [windows.before.start, windows.after.end] : ['2000-01-01', '2000-01-01'],
        },
      ],
      filters: [
        { member: KPI_TREE.periodType, operator: 'equals', values: ['month'] },
        { member: KPI_TREE.node, operator: 'equals', values: [action.kpiNode ?? ''] },
      ],
    },
    { skip: !windows || !action.kpiNode },
  );
  if (!action.kpiNode) return null;
  if (!action.startDate) return <p className="text-[11px] text-tremor-content">{t('actions.effect.noStart')}</p>;
  if (!windows)
    return <p className="text-[11px] text-tremor-content">{t('actions.effect.tooEarly', { date: action.startDate })}</p>;
  if (q.status === 'loading') return <span className="inline-block h-4 w-24 animate-pulse rounded bg-tremor-background-subtle" />;
  if (q.status === 'error' || q.status === 'missing')
    return <p className="text-[11px] text-red-700">{q.error ?? q.missing.join(', ')}</p>;

  const monthKey = `${KPI_TREE.fiscalMonth}.month`;
  const byMonth = new Map(q.rows.map((r) => [String(r[monthKey] ?? '').slice(0, 10), num(r, KPI_TREE.actual)]));
  const unit = (str(q.rows[0], KPI_TREE.unit) ?? 'number') as Unit;
  const before = windowMean(windows.before, (m) => byMonth.get(m) ?? null);
  const after = windowMean(windows.after, (m) => byMonth.get(m) ?? null);
  const moved = movement(before, after, unit);
  // a monthly mean of counts is rarely whole
  const format = (v: number | null) => (unit === 'count' ? formatNumber(v, locale, 1) : formatByUnit(v, unit, locale));
  const span = (w: MonthWindow) =>
    w.months.length === 1
      ? formatMonth(w.start, locale)
      : `${formatMonth(w.start, locale)}–${formatMonth(w.months.at(-1)!, locale)}`;
  return (
    <div data-effect={action.id}>
      <p className="tabular-nums">
        <span data-figure="before">{format(before)}</span> →{' '}
        <span data-figure="after" className="font-semibold">
          {format(after)}
        </span>
        {moved ? (
          <span className={`ml-1.5 text-[11px] font-semibold ${MOVEMENT_STYLE[moved]}`}>
            {t(`actions.effect.${moved}` as MessageKey)}
          </span>
        ) : null}
      </p>
      <p className="text-[11px] text-tremor-content">
        {t('actions.effect.windows', { before: span(windows.before), after: span(windows.after) })}
      </p>
    </div>
  );
}
