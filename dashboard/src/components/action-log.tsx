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
 * An action names the KPI tree node it aims at and its start date; the
 * caller renders that KPI's before/after (`renderEffect`, the review page's
 * ActionKpiEffect) in the KPI column, so this component needs no semantic
 * layer. linkedMetric, a free reference older actions carry, is shown when
 * an action has no KPI node.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { Card } from '@tremor/react';
import {
  ACTION_STATUSES,
  httpActionsClient,
  type Action,
  type ActionInput,
  type ActionsClient,
  type ActionStatus,
} from '../api/actions-api';
import { ApiError, type ApiFieldError } from '../api/revcycle-api';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { formatDate, formatPeriodKey } from '../lib/format';
import { Segmented } from './page-header';
import { AlertIcon, ClockIcon, PlusIcon } from './icons';
import { ScrollRegion } from './scroll-region';

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

const STATUS_SYMBOL: Record<ActionStatus, string> = { open: '○', in_progress: '◐', done: '✓' };
const STATUS_STYLE: Record<ActionStatus, string> = {
  open: 'border-slate-300 bg-white text-slate-700',
  in_progress: 'border-blue-200 bg-blue-50 text-blue-800',
  done: 'border-emerald-200 bg-emerald-50 text-emerald-800',
};

const EMPTY_DRAFT: ActionInput = {
  hypothesis: '',
  action: '',
  owner: '',
  dueDate: '',
  status: 'open',
  result: '',
  kpiNode: '',
  startDate: '',
};

