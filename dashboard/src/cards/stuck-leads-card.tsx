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
import type { CubeApi, Query } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import { Link, useSearchParams } from 'react-router-dom';
import { BACKLOG_LEADS as BL } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { DataTable, type Column } from '../components/data-table';
import { DownloadIcon } from '../components/icons';
import { Pager } from '../components/pager';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n, type Translate } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { channelLabel, codeLabel, stageInfo, stageLabel } from '../i18n/labels';
import { globalSearch } from '../lib/build-filters';
import { downloadText, toCsv } from '../lib/export-csv';
import { exportFileName } from '../lib/export-page';
import { formatCount, formatDate, formatDays, type Locale } from '../lib/format';
import { useSettings } from '../state/settings';

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

/** null: the SLA breaches; a number: the nurture list, idle over that many days. */
type NurtureDays = number | null;
type Sort = { member: string; dir: 'asc' | 'desc' };

/** Oldest first: the most days over SLA, or the longest idle in the nurture pool. */
const defaultSort = (nurtureDays: NurtureDays): Sort => ({
  member: nurtureDays === null ? BL.daysOverSla : BL.agingDays,
  dir: 'desc',
});

/** The whole list (every page) of the chosen kind, in the chosen order. */
function listQuery(filters: Query['filters'], nurtureDays: NurtureDays, sort: Sort): Query {
  const kind: Query['filters'] =
    nurtureDays === null
      ? [{ member: BL.isStuck, operator: 'equals', values: ['true'] }]
      : [
          { member: BL.isNurtureStage, operator: 'equals', values: ['true'] },
          { member: BL.agingDays, operator: 'gt', values: [String(nurtureDays)] },
        ];
  return {
    dimensions: COLUMNS.map((c) => c.member),
    filters: [...(filters ?? []), ...kind],
    order: [
      [sort.member, sort.dir],
      [BL.leadId, 'asc'],
    ],
  };
}

/** A cell as the list writes it: labels for codes, days with the stage's SLA beside the aging. */
function cellText(member: string, row: Row, locale: Locale): string {
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
}

/** The list's columns; a lead's id links to its journey (personal data: the route checks the role). */
function listColumns(t: Translate, locale: Locale, search: string): Column<Row>[] {
  return COLUMNS.map((c) => ({
    key: c.member,
    header: t(c.label),
    numeric: c.numeric,
    sortable: true,
    className: c.member === BL.daysOverSla ? 'font-semibold text-rose-700' : undefined,
    cell: (r) =>
      c.member === BL.leadId ? (
        <Link
          to={`/leads/${encodeURIComponent(str(r, c.member) ?? '')}${search}`}
          className="font-medium text-tremor-brand hover:underline"
          aria-label={t('journey.open', { lead: str(r, c.member) ?? '' })}
        >
          {cellText(c.member, r, locale)}
        </Link>
      ) : (
        cellText(c.member, r, locale)
      ),
  }));
}

/** Every lead of the list (up to EXPORT_LIMIT) as a CSV download with the list's column labels. */
async function exportCsv(cubeApi: CubeApi, query: Query, t: Translate, periodKey: string): Promise<void> {
  const rs = await cubeApi.load({ ...query, limit: EXPORT_LIMIT });
  const csv = toCsv(
    COLUMNS.map((c) => ({ key: c.member, label: t(c.label) })),
    rs.rawData() as Record<string, unknown>[],
  );
  downloadText(csv, exportFileName('stuck-leads', periodKey, 'csv'));
}

/** The card's controls: which list (SLA breaches or a nurture list) and the CSV export. */
function ListControls(props: {
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

export function StuckLeadsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { viewFilters, periodKey } = useFilters();
  const { cubeApi } = useContext(CubeContext) ?? {};
  const [params] = useSearchParams();
  const day = settings.asOf;
  const f = viewFilters('backlog_leads');
  const [nurtureDays, setNurtureDays] = useState<NurtureDays>(null);
  const [sort, setSort] = useState<Sort>(defaultSort(null));
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState<string | null>(null);
  const query = listQuery(f.filters, nurtureDays, sort);
  const q = useViewQuery({ ...query, limit: PAGE_SIZE, offset: page * PAGE_SIZE, total: true });
  const total = q.total ?? q.rows.length;

  const choose = (days: NurtureDays) => {
    setNurtureDays(days);
    setPage(0);
    setSort(defaultSort(days));
  };
  const toggleSort = (member: string) => {
    setPage(0);
    setSort((s) => (s.member === member ? { member, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { member, dir: 'desc' }));
  };
  const download = async () => {
    if (!cubeApi) return;
    setExporting(t('backlog.list.exporting'));
    try {
      await exportCsv(cubeApi, query, t, periodKey);
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
      actions={<ListControls nurtureDays={nurtureDays} onChoose={choose} onExport={download} canExport={q.status === 'ready'} />}
    >
      <div className="flex h-full flex-col">
        {exporting ? (
          <p role="status" className="mb-1 text-tremor-label text-tremor-content">
            {exporting}
          </p>
        ) : null}
        <DataTable
          label={t('backlog.list.title')}
          stickyHead
          scroll={{ className: 'flex-1' }}
          tableProps={{ 'data-list': nurtureDays === null ? 'stuck' : 'nurture', 'data-total': total }}
          rows={q.rows}
          rowKey={(r) => `${str(r, BL.leadId)}|${str(r, BL.stage)}`}
          rowProps={() => ({ className: 'hover:bg-tremor-background-muted' })}
          columns={listColumns(t, locale, globalSearch(params))}
          sort={{ key: sort.member, dir: sort.dir }}
          onSort={toggleSort}
        />
        <Pager label={t('backlog.list.paging')} page={page} pageSize={PAGE_SIZE} total={total} onPage={setPage} />
      </div>
    </CardFrame>
  );
}
