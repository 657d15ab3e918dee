/*
 * Channels: the seven attribution models side by side — each channel's
 * share of attributed revenue under every model, in one query on
 * `attribution` grouped by model and channel. The selected model's column
 * is outlined and named; the largest share per model is written in bold.
 */
import { ATTRIBUTION } from '../api/views';
import { useModel } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, MODELS, modelLabel } from '../i18n/labels';
import { formatPercent, formatYen } from '../lib/format';
import { pivotSum } from '../lib/pivot-rows';
import { useSettings } from '../state/settings';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';

export function ModelComparisonCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const [model] = useModel();
  const q = usePeriodQuery('attribution', {
    measures: [ATTRIBUTION.attributedRevenue],
    dimensions: [ATTRIBUTION.model, ATTRIBUTION.channel],
    time: ATTRIBUTION.convertedAt,
    filters: [{ member: ATTRIBUTION.conversion, operator: 'equals', values: ['won'] }],
  });
  const order = (m: string) => {
    const i = (MODELS as readonly string[]).indexOf(m);
    return i === -1 ? 99 : i;
  };
  const m = pivotSum(
    q.rows,
    (r) => str(r, ATTRIBUTION.channel),
    (r) => str(r, ATTRIBUTION.model),
    (r) => num(r, ATTRIBUTION.attributedRevenue),
    { cols: (a, b) => order(a) - order(b) },
  );
  const share = (r: string, c: string) => (m.colTotal(c) > 0 ? (m.cell(r, c) ?? 0) / m.colTotal(c) : null);
  const rows = [...m.rowKeys].sort((a, b) => (share(b, model) ?? 0) - (share(a, model) ?? 0));
  const maxPerCol = new Map(m.colKeys.map((c) => [c, Math.max(...rows.map((r) => share(r, c) ?? 0))]));
  return (
    <PeriodCard text="channels.compare" height={440} query={q} skeleton="table">
      <CardTable
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
            footer: formatYen(m.colTotal(c), locale, { currency: settings.currency }),
          })),
        ]}
      />
    </PeriodCard>
  );
}
