/*
 * Backlog: the list of stuck leads at the reference day (aging beyond the
 * stage's SLA), for inside sales to act on — paged on the server (Cube
 * limit/offset with the total count), sortable by any column, exportable to
 * CSV (all stuck leads of the filter, up to 50,000 rows). One query on
 * `backlog` per page shown. A lead's id opens its journey (/leads/:leadId).
 */
import { useContext, useState } from 'react';
import type { Query } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import { Link, useSearchParams } from 'react-router-dom';
import { BACKLOG } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { DownloadIcon } from '../components/icons';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { channelLabel, codeLabel, stageInfo, stageLabel } from '../i18n/labels';
import { globalSearch } from '../lib/build-filters';
import { downloadText, toCsv } from '../lib/export-csv';
import { exportFileName } from '../lib/export-page';
import { formatCount, formatDate, formatDays } from '../lib/format';
import { referenceDay } from '../lib/resolve-period';
import { useSettings } from '../state/settings';

const PAGE_SIZE = 20;
const EXPORT_LIMIT = 50_000;

const COLUMNS: { member: string; label: MessageKey; numeric?: boolean }[] = [
  { member: BACKLOG.leadId, label: 'backlog.col.lead' },
  { member: BACKLOG.stage, label: 'backlog.col.stage' },
  { member: BACKLOG.agingDays, label: 'backlog.col.aging', numeric: true },
  { member: BACKLOG.team, label: 'backlog.col.team' },
  { member: BACKLOG.ownerTeam, label: 'backlog.col.owner' },
  { member: BACKLOG.leadSource, label: 'backlog.col.source' },
  { member: BACKLOG.persona, label: 'backlog.col.persona' },
  { member: BACKLOG.industry, label: 'backlog.col.industry' },
];

export function StuckLeadsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, viewFilters, periodKey } = useFilters();
  const { cubeApi } = useContext(CubeContext) ?? {};
  const [params] = useSearchParams();
  const day = referenceDay(period, settings.asOf);
  const f = viewFilters('backlog');
  const [sort, setSort] = useState<{ member: string; dir: 'asc' | 'desc' }>({ member: BACKLOG.agingDays, dir: 'desc' });
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState<string | null>(null);
  const base: Query = {
    dimensions: COLUMNS.map((c) => c.member),
    timeDimensions: [{ dimension: BACKLOG.snapshotAt, dateRange: [day, day] }],
    filters: [...f.filters, { member: BACKLOG.isStuck, operator: 'equals', values: ['true'] }],
    order: [[sort.member, sort.dir], [BACKLOG.leadId, 'asc']],
  };
  const q = useViewQuery({ ...base, limit: PAGE_SIZE, offset: page * PAGE_SIZE, total: true });
  const total = q.total ?? q.rows.length;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const toggleSort = (member: string) => {
    setPage(0);
    setSort((s) => (s.member === member ? { member, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { member, dir: 'desc' }));
  };

  const cellText = (member: string, row: (typeof q.rows)[number]) => {
    switch (member) {
      case BACKLOG.stage: return stageLabel(str(row, member), locale);
      case BACKLOG.agingDays: {
        const sla = stageInfo(str(row, BACKLOG.stage) ?? '')?.slaDays;
        return `${formatDays(num(row, member), locale, 0)}${sla != null ? ` / ${formatDays(sla, locale, 0)}` : ''}`;
      }
      case BACKLOG.leadSource: return channelLabel(str(row, member), locale);
      case BACKLOG.team:
      case BACKLOG.ownerTeam:
      case BACKLOG.persona:
      case BACKLOG.industry:
        return codeLabel(str(row, member), locale);
      default: return str(row, member) ?? '–';
    }
  };

  const exportCsv = async () => {
    if (!cubeApi) return;
    setExporting(t('backlog.list.exporting'));
    try {
      const rs = await cubeApi.load({ ...base, limit: EXPORT_LIMIT });
      const rows = rs.rawData() as Record<string, unknown>[];
      const csv = toCsv(COLUMNS.map((c) => ({ key: c.member, label: t(c.label) })), rows);
      downloadText(csv, exportFileName('stuck-leads', periodKey, 'csv'));
      setExporting(null);
    } catch (e) {
      setExporting(t('backlog.list.exportFailed', { error: (e as Error).message }));
    }
  };

  return (
    <CardFrame
      title={t('backlog.list.title')}
      subtitle={t('backlog.list.subtitle', { date: formatDate(day, locale), n: formatCount(total, locale) })}
      height={560}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('backlog.list.empty', { date: formatDate(day, locale) })}
      actions={
        <button type="button" onClick={exportCsv} disabled={q.status !== 'ready'}
          className="inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border bg-white px-2.5 py-1 text-tremor-label font-medium text-tremor-content-emphasis shadow-tremor-input hover:bg-tremor-background-subtle disabled:opacity-50">
          <DownloadIcon />
          {t('backlog.list.csv')}
        </button>
      }
    >
      <div className="flex h-full flex-col">
        {exporting ? <p role="status" className="mb-1 text-tremor-label text-tremor-content">{exporting}</p> : null}
        <div className="flex-1 overflow-auto">
          <table className="w-full text-tremor-default" aria-label={t('backlog.list.title')}>
            <thead className="sticky top-0 bg-white text-tremor-label text-tremor-content">
              <tr className="border-b border-tremor-border">
                {COLUMNS.map((c) => {
                  const active = sort.member === c.member;
                  return (
                    <th key={c.member} scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={`py-2 pr-3 font-medium ${c.numeric ? 'text-right' : 'text-left'}`}>
                      <button type="button" onClick={() => toggleSort(c.member)} className="inline-flex items-center gap-1 hover:text-tremor-content-strong">
                        {t(c.label)}
                        <span aria-hidden className={active ? 'text-tremor-brand' : 'text-tremor-content-subtle'}>{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {q.rows.map((r) => (
                <tr key={`${str(r, BACKLOG.leadId)}|${str(r, BACKLOG.stage)}`} className="border-b border-tremor-border/60 hover:bg-tremor-background-muted">
                  {COLUMNS.map((c) => (
                    <td key={c.member} className={`py-1.5 pr-3 ${c.numeric ? 'text-right tabular-nums' : ''} ${c.member === BACKLOG.agingDays ? 'font-semibold text-rose-700' : ''}`}>
                      {c.member === BACKLOG.leadId ? (
                        // the lead's journey (personal data: the route checks the role)
                        <Link to={`/leads/${encodeURIComponent(str(r, c.member) ?? '')}${globalSearch(params)}`} className="font-medium text-tremor-brand hover:underline" aria-label={t('journey.open', { lead: str(r, c.member) ?? '' })}>
                          {cellText(c.member, r)}
                        </Link>
                      ) : (
                        cellText(c.member, r)
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav aria-label={t('backlog.list.paging')} className="mt-2 flex items-center justify-between text-tremor-label text-tremor-content">
          <span>{t('backlog.list.pageOf', { page: page + 1, pages, from: formatCount(page * PAGE_SIZE + 1, locale), to: formatCount(Math.min(total, (page + 1) * PAGE_SIZE), locale), total: formatCount(total, locale) })}</span>
          <span className="flex gap-2">
            <button type="button" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))} className="rounded-tremor-small border border-tremor-border px-2 py-0.5 disabled:opacity-40">{t('backlog.list.prev')}</button>
            <button type="button" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)} className="rounded-tremor-small border border-tremor-border px-2 py-0.5 disabled:opacity-40">{t('backlog.list.next')}</button>
          </span>
        </nav>
      </div>
    </CardFrame>
  );
}
