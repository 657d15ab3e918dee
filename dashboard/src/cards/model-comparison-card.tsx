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
import { ScrollRegion } from '../components/scroll-region';

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
      <ScrollRegion className="h-full">
        <table className="w-full text-tremor-default" aria-label={t('channels.compare.title')}>
          <thead className="sticky top-0 bg-white text-tremor-label text-tremor-content">
            <tr className="border-b border-tremor-border">
              <th scope="col" className="py-2 pr-2 text-left font-medium">
                {t('channels.col.channel')}
              </th>
              {m.colKeys.map((c) => (
                <th
                  key={c}
                  scope="col"
                  className={`whitespace-nowrap px-2 py-2 text-right font-medium ${c === model ? 'rounded-t bg-tremor-brand-faint text-tremor-brand-emphasis' : ''}`}
                >
                  {modelLabel(c, locale)}
                  {c === model ? <span className="block text-[10px] font-semibold">{t('channels.compare.selected')}</span> : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r} className="border-b border-tremor-border/60">
                <th scope="row" className="py-1.5 pr-2 text-left font-medium text-tremor-content-emphasis">
                  {channelLabel(r, locale)}
                </th>
                {m.colKeys.map((c) => {
                  const s = share(r, c);
                  const top = s !== null && s === maxPerCol.get(c) && s > 0;
                  return (
                    <td
                      key={c}
                      className={`px-2 py-1.5 text-right tabular-nums ${c === model ? 'bg-tremor-brand-faint' : ''} ${top ? 'font-bold text-tremor-content-strong' : ''}`}
                      title={formatYen(m.cell(r, c), locale, { currency: settings.currency })}
                    >
                      {formatPercent(s, locale)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          <tfoot className="text-tremor-label text-tremor-content">
            <tr>
              <th scope="row" className="py-1.5 pr-2 text-left font-medium">
                {t('channels.compare.total')}
              </th>
              {m.colKeys.map((c) => (
                <td key={c} className="px-2 py-1.5 text-right tabular-nums">
                  {formatYen(totals.get(c), locale, { currency: settings.currency })}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
