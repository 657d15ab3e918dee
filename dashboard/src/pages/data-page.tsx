/*
 * Data (/data): what the figures rest on, for an executive who asks "where
 * do these numbers come from?". Per source, its last import (when, files,
 * rows read / accepted / quarantined), why rows were quarantined with a
 * download of the quarantine file, the source values no mapping named (with
 * the entry to add), the mapping in force, and the data's as-of. One request
 * to GET /api/imports; imports themselves run from the command line.
 */
import { useEffect, useState } from 'react';
import { Card } from '@tremor/react';
import { apiRequest } from '../api/revcycle-api';
import { sessionToken } from '../api/cube-client';
import { CardFrame, type CardState } from '../components/card-frame';
import { DataTable } from '../components/data-table';
import { DownloadIcon } from '../components/icons';
import { CardRow, CardStack } from '../components/card-grid';
import { PageHeader } from '../components/page-header';
import { SchedulesCard } from '../cards/schedules-card';
import { useI18n } from '../i18n/i18n-context';
import { downloadText } from '../lib/export-csv';
import { formatCount, formatDate } from '../lib/format';
import type { ImportSourceStatus, ImportsStatus } from '../../../server/contract/imports';

function useImports(): { state: CardState; data: ImportsStatus | null } {
  const [data, setData] = useState<ImportsStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    apiRequest<ImportsStatus>('/api/imports', { signal: abort.signal }).then(setData, (e: Error) => {
      if (!abort.signal.aborted) setError(e.message);
    });
    return () => abort.abort();
  }, []);
  const status = error ? 'error' : !data ? 'loading' : data.sources.length ? 'ready' : 'empty';
  return { state: { status, error }, data };
}

async function downloadFile(id: string, name: 'quarantine' | 'merges') {
  const res = await fetch(`/api/imports/${encodeURIComponent(id)}/${name}.csv`, {
    headers: { authorization: `Bearer ${await sessionToken()}` },
  });
  if (!res.ok) throw new Error(`${name} download ${res.status}`);
  downloadText(await res.text(), `${name}-${id}.csv`);
}

const buttonClass =
  'inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border px-2.5 py-1 text-tremor-label hover:bg-tremor-background-subtle';

function Figure({ name, label, value }: { name: string; label: string; value: string }) {
  return (
    <div>
      <div className="text-tremor-label text-tremor-content">{label}</div>
      <div className="text-tremor-metric font-semibold text-tremor-content-strong" data-figure={name}>
        {value}
      </div>
    </div>
  );
}

