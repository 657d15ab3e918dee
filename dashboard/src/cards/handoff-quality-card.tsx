/*
 * Hand-off quality (docs/metrics.md, definition 16) per team boundary for
 * the period: leads handed over, the share the next team accepted, rejected
 * or recycled (and still pending), and the accepted ones' conversion to the
 * stage after the receiving one. One query on `handoff_quality`; the period
 * is cut on the hand-over time.
 */
import { HANDOFF_QUALITY } from '../api/views';
import { DocumentSection } from '../components/document-section';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel, stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent, formatPeriodKey } from '../lib/format';
import { ScrollRegion } from '../components/scroll-region';

const HEADERS = [
  'handoff.col.boundary',
  'handoff.col.handedOver',
  'handoff.col.accepted',
  'handoff.col.rejected',
  'handoff.col.recycled',
  'handoff.col.pending',
  'handoff.col.acceptedConversionShort',
] as const;

// each outcome as its share of the hand-offs, with the count under it
const OUTCOMES = [
  { key: 'accepted', count: HANDOFF_QUALITY.accepted, strong: true },
  { key: 'rejected', count: HANDOFF_QUALITY.rejected, strong: false },
  { key: 'recycled', count: HANDOFF_QUALITY.recycled, strong: false },
  { key: 'pending', count: HANDOFF_QUALITY.pending, strong: false },
] as const;

export function HandoffQualityCard() {
  const { t, locale } = useI18n();
  const { period, periodKey, viewFilters } = useFilters();
  const q = useViewQuery({
    measures: [
      HANDOFF_QUALITY.handedOver,
      HANDOFF_QUALITY.accepted,
      HANDOFF_QUALITY.rejected,
      HANDOFF_QUALITY.recycled,
      HANDOFF_QUALITY.pending,
      HANDOFF_QUALITY.acceptedConversionRate,
    ],
    dimensions: [
      HANDOFF_QUALITY.boundary,
      HANDOFF_QUALITY.fromStage,
      HANDOFF_QUALITY.toStage,
      HANDOFF_QUALITY.followingStage,
      HANDOFF_QUALITY.fromTeam,
      HANDOFF_QUALITY.toTeam,
    ],
    timeDimensions: [{ dimension: HANDOFF_QUALITY.handedOverAt, dateRange: [period.start, period.end] }],
    filters: viewFilters('handoff_quality').filters,
  });
  const rows = [...q.rows].sort(
    (a, b) => stageRank(str(a, HANDOFF_QUALITY.fromStage) ?? '') - stageRank(str(b, HANDOFF_QUALITY.fromStage) ?? ''),
  );
  const share = (r: Row, count: string) => {
    const total = num(r, HANDOFF_QUALITY.handedOver);
    return total ? (num(r, count) ?? 0) / total : null;
  };
  const cell = 'py-2 pr-4 text-right tabular-nums';
  return (
    <DocumentSection
      title={t('handoff.title')}
      subtitle={t('handoff.subtitle', { period: formatPeriodKey(periodKey, locale) })}
      state={q}
      emptyReason={t('handoff.empty', { period: formatPeriodKey(periodKey, locale) })}
    >
      <ScrollRegion>
        <table className="w-full text-tremor-default" aria-label={t('handoff.title')}>
          <thead className="text-tremor-label text-tremor-content">
            <tr className="border-b border-tremor-border">
              {HEADERS.map((key, n) => (
                <th key={key} scope="col" className={`py-2 pr-4 font-medium ${n === 0 ? 'text-left' : 'text-right'}`}>
                  {t(key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const from = str(r, HANDOFF_QUALITY.fromStage) ?? '';
              const to = str(r, HANDOFF_QUALITY.toStage) ?? '';
              const following = str(r, HANDOFF_QUALITY.followingStage);
              return (
                <tr
                  key={from}
                  id={`handoff-${from}`}
                  data-boundary={`${from}->${to}`}
                  className="border-b border-tremor-border/60"
                >
                  <th scope="row" className="py-2 pr-4 text-left font-medium">
                    {stageLabel(from, locale)} → {stageLabel(to, locale)}
                    <span className="block text-tremor-label font-normal text-tremor-content">
                      {codeLabel(str(r, HANDOFF_QUALITY.fromTeam), locale)} → {codeLabel(str(r, HANDOFF_QUALITY.toTeam), locale)}
                    </span>
                  </th>
                  <td className={cell} data-figure={`handed-${from}`}>
                    {formatCount(num(r, HANDOFF_QUALITY.handedOver), locale)}
                  </td>
                  {OUTCOMES.map(({ key, count, strong }) => (
                    <td
                      key={key}
                      className={`${cell} ${strong ? 'font-semibold text-emerald-800' : ''}`}
                      data-figure={`${key}-${from}`}
                    >
                      {formatPercent(share(r, count), locale)}
                      <span className="block text-tremor-label font-normal text-tremor-content">
                        {formatCount(num(r, count), locale)}
                      </span>
                    </td>
                  ))}
                  <td
                    className={`${cell} font-semibold`}
                    data-figure={`accepted-conversion-${from}`}
                    title={following ? t('handoff.col.acceptedConversion', { stage: stageLabel(following, locale) }) : undefined}
                  >
                    {formatPercent(num(r, HANDOFF_QUALITY.acceptedConversionRate), locale)}
                    {following ? (
                      <span className="block text-tremor-label font-normal text-tremor-content">
                        → {stageLabel(following, locale)}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    </DocumentSection>
  );
}
