/*
 * Page title, one line on what the page answers, the period in view, and
 * the meeting tools: presentation mode, PNG export (html-to-image) and PDF
 * (the browser's print dialog with the print stylesheet). The tools are
 * left out of the PNG and the printout.
 */
import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { exportElementToPng, exportFileName, printPage } from '../lib/export-page';
import { formatPeriodKey } from '../lib/format';
import { useFilters } from '../hooks/use-filters';
import { usePresentation } from './app-shell';
import { ImageIcon, PresentIcon, PrintIcon } from './icons';

/** The header's tool buttons' look (the review page's meeting-pack button uses it too). */
export const toolClass =
  'inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border bg-white px-2.5 py-1.5 text-tremor-label font-medium text-tremor-content-emphasis shadow-tremor-input hover:bg-tremor-background-subtle disabled:opacity-50';

/** The dashboard's pages: each has its title and description in the messages as `<page>.title`, `<page>.description`. */
export type PageName = 'board' | 'funnel' | 'backlog' | 'channels' | 'plan' | 'review' | 'definitions' | 'data';

export function PageHeader({ page, children }: { page: PageName; children?: ReactNode }) {
  const { t, locale } = useI18n();
  const title = t(`${page}.title`);
  const description = t(`${page}.description`);
  const { periodKey } = useFilters();
  const { presenting, setPresenting } = usePresentation();
  const [busy, setBusy] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  const exportPng = async () => {
    const el = document.getElementById('page');
    if (!el) return;
    setBusy(true);
    setExportError(null);
    try {
      await exportElementToPng(el, exportFileName(page, periodKey, 'png'));
    } catch (e) {
      setExportError(t('export.failed', { error: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-4">
      <div>
        <p className="text-tremor-label font-medium uppercase tracking-wide text-tremor-brand">
          {formatPeriodKey(periodKey, locale)}
        </p>
        <h1 className={`font-bold tracking-tight text-tremor-content-strong ${presenting ? 'text-3xl' : 'text-2xl'}`}>{title}</h1>
        <p className="mt-1 text-tremor-default text-tremor-content">{description}</p>
      </div>
      <div className="flex flex-wrap items-center gap-2" data-export-ignore="true">
        {children}
        <div className="flex items-center gap-2 print:hidden">
          {!presenting ? (
            <button type="button" className={toolClass} onClick={() => setPresenting(true)}>
              <PresentIcon />
              {t('export.present')}
            </button>
          ) : null}
          <button type="button" className={toolClass} onClick={exportPng} disabled={busy} aria-busy={busy}>
            <ImageIcon />
            {busy ? t('export.working') : t('export.png')}
          </button>
          <button type="button" className={toolClass} onClick={printPage} title={t('export.pdfHint')}>
            <PrintIcon />
            {t('export.pdf')}
          </button>
        </div>
        {exportError ? (
          <p role="alert" className="w-full text-right text-tremor-label text-red-700">
            {exportError}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A segmented control for page options kept in the URL (grain, model, comparison). */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex items-center gap-2">
      <span className="text-tremor-label font-medium text-tremor-content">{label}</span>
      <span className="inline-flex overflow-hidden rounded-tremor-small border border-tremor-border bg-white shadow-tremor-input">
        {options.map((o) => (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={value === o.value}
            onClick={() => onChange(o.value)}
            className={`border-l border-tremor-border px-2.5 py-1 text-tremor-label font-medium first:border-l-0 ${
              value === o.value ? 'bg-tremor-brand text-white' : 'text-tremor-content-emphasis hover:bg-tremor-background-subtle'
            }`}
          >
            {o.label}
          </button>
        ))}
      </span>
    </div>
  );
}
