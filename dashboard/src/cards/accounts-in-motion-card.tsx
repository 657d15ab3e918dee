/*
 * Funnel: the accounts in motion in the week holding as_of (docs/metrics.md
 * definition 19): those that entered active consideration (engagement over
 * the threshold, or a new opportunity) and those that went quiet, with their
 * owner team — the list a weekly meeting goes through. A team token sees its
 * own accounts only (the view's owner_team scope). One query on
 * `accounts_in_motion`.
 */
import { ACCOUNTS_IN_MOTION as AM } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { ScrollRegion } from '../components/scroll-region';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel } from '../i18n/labels';
import { formatCount, formatDate } from '../lib/format';
import { weekOf } from '../lib/week-of';
import { useSettings } from '../state/settings';

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
  const entered = q.rows.reduce((n, r) => n + (num(r, AM.accountsEntered) ?? 0), 0);
  const quiet = q.rows.reduce((n, r) => n + (num(r, AM.accountsWentQuiet) ?? 0), 0);
  const week = { from: formatDate(from, locale), to: formatDate(to, locale) };
  return (
    <CardFrame
      title={t('motion.title')}
      subtitle={t('motion.subtitle', { ...week, entered: formatCount(entered, locale), quiet: formatCount(quiet, locale) })}
      height={340}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('motion.empty', week)}
    >
      <ScrollRegion className="h-full">
        <table className="w-full text-tremor-default" aria-label={t('motion.title')}>
          <thead className="sticky top-0 bg-tremor-background text-tremor-label text-tremor-content">
            <tr className="border-b border-tremor-border">
              <th scope="col" className="py-1.5 pr-2 text-left font-medium">
                {t('motion.col.account')}
              </th>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                {t('motion.col.team')}
              </th>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                {t('motion.col.event')}
              </th>
              <th scope="col" className="py-1.5 pl-2 text-right font-medium">
                {t('motion.col.engagements')}
              </th>
            </tr>
          </thead>
          <tbody>
            {q.rows.map((r) => {
              const event = str(r, AM.event) === 'went_quiet' ? 'went_quiet' : 'entered';
              const reason = str(r, AM.reason);
              return (
                <tr key={str(r, AM.accountId)} className="border-b border-tremor-border/60" data-account={str(r, AM.accountId)}>
                  <th scope="row" className="py-1.5 pr-2 text-left font-medium text-tremor-content-emphasis">
                    {str(r, AM.accountName) ?? str(r, AM.accountId)}
                  </th>
                  <td className="px-2 py-1.5">{codeLabel(str(r, AM.ownerTeam), locale)}</td>
                  <td className={`px-2 py-1.5 ${event === 'entered' ? 'text-emerald-700' : 'text-tremor-content'}`}>
                    {t(`motion.event.${event}`)}
                    {reason === 'engagement' || reason === 'new_opportunity' || reason === 'engagement_fell' ? (
                      <span className="ml-1 text-tremor-label text-tremor-content">({t(`motion.reason.${reason}`)})</span>
                    ) : null}
                  </td>
                  <td className="py-1.5 pl-2 text-right tabular-nums">{formatCount(num(r, AM.engagementsWindow), locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
