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
import { ScrollRegion } from '../components/scroll-region';

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
      <ScrollRegion className="h-full">
        <table className="w-full border-separate border-spacing-0.5 text-tremor-label" aria-label={t('channels.drivers.title')}>
          <thead className="sticky top-0 bg-white text-tremor-content">
            <tr>
              <th scope="col" className="px-2 py-1 text-left font-medium">
                {t('channels.col.channel')}
              </th>
              {m.colKeys.map((c) => (
                <th key={c} scope="col" className="px-2 py-1 text-center font-medium">
                  {pairLabel(c, locale)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r}>
                <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-medium text-tremor-content-emphasis">
                  {channelLabel(r, locale)}
                </th>
                {m.colKeys.map((c) => {
                  const total = totals.get(c) ?? 0;
                  const s = total > 0 ? (m.cell(r, c) ?? 0) / total : 0;
                  return (
                    <td
                      key={c}
                      className={`rounded-sm px-2 py-1 text-center tabular-nums ${s > 0.3 ? 'font-semibold text-white' : 'text-tremor-content-strong'}`}
                      style={{ backgroundColor: `rgba(79, 70, 229, ${0.04 + Math.min(1, s * 2) * 0.7})` }}
                      title={t('channels.drivers.cellTitle', { credit: formatNumber(m.cell(r, c), locale, 1) })}
                    >
                      {formatPercent(s, locale, 0)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
