/*
 * Channels: the seven attribution models side by side — each channel's
 * share of attributed revenue under every model, in one query on
 * `attribution` grouped by model and channel. The selected model's column
 * is outlined and named; the largest share per model is written in bold.
 */
import { ATTRIBUTION } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useModel } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, MODELS, modelLabel } from '../i18n/labels';
import { formatPercent, formatPeriodKey, formatYen } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { useSettings } from '../state/settings';
import { DataTable, type Column } from '../components/data-table';

export function ModelComparisonCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, viewFilters } = useFilters();
  const [model] = useModel();
  const f = viewFilters('attribution');
  const q = useViewQuery({
    measures: [ATTRIBUTION.attributedRevenue],
    dimensions: [ATTRIBUTION.model, ATTRIBUTION.channel],
    timeDimensions: [{ dimension: ATTRIBUTION.convertedAt, dateRange: [period.start, period.end] }],
    filters: [...f.filters, { member: ATTRIBUTION.conversion, operator: 'equals', values: ['won'] }],
  });
  const order = (m: string) => {
    const i = (MODELS as readonly string[]).indexOf(m);
    return i === -1 ? 99 : i;
  };
  const m = pivotRows<(typeof q.rows)[number], number>(
    q.rows,
    (r) => str(r, ATTRIBUTION.channel),
    (r) => str(r, ATTRIBUTION.model),
    (r, prev) => (prev ?? 0) + (num(r, ATTRIBUTION.attributedRevenue) ?? 0),
    { cols: (a, b) => order(a) - order(b) },
  );
  const totals = new Map(m.colKeys.map((c) => [c, m.rowKeys.reduce((s, r) => s + (m.cell(r, c) ?? 0), 0)]));
  const share = (r: string, c: string) => {
    const total = totals.get(c) ?? 0;
    return total > 0 ? (m.cell(r, c) ?? 0) / total : null;
  };
  const rows = [...m.rowKeys].sort((a, b) => (share(b, model) ?? 0) - (share(a, model) ?? 0));
  const maxPerCol = new Map(m.colKeys.map((c) => [c, Math.max(...rows.map((r) => share(r, c) ?? 0))]));
  return (
    <CardFrame
      title={t('channels.compare.title')}
      subtitle={t('channels.compare.subtitle')}
      height={440}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('channels.compare.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <DataTable
        label={t('channels.compare.title')}
        stickyHead
        scroll={{ className: 'h-full' }}
        rows={rows}
        rowKey={(r) => r}
        columns={[
          {
            key: 'channel',
            header: t('channels.col.channel'),
            rowHeader: true,
            cell: (r) => channelLabel(r, locale),
            footer: t('channels.compare.total'),
          },
          ...m.colKeys.map((c): Column<string> => ({
            key: c,
            header: (
              <>
                {modelLabel(c, locale)}
                {c === model ? <span className="block text-[10px] font-semibold">{t('channels.compare.selected')}</span> : null}
              </>
            ),
            headerClassName: `whitespace-nowrap ${c === model ? 'rounded-t bg-tremor-brand-faint text-tremor-brand-emphasis' : ''}`,
            numeric: true,
            className: c === model ? 'bg-tremor-brand-faint' : undefined,
            cell: (r) => formatPercent(share(r, c), locale),
            cellProps: (r) => {
              const s = share(r, c);
              return {
                className: s !== null && s === maxPerCol.get(c) && s > 0 ? 'font-bold text-tremor-content-strong' : undefined,
                title: formatYen(m.cell(r, c), locale, { currency: settings.currency }),
              };
            },
            footer: formatYen(totals.get(c), locale, { currency: settings.currency }),
          })),
        ]}
      />
    </CardFrame>
  );
}
