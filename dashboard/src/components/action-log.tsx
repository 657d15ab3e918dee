/*
 * The PDCA action log (hypothesis → action → result): list, create, edit
 * and close actions kept on the server (/api/actions), so they survive
 * restarts and warehouse rebuilds and every participant of the review sees
 * the same log. "Close" opens the action with status done and the result
 * field first, because a closed action without a result teaches nothing.
 *
 * Status is shown by a symbol and a word (○ open, ◐ in progress, ✓ done);
 * an overdue action says "overdue" beside its date. Errors from the server
 * (400 naming a field) appear under that field.
 *
 * This module lays the log out; its parts are one job each: the state and
 * the server calls (use-action-log.ts), the form (action-form.tsx), the
 * table (action-table.tsx) and the status badge (action-status.tsx).
 *
 * An action names the KPI tree node it aims at and its start date; the
 * caller renders that KPI's before/after (`renderEffect`, the review page's
 * ActionKpiEffect) in the KPI column, so this component needs no semantic
 * layer. linkedMetric, a free reference older actions carry, is shown when
 * an action has no KPI node.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Card } from '@tremor/react';
import { ACTION_STATUSES, httpActionsClient, type Action, type ActionsClient, type ActionStatus } from '../api/actions-api';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { ActionForm } from './action-form';
import { ActionTable } from './action-table';
import { AlertIcon, PlusIcon } from './icons';
import { Segmented } from './page-header';
import { useActionLog } from './use-action-log';

export { StatusBadge } from './action-status';

export interface ActionLogProps {
  client?: ActionsClient;
  /** Fiscal period key new actions are recorded for. */
  period: string;
  /** 'YYYY-MM-DD': the day "overdue" is judged against (the data's as_of or today). */
  today: string;
  /** KPI tree nodes an action can aim at: value = the node key of the kpi_tree view. */
  metrics?: { value: string; label: string }[];
  /** The aimed KPI's before/after for an action with a KPI node. */
  renderEffect?: (action: Action) => ReactNode;
}

type Filter = 'all' | ActionStatus;

export function ActionLog({ client = httpActionsClient, period, today, metrics = [], renderEffect }: ActionLogProps) {
  const { t } = useI18n();
  const log = useActionLog(client, period);
  const { actions, loadError, editing } = log;
  const [filter, setFilter] = useState<Filter>('all');
  const counts = useMemo(() => {
    const c: Record<Filter, number> = { all: 0, open: 0, in_progress: 0, done: 0 };
    for (const a of actions ?? []) {
      c.all++;
      c[a.status]++;
    }
    return c;
  }, [actions]);
  const shown = (actions ?? []).filter((a) => filter === 'all' || a.status === filter);
  const metricLabel = (v: string | null) => (v ? (metrics.find((m) => m.value === v)?.label ?? v) : null);

  return (
    <Card className="p-5">
      <section
        aria-labelledby="action-log-title"
        data-card-state={actions === null ? (loadError ? 'error' : 'loading') : 'ready'}
      >
        <header className="mb-3 flex flex-wrap items-start justify-between gap-3">
          <div>
            <h3 id="action-log-title" className="text-tremor-default font-semibold text-tremor-content-strong">
              {t('actions.title')}
            </h3>
            <p className="mt-0.5 text-tremor-label text-tremor-content">{t('actions.subtitle')}</p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Segmented
              label={t('actions.filter')}
              value={filter}
              onChange={setFilter}
              options={(['all', ...ACTION_STATUSES] as Filter[]).map((f) => ({
                value: f,
                label: `${t(`actions.filter.${f}` as MessageKey)} ${counts[f]}`,
              }))}
            />
            <button
              type="button"
              onClick={log.startNew}
              className="inline-flex items-center gap-1.5 rounded-tremor-small bg-tremor-brand px-3 py-1.5 text-tremor-label font-semibold text-white shadow-tremor-input hover:bg-tremor-brand-emphasis print:hidden"
            >
              <PlusIcon />
              {t('actions.add')}
            </button>
          </div>
        </header>

        {editing ? (
          <ActionForm
            key={editing.id ?? 'new'}
            draft={editing.draft}
            focus={editing.focus}
            isNew={editing.id === null}
            errors={log.fieldErrors}
            saveError={log.saveError}
            saving={log.saving}
            metrics={metrics}
            onChange={(draft) => log.setEditing({ ...editing, draft })}
            onCancel={() => log.setEditing(null)}
            onSave={log.save}
          />
        ) : null}

        {loadError ? (
          <p
            role="alert"
            className="flex items-center gap-2 rounded-tremor-default border border-red-200 bg-red-50 px-3 py-2 text-tremor-default text-red-800"
          >
            <AlertIcon />
            {t('actions.loadError', { error: loadError })}
          </p>
        ) : actions === null ? (
          <div
            className="h-32 animate-pulse rounded-tremor-default bg-tremor-background-subtle"
            role="status"
            aria-label={t('state.loading')}
          />
        ) : shown.length === 0 ? (
          <p
            role="status"
            className="rounded-tremor-default border border-dashed border-tremor-border px-4 py-8 text-center text-tremor-default text-tremor-content"
          >
            {actions.length === 0 ? t('actions.empty') : t('actions.emptyFilter')}
          </p>
        ) : (
          <ActionTable
            actions={shown}
            today={today}
            metricLabel={metricLabel}
            renderEffect={renderEffect}
            onEdit={log.startEdit}
          />
        )}
      </section>
    </Card>
  );
}
