/*
 * An action's status, shown by a symbol and a word (○ open, ◐ in
 * progress, ✓ done), never by colour alone; the same symbols name the
 * statuses in the action form's selector.
 */
import type { ActionStatus } from '../api/actions-api';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';

export const STATUS_SYMBOL: Record<ActionStatus, string> = { open: '○', in_progress: '◐', done: '✓' };
const STATUS_STYLE: Record<ActionStatus, string> = {
  open: 'border-slate-300 bg-white text-slate-700',
  in_progress: 'border-blue-200 bg-blue-50 text-blue-800',
  done: 'border-emerald-200 bg-emerald-50 text-emerald-800',
};

/** The status's name in the user's language. */
export const statusKey = (status: ActionStatus) => `actions.status.${status}` as MessageKey;

export function StatusBadge({ status }: { status: ActionStatus }) {
  const { t } = useI18n();
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-[11px] font-semibold ${STATUS_STYLE[status]}`}
    >
      <span aria-hidden>{STATUS_SYMBOL[status]}</span>
      {t(statusKey(status))}
    </span>
  );
}
