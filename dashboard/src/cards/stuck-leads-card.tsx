/*
 * Backlog: the list of stuck leads — SLA breaches in SLA stages of the
 * current inventory (as_of; an inventory stage such as the nurture pool
 * never breaches), oldest breach first, with the team that must act and the
 * account's owner team — paged on the server (Cube limit/offset with the
 * total count), sortable by any column, exportable to CSV (all stuck leads
 * of the filter, up to 50,000 rows). One query on `backlog_leads` per page
 * shown. It reads the current inventory whatever the period: a breach is
 * something to act on now. A selector switches to the optional nurture list:
 * leads idle over N days in the nurture pool (never breaches, listed apart).
 * A lead's id opens its journey (/leads/:leadId).
 */
import { useContext, useState } from 'react';
import type { Query } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import { Link, useSearchParams } from 'react-router-dom';
import { BACKLOG_LEADS as BL } from '../api/views';
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
import { useSettings } from '../state/settings';
import { ScrollRegion } from '../components/scroll-region';

const PAGE_SIZE = 20;
const NURTURE_DAYS = [90, 180, 365];
const EXPORT_LIMIT = 50_000;

const COLUMNS: { member: string; label: MessageKey; numeric?: boolean }[] = [
  { member: BL.leadId, label: 'backlog.col.lead' },
  { member: BL.stage, label: 'backlog.col.stage' },
  { member: BL.daysOverSla, label: 'backlog.col.overSla', numeric: true },
  { member: BL.agingDays, label: 'backlog.col.aging', numeric: true },
  { member: BL.team, label: 'backlog.col.team' },
  { member: BL.ownerTeam, label: 'backlog.col.owner' },
  { member: BL.leadSource, label: 'backlog.col.source' },
  { member: BL.persona, label: 'backlog.col.persona' },
  { member: BL.industry, label: 'backlog.col.industry' },
];