function SourceCard({ s }: { s: ImportSourceStatus }) {
  const { t, locale } = useI18n();
  const [failed, setFailed] = useState<string | null>(null);
  const reasons = Object.entries(s.reasons).sort((a, b) => b[1] - a[1]);
  const unmapped = Object.entries(s.unmapped).flatMap(([kind, values]) =>
    Object.entries(values).map(([value, u]) => ({ kind, value, ...u })),
  );
  const when = `${formatDate(s.finishedAt, locale)} ${s.finishedAt.slice(11, 16)} UTC`;
  // Report lines that are not records (合計 / 小計, group headings, footer): said, since they are neither read nor quarantined.
  const skipped = s.skipped ? s.skipped.total + s.skipped.group + s.skipped.footer : 0;
  return (
    // A plain card, not CardFrame: a source's report is as long as its files and reasons, so no fixed body height.
    <Card className="p-5">
      <section
        aria-labelledby={`source-${s.source}`}
        data-card-state="ready"
        className="grid content-start gap-5 text-tremor-default"
        data-source={s.source}
      >
        <header>
          <h3 id={`source-${s.source}`} className="font-semibold text-tremor-content-strong">
            {t('data.source.title', { source: s.source })}
          </h3>
          <p className="text-tremor-label text-tremor-content">{t('data.source.subtitle', { when, id: s.id })}</p>
        </header>
        <div className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Figure name={`${s.source}.read`} label={t('data.read')} value={formatCount(s.read, locale)} />
          <Figure name={`${s.source}.accepted`} label={t('data.accepted')} value={formatCount(s.accepted, locale)} />
          <Figure name={`${s.source}.quarantined`} label={t('data.quarantined')} value={formatCount(s.quarantinedRows, locale)} />
          <div>
            <Figure name={`${s.source}.merges`} label={t('data.merges')} value={formatCount(s.merges, locale)} />
            {s.quarantineAvailable && s.merges > 0 && (
              <button
                type="button"
                onClick={() => downloadFile(s.id, 'merges').catch((e: Error) => setFailed(e.message))}
                className={`${buttonClass} mt-1`}
              >
                <DownloadIcon /> {t('data.downloadMerges')}
              </button>
            )}
          </div>
        </div>
        {skipped > 0 && (
          <p className="text-tremor-content" data-skipped={s.source}>
            {t('data.skipped', {
              total: formatCount(s.skipped!.total, locale),
              group: formatCount(s.skipped!.group, locale),
              footer: formatCount(s.skipped!.footer, locale),
            })}
          </p>
        )}
        <DataTable
          label={t('data.files')}
          // each source's card has a files table: unwrapped, so no two scroll regions share a name
          scroll={false}
          rows={s.files}
          rowKey={(f) => f.file}
          rowProps={() => ({ className: 'align-top' })}
          columns={[
            { key: 'file', header: t('data.files'), className: 'break-all', cell: (f) => f.file },
            { key: 'kind', header: t('data.kind'), cell: (f) => f.kind },
            { key: 'encoding', header: t('data.encoding'), cell: (f) => f.encoding },
            { key: 'rows', header: t('data.rows'), numeric: true, cell: (f) => formatCount(f.rows, locale) },
          ]}
        />
        <div>
          <div className="mb-1 flex items-center justify-between">
            <h4 className="font-medium text-tremor-content-strong">{t('data.reasons')}</h4>
            {s.quarantineAvailable && reasons.length > 0 && (
              <button
                type="button"
                onClick={() => downloadFile(s.id, 'quarantine').catch((e: Error) => setFailed(e.message))}
                className={buttonClass}
              >
                <DownloadIcon /> {t('data.downloadQuarantine')}
              </button>
            )}
          </div>
          {failed && (
            <p role="alert" className="text-red-600">
              {failed}
            </p>
          )}
          {reasons.length === 0 ? (
            <p className="text-tremor-content">{t('data.noReasons')}</p>
          ) : (
            <DataTable
              label={t('data.reasons')}
              scroll={false}
              rows={reasons}
              rowKey={([reason]) => reason}
              rowProps={() => ({ className: 'align-top' })}
              columns={[
                { key: 'reason', header: <span className="sr-only">{t('data.reason')}</span>, cell: ([reason]) => reason },
                {
                  key: 'rows',
                  header: <span className="sr-only">{t('data.rows')}</span>,
                  numeric: true,
                  cell: ([, n]) => formatCount(n, locale),
                },
              ]}
            />
          )}
        </div>
        <div>
          <h4 className="mb-1 font-medium text-tremor-content-strong">{t('data.unmapped')}</h4>
          {unmapped.length === 0 ? (
            <p className="text-tremor-content">{t('data.noUnmapped')}</p>
          ) : (
            <DataTable
              label={t('data.unmapped')}
              scroll={false}
              rows={unmapped}
              rowKey={(u) => `${u.kind}:${u.value}`}
              rowProps={() => ({ className: 'align-top' })}
              columns={[
                { key: 'kind', header: t('data.kind'), cell: (u) => u.kind },
                { key: 'value', header: t('data.value'), cell: (u) => u.value },
                { key: 'rows', header: t('data.rows'), numeric: true, cell: (u) => formatCount(u.rows, locale) },
                { key: 'suggestion', header: t('data.suggestion'), className: 'text-tremor-content', cell: (u) => u.suggestion },
              ]}
            />
          )}
        </div>
        <details>
          <summary className="cursor-pointer font-medium text-tremor-content-strong">
            {t('data.mapping', {
              zone: s.mapping.timeZone,
              encoding: s.mapping.encoding,
              file: s.mapping.file ?? t('data.defaults'),
            })}
          </summary>
          <div className="mt-2 grid gap-3 md:grid-cols-2">
            {Object.entries(s.mapping.values)
              .filter(([, v]) => Object.keys(v).length > 0)
              .map(([kind, entries]) => (
                <DataTable
                  key={kind}
                  label={kind}
                  scroll={false}
                  rows={Object.entries(entries)}
                  rowKey={([from]) => from}
                  columns={[
                    { key: 'from', header: kind, headerSpan: 2, cell: ([from]) => from },
                    { key: 'to', header: null, cell: ([, to]) => `→ ${to ?? t('data.ignored')}` },
                  ]}
                />
              ))}
          </div>
        </details>
      </section>
    </Card>
  );
}

export function DataPage() {
  const { t, locale } = useI18n();
  const { state, data } = useImports();
  const from = data ? t(`data.from.${data.seedsFrom}`) : '';
  return (
    <>
      <PageHeader page="data" />
      <CardStack>
        <CardFrame
          title={t('data.summary.title')}
          height={96}
          growWhenNarrow
          state={state.status === 'empty' ? { status: 'ready' } : state}
          skeleton="tile"
        >
          {data && (
            <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
              <Figure name="data.from" label={t('data.summary.from')} value={from} />
              <Figure
                name="data.asOf"
                label={t('data.summary.asOf')}
                value={data.latest ? formatDate(data.latest.asOf, locale) : '–'}
              />
              <Figure
                name="data.leads"
                label={t('data.summary.leads')}
                value={data.latest ? formatCount(data.latest.tables.leads, locale) : '–'}
              />
              <Figure
                name="data.opportunities"
                label={t('data.summary.opportunities')}
                value={data.latest ? formatCount(data.latest.tables.opportunities, locale) : '–'}
              />
            </div>
          )}
        </CardFrame>
        {state.status !== 'ready' ? (
          <CardFrame title={t('data.sources.title')} height={120} state={state} emptyReason={t('data.sources.empty')} />
        ) : (
          <CardRow columns={2}>
            {data!.sources.map((s) => (
              <SourceCard key={s.source} s={s} />
            ))}
          </CardRow>
        )}
        <SchedulesCard />
      </CardStack>
    </>
  );
}
