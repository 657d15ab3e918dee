/*
 * Channels: which channels drive each stage conversion — the selected
 * model's credit per channel for every stage conversion (lead → MQL, …,
 * SQL → opportunity) in the period, as each channel's share of that
 * conversion's credit. One query on `attribution`.
 */
import { ATTRIBUTION } from '../api/views';
import { useModel } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, modelLabel, pairLabel, stageRank } from '../i18n/labels';
import { formatNumber, formatPercent } from '../lib/format';
import { pivotSum } from '../lib/pivot-rows';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';

export function isStagePair(conversion: string): boolean {
  return /->|→|_to_/.test(conversion);
}

export function StageDriversCard() {
  const { t, locale } = useI18n();
  const [model] = useModel();
  const q = usePeriodQuery('attribution', {
    measures: [ATTRIBUTION.credit],
    dimensions: [ATTRIBUTION.conversion, ATTRIBUTION.channel],
    time: ATTRIBUTION.convertedAt,
    filters: [
      { member: ATTRIBUTION.model, operator: 'equals', values: [model] },
      { member: ATTRIBUTION.conversion, operator: 'notEquals', values: ['opportunity', 'won'] },
    ],
  });
  const rowsIn = q.rows.filter((r) => isStagePair(str(r, ATTRIBUTION.conversion) ?? ''));
  const m = pivotSum(
    rowsIn,
    (r) => str(r, ATTRIBUTION.channel),
    (r) => str(r, ATTRIBUTION.conversion),
    (r) => num(r, ATTRIBUTION.credit),
    { cols: (a, b) => stageRank(a.split(/->|→|_to_/)[0]!) - stageRank(b.split(/->|→|_to_/)[0]!) },
  );
  const share = (r: string, c: string) => (m.colTotal(c) > 0 ? (m.cell(r, c) ?? 0) / m.colTotal(c) : 0);
  const rows = [...m.rowKeys].sort((a, b) => {
    const sum = (r: string) => m.colKeys.reduce((s, c) => s + share(r, c), 0);
    return sum(b) - sum(a);
  });
  return (
    <PeriodCard
      text="channels.drivers"
      subtitle={{ model: modelLabel(model, locale) }}
      height={440}
      query={q}
      nothing={rowsIn.length === 0}
      skeleton="table"
    >
      <CardTable
        variant="matrix"
        rows={rows}
        rowKey={(r) => r}
        columns={[
          { key: 'channel', header: t('channels.col.channel'), rowHeader: true, cell: (r) => channelLabel(r, locale) },
          ...m.colKeys.map((c): Column<string> => ({
            key: c,
            header: pairLabel(c, locale),
            align: 'center',
            numeric: true,
            cell: (r) => formatPercent(share(r, c), locale, 0),
            cellProps: (r) => ({
              className: share(r, c) > 0.3 ? 'font-semibold text-white' : 'text-tremor-content-strong',
              style: { backgroundColor: `rgba(79, 70, 229, ${0.04 + Math.min(1, share(r, c) * 2) * 0.7})` },
              title: t('channels.drivers.cellTitle', { credit: formatNumber(m.cell(r, c), locale, 1) }),
            }),
          })),
        ]}
      />
    </PeriodCard>
  );
}
