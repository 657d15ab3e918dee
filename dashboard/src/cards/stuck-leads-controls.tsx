/*
 * The stuck-leads card's controls (StuckLeadsCard): which list it shows (the
 * SLA breaches or a nurture list of N idle days) and the CSV export.
 */
import { DownloadIcon } from '../components/icons';
import { useI18n } from '../i18n/i18n-context';
import { NURTURE_DAYS, type NurtureDays } from './stuck-leads-list';

/** The card's controls: which list (SLA breaches or a nurture list) and the CSV export. */
export function ListControls(props: {
  nurtureDays: NurtureDays;
  onChoose(days: NurtureDays): void;
  onExport(): void;
  canExport: boolean;
}) {
  const { t } = useI18n();
  return (
    <span className="inline-flex items-center gap-2">
      <select
        aria-label={t('backlog.list.mode')}
        value={props.nurtureDays === null ? 'sla' : String(props.nurtureDays)}
        onChange={(e) => props.onChoose(e.target.value === 'sla' ? null : Number(e.target.value))}
        className="rounded-tremor-small border border-tremor-border bg-white px-2 py-1 text-tremor-label text-tremor-content-emphasis"
      >
        <option value="sla">{t('backlog.list.modeSla')}</option>
        {NURTURE_DAYS.map((d) => (
          <option key={d} value={String(d)}>
            {t('backlog.list.modeNurture', { days: d })}
          </option>
        ))}
      </select>
      <button
        type="button"
        onClick={props.onExport}
        disabled={!props.canExport}
        className="inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border bg-white px-2.5 py-1 text-tremor-label font-medium text-tremor-content-emphasis shadow-tremor-input hover:bg-tremor-background-subtle disabled:opacity-50"
      >
        <DownloadIcon />
        {t('backlog.list.csv')}
      </button>
    </span>
  );
}
