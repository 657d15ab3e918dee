/*
 * Funnel: the accounts in motion in the week holding as_of (docs/metrics.md
 * definition 19): those that entered active consideration (engagement over
 * the threshold, or a new opportunity) and those that went quiet, with their
 * owner team — the list a weekly meeting goes through. A team token sees its
 * own accounts only (the view's owner_team scope). Two queries on
 * `accounts_in_motion` (one batch): the week's counts, and the list (up to
 * 500 accounts, entered first), shown PAGE_SIZE rows at a time.
 */
import { useState } from 'react';
import { ACCOUNTS_IN_MOTION as AM } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { DataTable } from '../components/data-table';
import { combineStates } from '../components/document-section';
import { Pager } from '../components/pager';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel } from '../i18n/labels';
import { formatCount, formatDate } from '../lib/format';
import { weekOf } from '../lib/week-of';
import { useSettings } from '../state/settings';

/**
 * Rows drawn at once. A week's list runs to 500 accounts at 100 k leads, and laying out all of them was most of the
 * Funnel page's layout time (Chromium's LayoutDuration 380 -> 128 ms, page shown 2.6 -> 1.9 s with 50 rows); the rest
 * is a page away, without another query.
 */
const PAGE_SIZE = 50;

const eventOf = (r: Row) => (str(r, AM.event) === 'went_quiet' ? 'went_quiet' : 'entered');

export function AccountsInMotionCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { viewFilters } = useFilters();
  const f = viewFilters('accounts_in_motion');
  const [from, to] = weekOf(settings.asOf);
  const q = useViewQuery({
    measures: [AM.accountsEntered, AM.accountsWentQuiet],
    dimensions: [AM.accountId, AM.accountName, AM.ownerTeam, AM.event, AM.reason, AM.engagementsWindow],
    timeDimensions: [{ dimension: AM.weekStartAt, dateRange: [from, to] }],
    filters: f.filters,
    order: [
      [AM.event, 'asc'],
      [AM.engagementsWindow, 'desc'],
      [AM.accountId, 'asc'],
    ],
    limit: 500,
  });
  // The week's counts on their own: summed over the list, they stopped at its 500 rows (at 100 k leads a week read
  // "500 entered, 0 went quiet", every quiet account being past the limit).
  const counts = useViewQuery({
    measures: [AM.accountsEntered, AM.accountsWentQuiet],
    timeDimensions: [{ dimension: AM.weekStartAt, dateRange: [from, to] }],
    filters: f.filters,
  });
  const entered = num(counts.rows[0], AM.accountsEntered) ?? 0;
  const quiet = num(counts.rows[0], AM.accountsWentQuiet) ?? 0;
  // The card waits for both answers and shows a failure of either; empty when the list is.
  const state = combineStates([q, counts]);
  const week = { from: formatDate(from, locale), to: formatDate(to, locale) };
  const [wanted, setPage] = useState(0);
  // Another week or filter can leave fewer pages than the one open: the last one then.
  const page = Math.min(wanted, Math.max(0, Math.ceil(q.rows.length / PAGE_SIZE) - 1));
  return (
    <CardFrame
      title={t('motion.title')}
      subtitle={t('motion.subtitle', { ...week, entered: formatCount(entered, locale), quiet: formatCount(quiet, locale) })}
      height={340}
      state={state}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('motion.empty', week)}
    >
      <div className="flex h-full flex-col">
        <DataTable
          label={t('motion.title')}
          stickyHead
          scroll={{ className: 'min-h-0 flex-1' }}
          className="text-tremor-default"
          rows={q.rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE)}
          rowKey={(r) => str(r, AM.accountId) ?? ''}
          rowProps={(r) => ({ 'data-account': str(r, AM.accountId) })}
          columns={[
            {
              key: 'account',
              header: t('motion.col.account'),
              rowHeader: true,
              // A company name may wrap (the scroll region's cells keep words whole, index.css; an inline style outranks
              // that rule): whole, the longest name alone pushed the table past a desktop card and hid the last column.
              // At least 10rem, so a phone scrolls the table sideways rather than stacking a name two letters a line.
              cellProps: () => ({ style: { wordBreak: 'normal', minWidth: '10rem' } }),
              cell: (r) => str(r, AM.accountName) ?? str(r, AM.accountId),
            },
            { key: 'team', header: t('motion.col.team'), cell: (r) => codeLabel(str(r, AM.ownerTeam), locale) },
            {
              key: 'event',
              header: t('motion.col.event'),
              cellProps: (r) => ({ className: eventOf(r) === 'entered' ? 'text-emerald-700' : 'text-tremor-content' }),
              cell: (r) => {
                const reason = str(r, AM.reason);
                return (
                  <>
                    {t(`motion.event.${eventOf(r)}`)}
                    {reason === 'engagement' || reason === 'new_opportunity' || reason === 'engagement_fell' ? (
                      <span className="ml-1 text-tremor-label text-tremor-content">({t(`motion.reason.${reason}`)})</span>
                    ) : null}
                  </>
                );
              },
            },
            {
              key: 'engagements',
              header: t('motion.col.engagements'),
              numeric: true,
              cell: (r) => formatCount(num(r, AM.engagementsWindow), locale),
            },
          ]}
        />
        {q.rows.length > PAGE_SIZE ? (
          <Pager label={t('motion.paging')} page={page} pageSize={PAGE_SIZE} total={q.rows.length} onPage={setPage} />
        ) : null}
      </div>
    </CardFrame>
  );
}
