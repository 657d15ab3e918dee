/*
 * The form that creates or edits an action of the PDCA log. "Close" opens
 * it with status done and the result field focused, because a closed
 * action without a result teaches nothing. A server error naming a field
 * (400) appears under that field; any other error under the form.
 *
 * Drafts hold what the inputs hold (empty strings); `actionInputOf` turns a
 * draft into what the server stores (null for an empty optional field).
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ACTION_STATUSES, type Action, type ActionInput } from '../api/actions-api';
import type { ApiFieldError } from '../api/revcycle-api';
import { useI18n } from '../i18n/i18n-context';
import { STATUS_SYMBOL, statusKey } from './action-status';

export const EMPTY_DRAFT: ActionInput = {
  hypothesis: '',
  action: '',
  owner: '',
  dueDate: '',
  status: 'open',
  result: '',
  kpiNode: '',
  startDate: '',
};

/** The draft of an existing action; closing it sets status done. */
export function draftOf(a: Action, close: boolean): ActionInput {
  return {
    hypothesis: a.hypothesis,
    action: a.action,
    owner: a.owner,
    dueDate: a.dueDate ?? '',
    status: close ? 'done' : a.status,
    result: a.result ?? '',
    kpiNode: a.kpiNode ?? '',
    startDate: a.startDate ?? '',
  };
}

/** What the server stores for a draft: empty optional fields become null. */
export function actionInputOf(d: ActionInput): ActionInput {
  return {
    hypothesis: d.hypothesis ?? '',
    action: d.action ?? '',
    owner: d.owner ?? '',
    dueDate: d.dueDate ? d.dueDate : null,
    status: d.status,
    result: d.result ? d.result : null,
    kpiNode: d.kpiNode ? d.kpiNode : null,
    startDate: d.startDate ? d.startDate : null,
  };
}

export function ActionForm(props: {
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
  const field = (k: keyof ActionInput, label: string, el: ReactNode) => (
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
  // what every input, text area and select of the form carries: its id, error wiring, value and change
  const control = (k: keyof ActionInput, fallback = '') => ({
    id: `${id}-${k}`,
    'aria-invalid': err(k) ? true : undefined,
    'aria-describedby': err(k) ? `${id}-${k}-err` : undefined,
    className: input,
    value: String(draft[k] ?? fallback),
    onChange: (e: { target: { value: string } }) => set(k, e.target.value),
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
          <textarea {...control('hypothesis')} rows={2} placeholder={t('actions.placeholder.hypothesis')} />,
        )}
        {field(
          'action',
          t('actions.field.action'),
          <textarea {...control('action')} rows={2} placeholder={t('actions.placeholder.action')} />,
        )}
        <div className="grid grid-cols-3 gap-3 md:col-span-2">
          {field('owner', t('actions.field.owner'), <input {...control('owner')} />)}
          {field('dueDate', t('actions.field.dueDate'), <input {...control('dueDate')} type="date" />)}
          {field(
            'status',
            t('actions.field.status'),
            <select {...control('status', 'open')}>
              {ACTION_STATUSES.map((s) => (
                <option key={s} value={s}>{`${STATUS_SYMBOL[s]} ${t(statusKey(s))}`}</option>
              ))}
            </select>,
          )}
        </div>
        <div className="grid grid-cols-2 gap-3">
          {field(
            'kpiNode',
            t('actions.field.kpiNode'),
            <select {...control('kpiNode')}>
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
          {field('startDate', t('actions.field.startDate'), <input {...control('startDate')} type="date" />)}
        </div>
        {field(
          'result',
          t('actions.field.result'),
          <textarea {...control('result')} ref={resultRef} rows={2} placeholder={t('actions.placeholder.result')} />,
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
