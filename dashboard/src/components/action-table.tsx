/*
 * The PDCA action log's table: status, hypothesis and action (with the
 * period the action was decided for), owner, due date ("overdue" beside a
 * date passed while the action is not done), the aimed KPI with its
 * before/after (`renderEffect`), the result, and the edit / close buttons.
 * linkedMetric, a free reference older actions carry, is shown when an
 * action has no KPI node.
 */
import type { ReactNode } from 'react';
import type { Action } from '../api/actions-api';
import { useI18n } from '../i18n/i18n-context';
import { formatDate, formatPeriodKey } from '../lib/format';
import { StatusBadge } from './action-status';
import { DataTable } from './data-table';
import { ClockIcon } from './icons';

export function ActionTable(props: {
  actions: readonly Action[];
  /** 'YYYY-MM-DD': the day "overdue" is judged against. */
  today: string;
  metricLabel(node: string | null): string | null;
  renderEffect?: (action: Action) => ReactNode;
  onEdit(action: Action, close: boolean): void;
}) {
  const { t, locale } = useI18n();
  const { today, metricLabel, renderEffect, onEdit } = props;
  // a row's edit and close buttons, named with the action's hypothesis
  const tool = (a: Action, kind: 'edit' | 'close', colour: string) => (
    <button
      type="button"
      onClick={() => onEdit(a, kind === 'close')}
      className={`rounded-tremor-small px-2 py-1 text-tremor-label font-medium ${colour}`}
      aria-label={t(kind === 'edit' ? 'actions.editOne' : 'actions.closeOne', { hypothesis: a.hypothesis })}
    >
      {t(kind === 'edit' ? 'actions.edit' : 'actions.close')}
    </button>
  );
  const note = 'mr-1 text-tremor-label font-semibold text-tremor-content';
  return (
    <DataTable
      label={t('actions.title')}
      density="roomy"
      rows={props.actions}
      rowKey={(a) => a.id}
      rowProps={(a) => ({ className: 'align-top', 'data-action-id': a.id })}
      columns={[
        { key: 'status', header: t('actions.col.status'), cell: (a) => <StatusBadge status={a.status} /> },
        {
          key: 'hypothesisAction',
          header: t('actions.col.hypothesisAction'),
          className: 'max-w-[420px]',
          cell: (a) => (
            <>
              <p className="text-tremor-content-strong">
                <span className={note}>{t('actions.hypothesisShort')}</span>
                {a.hypothesis}
              </p>
              <p className="mt-0.5 text-tremor-content-emphasis">
                <span className={note}>{t('actions.actionShort')}</span>
                {a.action}
              </p>
              {a.period ? (
                <p className="mt-0.5 text-[11px] text-tremor-content">
                  {t('actions.decidedFor', { period: formatPeriodKey(a.period, locale) })}
                </p>
              ) : null}
            </>
          ),
        },
        { key: 'owner', header: t('actions.col.owner'), className: 'whitespace-nowrap', cell: (a) => a.owner },
        {
          key: 'due',
          header: t('actions.col.due'),
          className: 'whitespace-nowrap tabular-nums',
          cell: (a) => (
            <>
              {a.dueDate ? formatDate(a.dueDate, locale) : '–'}
              {a.status !== 'done' && a.dueDate !== null && a.dueDate < today ? (
                <span className="mt-0.5 flex items-center gap-1 text-[11px] font-semibold text-rose-700">
                  <ClockIcon />
                  {t('actions.overdue')}
                </span>
              ) : null}
            </>
          ),
        },
        {
          key: 'effect',
          header: t('actions.col.effect'),
          className: 'text-tremor-label',
          cell: (a) => (
            <>
              <p className="font-medium text-tremor-content-strong">{metricLabel(a.kpiNode ?? a.linkedMetric) ?? '–'}</p>
              {a.startDate ? (
                <p className="text-[11px] text-tremor-content">
                  {t('actions.field.startDate')} {formatDate(a.startDate, locale)}
                </p>
              ) : null}
              {a.kpiNode && renderEffect ? renderEffect(a) : null}
            </>
          ),
        },
        {
          key: 'result',
          header: t('actions.col.result'),
          className: 'max-w-[280px] text-tremor-content-emphasis',
          cell: (a) => a.result ?? <span className="text-tremor-content">–</span>,
        },
        {
          key: 'tools',
          header: <span className="sr-only">{t('actions.col.tools')}</span>,
          align: 'right',
          className: 'whitespace-nowrap print:hidden',
          cell: (a) => (
            <>
              {tool(a, 'edit', 'text-tremor-brand hover:bg-tremor-brand-faint')}
              {a.status !== 'done' ? tool(a, 'close', 'text-emerald-700 hover:bg-emerald-50') : null}
            </>
          ),
        },
      ]}
    />
  );
}
