/*
 * The stuck-leads list of the Backlog page (StuckLeadsCard), apart from the
 * card: which leads it lists (the SLA breaches of the current inventory, or
 * a nurture list: leads idle over N days in the nurture pool), in which
 * order, how each cell reads (labels for codes, days with the stage's SLA
 * beside the aging), its columns (a lead's id links to its journey), and
 * the CSV export of the whole list (up to 50,000 rows).
 */
import type { CubeApi, Query } from '@cubejs-client/core';
import { Link } from 'react-router-dom';
import { BACKLOG_LEADS as BL } from '../api/views';
import type { Column } from '../components/data-table';
import { num, str, type Row } from '../hooks/use-view-query';
import type { Translate } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { channelLabel, codeLabel, stageInfo, stageLabel } from '../i18n/labels';
import { downloadText, toCsv } from '../lib/export-csv';
import { exportFileName } from '../lib/export-page';
import { formatDays, type Locale } from '../lib/format';

/** Rows per page of the list (the server pages it). */
export const PAGE_SIZE = 20;
/** The nurture lists offered: idle over this many days. */
export const NURTURE_DAYS = [90, 180, 365];
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
export type NurtureDays = number | null;
export type Sort = { member: string; dir: 'asc' | 'desc' };

/** Oldest first: the most days over SLA, or the longest idle in the nurture pool. */
export const defaultSort = (nurtureDays: NurtureDays): Sort => ({
  member: nurtureDays === null ? BL.daysOverSla : BL.agingDays,
  dir: 'desc',
});

/** The whole list (every page) of the chosen kind, in the chosen order. */
export function listQuery(filters: Query['filters'], nurtureDays: NurtureDays, sort: Sort): Query {
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
export function listColumns(t: Translate, locale: Locale, search: string): Column<Row>[] {
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
export async function exportCsv(cubeApi: CubeApi, query: Query, t: Translate, periodKey: string): Promise<void> {
  const rs = await cubeApi.load({ ...query, limit: EXPORT_LIMIT });
  const csv = toCsv(
    COLUMNS.map((c) => ({ key: c.member, label: t(c.label) })),
    rs.rawData() as Record<string, unknown>[],
  );
  downloadText(csv, exportFileName('stuck-leads', periodKey, 'csv'));
}