export function StuckLeadsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { viewFilters, periodKey } = useFilters();
  const { cubeApi } = useContext(CubeContext) ?? {};
  const [params] = useSearchParams();
  const day = settings.asOf;
  const f = viewFilters('backlog_leads');
  // Oldest breach first: the most days over SLA.
  const [sort, setSort] = useState<{ member: string; dir: 'asc' | 'desc' }>({ member: BL.daysOverSla, dir: 'desc' });
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState<string | null>(null);
  // null: SLA breaches; a number: the nurture list, idle over that many days.
  const [nurtureDays, setNurtureDays] = useState<number | null>(null);
  const listFilters: Query['filters'] =
    nurtureDays === null
      ? [{ member: BL.isStuck, operator: 'equals', values: ['true'] }]
      : [
          { member: BL.isNurtureStage, operator: 'equals', values: ['true'] },
          { member: BL.agingDays, operator: 'gt', values: [String(nurtureDays)] },
        ];
  const chooseList = (value: string) => {
    const days = value === 'sla' ? null : Number(value);
    setNurtureDays(days);
    setPage(0);
    setSort({ member: days === null ? BL.daysOverSla : BL.agingDays, dir: 'desc' });
  };
  const base: Query = {
    dimensions: COLUMNS.map((c) => c.member),
    filters: [...f.filters, ...listFilters],
    order: [
      [sort.member, sort.dir],
      [BL.leadId, 'asc'],
    ],
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
      case BL.stage:
        return stageLabel(str(row, member), locale);
      case BL.daysOverSla:
        return formatDays(num(row, member), locale, 0);
      case BL.agingDays: {
        const sla = stageInfo(str(row, BL.stage) ?? '')?.slaDays;
        return `${formatDays(num(row, member), locale, 0)}${sla != null ? ` / ${formatDays(sla, locale, 0)}` : ''}`;
      }
      case BL.leadSource:
        return channelLabel(str(row, member), locale);
      case BL.team:
      case BL.ownerTeam:
      case BL.persona:
      case BL.industry:
        return codeLabel(str(row, member), locale);
      default:
        return str(row, member) ?? '–';
    }
  };

  const exportCsv = async () => {
    if (!cubeApi) return;
    setExporting(t('backlog.list.exporting'));
    try {
      const rs = await cubeApi.load({ ...base, limit: EXPORT_LIMIT });
      const rows = rs.rawData() as Record<string, unknown>[];
      const csv = toCsv(
        COLUMNS.map((c) => ({ key: c.member, label: t(c.label) })),
        rows,
      );
      downloadText(csv, exportFileName('stuck-leads', periodKey, 'csv'));
      setExporting(null);
    } catch (e) {
      setExporting(t('backlog.list.exportFailed', { error: (e as Error).message }));
    }
  };

  return (
    <CardFrame
      title={nurtureDays === null ? t('backlog.list.title') : t('backlog.list.nurtureTitle')}
      subtitle={
        nurtureDays === null
          ? t('backlog.list.subtitle', { date: formatDate(day, locale), n: formatCount(total, locale) })
          : t('backlog.list.nurtureSubtitle', { date: formatDate(day, locale), n: formatCount(total, locale), days: nurtureDays })
      }
      height={560}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('backlog.list.empty', { date: formatDate(day, locale) })}
      actions={
        <span className="inline-flex items-center gap-2">
          <select
            aria-label={t('backlog.list.mode')}
            value={nurtureDays === null ? 'sla' : String(nurtureDays)}
            onChange={(e) => chooseList(e.target.value)}
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
            onClick={exportCsv}
            disabled={q.status !== 'ready'}
            className="inline-flex items-center gap-1.5 rounded-tremor-small border border-tremor-border bg-white px-2.5 py-1 text-tremor-label font-medium text-tremor-content-emphasis shadow-tremor-input hover:bg-tremor-background-subtle disabled:opacity-50"
          >
            <DownloadIcon />
            {t('backlog.list.csv')}
          </button>
        </span>
      }
    >
      <div className="flex h-full flex-col">
        {exporting ? (
          <p role="status" className="mb-1 text-tremor-label text-tremor-content">
            {exporting}
          </p>
        ) : null}
        <ScrollRegion className="flex-1">
          <table
            className="w-full text-tremor-default"
            aria-label={t('backlog.list.title')}
            data-list={nurtureDays === null ? 'stuck' : 'nurture'}
            data-total={total}
          >
            <thead className="sticky top-0 bg-white text-tremor-label text-tremor-content">
              <tr className="border-b border-tremor-border">
                {COLUMNS.map((c) => {
                  const active = sort.member === c.member;
                  return (
                    <th
                      key={c.member}
                      scope="col"
                      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                      className={`py-2 pr-3 font-medium ${c.numeric ? 'text-right' : 'text-left'}`}
                    >
                      <button
                        type="button"
                        onClick={() => toggleSort(c.member)}
                        className="inline-flex items-center gap-1 hover:text-tremor-content-strong"
                      >
                        {t(c.label)}
                        <span aria-hidden className={active ? 'text-tremor-brand' : 'text-tremor-content'}>
                          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {q.rows.map((r) => (
                <tr
                  key={`${str(r, BL.leadId)}|${str(r, BL.stage)}`}
                  className="border-b border-tremor-border/60 hover:bg-tremor-background-muted"
                >
                  {COLUMNS.map((c) => (
                    <td
                      key={c.member}
                      className={`py-1.5 pr-3 ${c.numeric ? 'text-right tabular-nums' : ''} ${c.member === BL.daysOverSla ? 'font-semibold text-rose-700' : ''}`}
                    >
                      {c.member === BL.leadId ? (
                        // the lead's journey (personal data: the route checks the role)
                        <Link
                          to={`/leads/${encodeURIComponent(str(r, c.member) ?? '')}${globalSearch(params)}`}
                          className="font-medium text-tremor-brand hover:underline"
                          aria-label={t('journey.open', { lead: str(r, c.member) ?? '' })}
                        >
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
        </ScrollRegion>
        <nav
          aria-label={t('backlog.list.paging')}
          className="mt-2 flex items-center justify-between text-tremor-label text-tremor-content"
        >
          <span>
            {t('backlog.list.pageOf', {
              page: page + 1,
              pages,
              from: formatCount(page * PAGE_SIZE + 1, locale),
              to: formatCount(Math.min(total, (page + 1) * PAGE_SIZE), locale),
              total: formatCount(total, locale),
            })}
          </span>
          <span className="flex gap-2">
            <button
              type="button"
              disabled={page === 0}
              onClick={() => setPage((p) => Math.max(0, p - 1))}
              className="rounded-tremor-small border border-tremor-border px-2 py-0.5 disabled:opacity-40"
            >
              {t('backlog.list.prev')}
            </button>
            <button
              type="button"
              disabled={page + 1 >= pages}
              onClick={() => setPage((p) => p + 1)}
              className="rounded-tremor-small border border-tremor-border px-2 py-0.5 disabled:opacity-40"
            >
              {t('backlog.list.next')}
            </button>
          </span>
        </nav>
      </div>
    </CardFrame>
  );
}