export function StatusBadge({ status }: { status: ActionStatus }) {
  const { t } = useI18n();
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-[11px] font-semibold ${STATUS_STYLE[status]}`}
    >
      <span aria-hidden>{STATUS_SYMBOL[status]}</span>
      {t(`actions.status.${status}` as MessageKey)}
    </span>
  );
}

export function ActionLog({ client = httpActionsClient, period, today, metrics = [], renderEffect }: ActionLogProps) {
  const { t, locale } = useI18n();
  const [actions, setActions] = useState<Action[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [editing, setEditing] = useState<{ id: string | null; draft: ActionInput; focus?: 'result' } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ApiFieldError[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try {
      setActions(await client.list());
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load]);

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

  const startNew = () => {
    setFieldErrors([]);
    setSaveError(null);
    setEditing({ id: null, draft: { ...EMPTY_DRAFT } });
  };
  const startEdit = (a: Action, close = false) => {
    setFieldErrors([]);
    setSaveError(null);
    setEditing({
      id: a.id,
      draft: {
        hypothesis: a.hypothesis,
        action: a.action,
        owner: a.owner,
        dueDate: a.dueDate ?? '',
        status: close ? 'done' : a.status,
        result: a.result ?? '',
        kpiNode: a.kpiNode ?? '',
        startDate: a.startDate ?? '',
      },
      focus: close ? 'result' : undefined,
    });
  };

  const save = async () => {
    if (!editing) return;
    setSaving(true);
    setFieldErrors([]);
    setSaveError(null);
    const d = editing.draft;
    const body: ActionInput = {
      hypothesis: d.hypothesis ?? '',
      action: d.action ?? '',
      owner: d.owner ?? '',
      dueDate: d.dueDate ? d.dueDate : null,
      status: d.status,
      result: d.result ? d.result : null,
      kpiNode: d.kpiNode ? d.kpiNode : null,
      startDate: d.startDate ? d.startDate : null,
    };
    try {
      if (editing.id) await client.update(editing.id, body);
      else await client.create({ ...body, period });
      setEditing(null);
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length > 0) setFieldErrors(e.fields);
      else setSaveError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

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
              onClick={startNew}
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
            errors={fieldErrors}
            saveError={saveError}
            saving={saving}
            metrics={metrics}
            onChange={(draft) => setEditing({ ...editing, draft })}
            onCancel={() => setEditing(null)}
            onSave={save}
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
          <ScrollRegion>
            <table className="w-full text-tremor-default" aria-label={t('actions.title')}>
              <thead className="text-left text-tremor-label text-tremor-content">
                <tr className="border-b border-tremor-border">
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.status')}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.hypothesisAction')}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.owner')}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.due')}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.effect')}
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    {t('actions.col.result')}
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    <span className="sr-only">{t('actions.col.tools')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((a) => {
                  const overdue = a.status !== 'done' && a.dueDate !== null && a.dueDate < today;
                  return (
                    <tr key={a.id} className="border-b border-tremor-border/60 align-top" data-action-id={a.id}>
                      <td className="py-2 pr-3">
                        <StatusBadge status={a.status} />
                      </td>
                      <td className="max-w-[420px] py-2 pr-3">
                        <p className="text-tremor-content-strong">
                          <span className="mr-1 text-tremor-label font-semibold text-tremor-content">
                            {t('actions.hypothesisShort')}
                          </span>
                          {a.hypothesis}
                        </p>
                        <p className="mt-0.5 text-tremor-content-emphasis">
                          <span className="mr-1 text-tremor-label font-semibold text-tremor-content">
                            {t('actions.actionShort')}
                          </span>
                          {a.action}
                        </p>
                        {a.period ? (
                          <p className="mt-0.5 text-[11px] text-tremor-content">
                            {t('actions.decidedFor', { period: formatPeriodKey(a.period, locale) })}
                          </p>
                        ) : null}
                      </td>
                      <td className="whitespace-nowrap py-2 pr-3">{a.owner}</td>
                      <td className="whitespace-nowrap py-2 pr-3 tabular-nums">
                        {a.dueDate ? formatDate(a.dueDate, locale) : '–'}
                        {overdue ? (
                          <span className="mt-0.5 flex items-center gap-1 text-[11px] font-semibold text-rose-700">
                            <ClockIcon />
                            {t('actions.overdue')}
                          </span>
                        ) : null}
                      </td>
                      <td className="py-2 pr-3 text-tremor-label">
                        <p className="font-medium text-tremor-content-strong">
                          {metricLabel(a.kpiNode ?? a.linkedMetric) ?? '–'}
                        </p>
                        {a.startDate ? (
                          <p className="text-[11px] text-tremor-content">
                            {t('actions.field.startDate')} {formatDate(a.startDate, locale)}
                          </p>
                        ) : null}
                        {a.kpiNode && renderEffect ? renderEffect(a) : null}
                      </td>
                      <td className="max-w-[280px] py-2 pr-3 text-tremor-content-emphasis">
                        {a.result ?? <span className="text-tremor-content">–</span>}
                      </td>
                      <td className="whitespace-nowrap py-2 text-right print:hidden">
                        <button
                          type="button"
                          onClick={() => startEdit(a)}
                          className="rounded-tremor-small px-2 py-1 text-tremor-label font-medium text-tremor-brand hover:bg-tremor-brand-faint"
                          aria-label={t('actions.editOne', { hypothesis: a.hypothesis })}
                        >
                          {t('actions.edit')}
                        </button>
                        {a.status !== 'done' ? (
                          <button
                            type="button"
                            onClick={() => startEdit(a, true)}
                            className="rounded-tremor-small px-2 py-1 text-tremor-label font-medium text-emerald-700 hover:bg-emerald-50"
                            aria-label={t('actions.closeOne', { hypothesis: a.hypothesis })}
                          >
                            {t('actions.close')}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>
    </Card>
  );
}

function ActionForm(props: {
  draft: ActionInput;
  focus?: 'result';
  isNew: boolean;
  errors: ApiFieldError[];
  saveError: string | null;
  saving: boolean;
  metrics: { value: string; label: string }[];
  onChange(d: ActionInput): void;
  onCancel(): void;
  onSave(): void;
}) {
  const { draft, focus, isNew, errors, saveError, saving, metrics, onChange, onCancel, onSave } = props;
  const { t } = useI18n();
  const id = useId();
  const resultRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focus === 'result') resultRef.current?.focus();
  }, [focus]);
  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  const set = (k: keyof ActionInput, v: string) => onChange({ ...draft, [k]: v });
  const input =
    'w-full rounded-tremor-small border border-tremor-border bg-white px-2 py-1.5 text-tremor-default text-tremor-content-strong shadow-tremor-input focus:outline-none focus:ring-2 focus:ring-tremor-brand-muted aria-[invalid=true]:border-red-400';
  const field = (k: keyof ActionInput, label: string, el: React.ReactNode) => (
    <div>
      <label htmlFor={`${id}-${k}`} className="mb-0.5 block text-tremor-label font-medium text-tremor-content-emphasis">
        {label}
      </label>
      {el}
      {err(k) ? (
        <p id={`${id}-${k}-err`} role="alert" className="mt-0.5 text-[11px] font-medium text-red-700">
          {err(k)}
        </p>
      ) : null}
    </div>
  );
  const aria = (k: keyof ActionInput) => ({
    id: `${id}-${k}`,
    'aria-invalid': err(k) ? true : undefined,
    'aria-describedby': err(k) ? `${id}-${k}-err` : undefined,
  });

  return (
    <form
      aria-label={isNew ? t('actions.form.new') : t('actions.form.edit')}
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
      className="mb-4 rounded-tremor-default border border-tremor-brand-muted bg-tremor-brand-faint/40 p-4 print:hidden"
    >
      <div className="grid gap-3 md:grid-cols-2">
        {field(
          'hypothesis',
          t('actions.field.hypothesis'),
          <textarea
            {...aria('hypothesis')}
            rows={2}
            className={input}
            value={draft.hypothesis ?? ''}
            onChange={(e) => set('hypothesis', e.target.value)}
            placeholder={t('actions.placeholder.hypothesis')}
          />,
        )}
        {field(
          'action',
          t('actions.field.action'),
          <textarea
            {...aria('action')}
            rows={2}
            className={input}
            value={draft.action ?? ''}
            onChange={(e) => set('action', e.target.value)}
            placeholder={t('actions.placeholder.action')}
          />,
        )}
        <div className="grid grid-cols-3 gap-3 md:col-span-2">
          {field(
            'owner',
            t('actions.field.owner'),
            <input
              {...aria('owner')}
              className={input}
              value={draft.owner ?? ''}
              onChange={(e) => set('owner', e.target.value)}
            />,
          )}
          {field(
            'dueDate',
            t('actions.field.dueDate'),
            <input
              {...aria('dueDate')}
              type="date"
              className={input}
              value={draft.dueDate ?? ''}
              onChange={(e) => set('dueDate', e.target.value)}
            />,
          )}
          {field(
            'status',
            t('actions.field.status'),
            <select
              {...aria('status')}
              className={input}
              value={draft.status ?? 'open'}
              onChange={(e) => set('status', e.target.value)}
            >
              {ACTION_STATUSES.map((s) => (
                <option key={s} value={s}>{`${STATUS_SYMBOL[s]} ${t(`actions.status.${s}` as MessageKey)}`}</option>
              ))}
            </select>,
          )}
        </div>
        <div className="grid grid-cols-2 gap-3">
          {field(
            'kpiNode',
            t('actions.field.kpiNode'),
            <select
              {...aria('kpiNode')}
              className={input}
              value={draft.kpiNode ?? ''}
              onChange={(e) => set('kpiNode', e.target.value)}
            >
              <option value="">{t('actions.kpiNone')}</option>
              {draft.kpiNode && !metrics.some((m) => m.value === draft.kpiNode) ? (
                <option value={draft.kpiNode}>{draft.kpiNode}</option>
              ) : null}
              {metrics.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>,
          )}
          {field(
            'startDate',
            t('actions.field.startDate'),
            <input
              {...aria('startDate')}
              type="date"
              className={input}
              value={draft.startDate ?? ''}
              onChange={(e) => set('startDate', e.target.value)}
            />,
          )}
        </div>
        {field(
          'result',
          t('actions.field.result'),
          <textarea
            {...aria('result')}
            ref={resultRef}
            rows={2}
            className={input}
            value={draft.result ?? ''}
            onChange={(e) => set('result', e.target.value)}
            placeholder={t('actions.placeholder.result')}
          />,
        )}
      </div>
      {saveError ? (
        <p role="alert" className="mt-2 text-tremor-label font-medium text-red-700">
          {saveError}
        </p>
      ) : null}
      <div className="mt-3 flex justify-end gap-2">
        <button
          type="button"
          onClick={onCancel}
          className="rounded-tremor-small border border-tremor-border bg-white px-3 py-1.5 text-tremor-label font-medium text-tremor-content-emphasis hover:bg-tremor-background-subtle"
        >
          {t('actions.cancel')}
        </button>
        <button
          type="submit"
          disabled={saving}
          className="rounded-tremor-small bg-tremor-brand px-3 py-1.5 text-tremor-label font-semibold text-white hover:bg-tremor-brand-emphasis disabled:opacity-50"
        >
          {saving ? t('actions.saving') : t('actions.save')}
        </button>
      </div>
    </form>
  );
}
