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
import { DataTable, type Column } from '../components/data-table';

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
  return (
    <DocumentSection
      title={t('handoff.title')}
      subtitle={t('handoff.subtitle', { period: formatPeriodKey(periodKey, locale) })}
      state={q}
      emptyReason={t('handoff.empty', { period: formatPeriodKey(periodKey, locale) })}
    >
      <DataTable
        label={t('handoff.title')}
        density="roomy"
        rows={rows}
        rowKey={(r) => str(r, HANDOFF_QUALITY.fromStage) ?? ''}
        rowProps={(r) => {
          const from = str(r, HANDOFF_QUALITY.fromStage) ?? '';
          return { id: `handoff-${from}`, 'data-boundary': `${from}->${str(r, HANDOFF_QUALITY.toStage) ?? ''}` };
        }}
        columns={[
          {
            key: 'boundary',
            header: t('handoff.col.boundary'),
            rowHeader: true,
            cell: (r) => (
              <>
                {stageLabel(str(r, HANDOFF_QUALITY.fromStage), locale)} → {stageLabel(str(r, HANDOFF_QUALITY.toStage), locale)}
                <span className="block text-tremor-label font-normal text-tremor-content">
                  {codeLabel(str(r, HANDOFF_QUALITY.fromTeam), locale)} → {codeLabel(str(r, HANDOFF_QUALITY.toTeam), locale)}
                </span>
              </>
            ),
          },
          {
            key: 'handedOver',
            header: t('handoff.col.handedOver'),
            numeric: true,
            cell: (r) => formatCount(num(r, HANDOFF_QUALITY.handedOver), locale),
            cellProps: (r) => ({ 'data-figure': `handed-${str(r, HANDOFF_QUALITY.fromStage) ?? ''}` }),
          },
          ...OUTCOMES.map(({ key, count, strong }): Column<Row> => ({
            key,
            header: t(`handoff.col.${key}`),
            numeric: true,
            className: strong ? 'font-semibold text-emerald-800' : undefined,
            cell: (r) => (
              <>
                {formatPercent(share(r, count), locale)}
                <span className="block text-tremor-label font-normal text-tremor-content">
                  {formatCount(num(r, count), locale)}
                </span>
              </>
            ),
            cellProps: (r) => ({ 'data-figure': `${key}-${str(r, HANDOFF_QUALITY.fromStage) ?? ''}` }),
          })),
          {
            key: 'acceptedConversion',
            header: t('handoff.col.acceptedConversionShort'),
            numeric: true,
            className: 'font-semibold',
            cell: (r) => {
              const following = str(r, HANDOFF_QUALITY.followingStage);
              return (
                <>
                  {formatPercent(num(r, HANDOFF_QUALITY.acceptedConversionRate), locale)}
                  {following ? (
                    <span className="block text-tremor-label font-normal text-tremor-content">
                      → {stageLabel(following, locale)}
                    </span>
                  ) : null}
                </>
              );
            },
            cellProps: (r) => {
              const following = str(r, HANDOFF_QUALITY.followingStage);
              return {
                'data-figure': `accepted-conversion-${str(r, HANDOFF_QUALITY.fromStage) ?? ''}`,
                title: following ? t('handoff.col.acceptedConversion', { stage: stageLabel(following, locale) }) : undefined,
              };
            },
          },
        ]}
      />
    </DocumentSection>
  );
}
