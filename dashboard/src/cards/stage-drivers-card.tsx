/*
 * Channels: which channels drive each stage conversion — the selected
 * model's credit per channel for every stage conversion (lead → MQL, …,
 * SQL → opportunity) in the period, as each channel's share of that
 * conversion's credit. One query on `attribution`.
 */
import { ATTRIBUTION } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useModel } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, modelLabel, pairLabel, stageRank } from '../i18n/labels';
import { formatNumber, formatPercent, formatPeriodKey } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { DataTable, type Column } from '../components/data-table';

export function isStagePair(conversion: string): boolean {
  return /->|→|_to_/.test(conversion);
}

export function StageDriversCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters } = useFilters();
  const [model] = useModel();
  const f = viewFilters('attribution');
  const q = useViewQuery({
    measures: [ATTRIBUTION.credit],
    dimensions: [ATTRIBUTION.conversion, ATTRIBUTION.channel],
    timeDimensions: [{ dimension: ATTRIBUTION.convertedAt, dateRange: [period.start, period.end] }],
    filters: [
      ...f.filters,
      { member: ATTRIBUTION.model, operator: 'equals', values: [model] },
      { member: ATTRIBUTION.conversion, operator: 'notEquals', values: ['opportunity', 'won'] },
    ],
  });
  const rowsIn = q.rows.filter((r) => isStagePair(str(r, ATTRIBUTION.conversion) ?? ''));
  const m = pivotRows<(typeof q.rows)[number], number>(
    rowsIn,
    (r) => str(r, ATTRIBUTION.channel),
    (r) => str(r, ATTRIBUTION.conversion),
    (r, prev) => (prev ?? 0) + (num(r, ATTRIBUTION.credit) ?? 0),
    { cols: (a, b) => stageRank(a.split(/->|→|_to_/)[0]!) - stageRank(b.split(/->|→|_to_/)[0]!) },
  );
  const totals = new Map(m.colKeys.map((c) => [c, m.rowKeys.reduce((s, r) => s + (m.cell(r, c) ?? 0), 0)]));
  const rows = [...m.rowKeys].sort((a, b) => {
    const sum = (r: string) => m.colKeys.reduce((s, c) => s + (m.cell(r, c) ?? 0) / (totals.get(c) || 1), 0);
    return sum(b) - sum(a);
  });
  const state = q.status === 'ready' && rowsIn.length === 0 ? { ...q, status: 'empty' as const } : q;
  return (
    <CardFrame
      title={t('channels.drivers.title')}
      subtitle={t('channels.drivers.subtitle', { model: modelLabel(model, locale) })}
      height={440}
      state={state}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('channels.drivers.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <DataTable
        label={t('channels.drivers.title')}
        variant="matrix"
        stickyHead
        scroll={{ className: 'h-full' }}
        rows={rows}
        rowKey={(r) => r}
        columns={[
          { key: 'channel', header: t('channels.col.channel'), rowHeader: true, cell: (r) => channelLabel(r, locale) },
          ...m.colKeys.map((c): Column<string> => {
            const share = (r: string) => ((totals.get(c) ?? 0) > 0 ? (m.cell(r, c) ?? 0) / totals.get(c)! : 0);
            return {
              key: c,
              header: pairLabel(c, locale),
              align: 'center',
              numeric: true,
              cell: (r) => formatPercent(share(r), locale, 0),
              cellProps: (r) => ({
                className: share(r) > 0.3 ? 'font-semibold text-white' : 'text-tremor-content-strong',
                style: { backgroundColor: `rgba(79, 70, 229, ${0.04 + Math.min(1, share(r) * 2) * 0.7})` },
                title: t('channels.drivers.cellTitle', { credit: formatNumber(m.cell(r, c), locale, 1) }),
              }),
            };
          }),
        ]}
      />
    </CardFrame>
  );
}
