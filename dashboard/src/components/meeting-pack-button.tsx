/*
 * The review page's download of the meeting pack: the same PDF as
 * `npm run report` and the `pack` schedules, for the period in view and the
 * page's language (docs/schedules.md, "The meeting pack").
 */
import { useState } from 'react';
import { downloadPack } from '../api/report-api';
import { useFilters } from '../hooks/use-filters';
import { useI18n } from '../i18n/i18n-context';
import { DownloadIcon } from './icons';
import { toolClass } from './page-header';

export function MeetingPackButton() {
  const { t, locale } = useI18n();
  const { periodKey } = useFilters();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadPack(periodKey, locale);
    } catch (e) {
      setError(t('export.failed', { error: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        onClick={download}
        disabled={busy}
        aria-busy={busy}
        title={t('export.packHint')}
        className={`${toolClass} print:hidden`}
      >
        <DownloadIcon />
        {busy ? t('export.working') : t('export.pack')}
      </button>
      {error ? (
        <p role="alert" className="basis-full text-right text-tremor-label text-red-700">
          {error}
        </p>
      ) : null}
    </>
  );
}
