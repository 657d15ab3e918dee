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
 *
 * The list itself (query, order, cells, columns, CSV) is stuck-leads-list.tsx;
 * the list selector and export button are stuck-leads-controls.tsx.
 */
import { useContext, useState } from 'react';
import { CubeContext } from '@cubejs-client/react';
import { useSearchParams } from 'react-router-dom';
import { BACKLOG_LEADS as BL } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { DataTable } from '../components/data-table';
import { Pager } from '../components/pager';
import { useFilters } from '../hooks/use-filters';
import { str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { globalSearch } from '../lib/build-filters';
import { formatCount, formatDate } from '../lib/format';
import { useSettings } from '../state/settings';
import { ListControls } from './stuck-leads-controls';
import { PAGE_SIZE, defaultSort, exportCsv, listColumns, listQuery, type NurtureDays, type Sort } from './stuck-leads-list';

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
