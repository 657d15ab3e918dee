/*
 * Channels: cost and efficiency per channel for the period under the
 * selected model — cost, leads (first touch), CPL, attributed wins, CAC,
 * ROI and ROAS (docs/metrics.md, definition 9). One query on `channel_performance`.
 * The CAC here is program spend only (definition 9), labelled so; the
 * fully loaded CAC is on the board (definition 10). A CAC above the
 * allowable program CAC would be flagged on the plan page; here ROI below zero is marked with a minus sign and words.
 */
import { CHANNEL_PERFORMANCE } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useModel } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { channelLabel, modelLabel } from '../i18n/labels';
import { formatCount, formatNumber, formatPercent, formatPeriodKey, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { useSemanticLayer } from '../state/semantic-layer';
import { ScrollRegion } from '../components/scroll-region';

const COLS: { member: string; label: MessageKey; kind: 'yen' | 'count' | 'ratio' | 'x' | 'times' }[] = [
  { member: CHANNEL_PERFORMANCE.cost, label: 'channels.econ.cost', kind: 'yen' },
  { member: CHANNEL_PERFORMANCE.leads, label: 'channels.econ.leads', kind: 'count' },
  { member: CHANNEL_PERFORMANCE.cpl, label: 'channels.econ.cpl', kind: 'yen' },
  { member: CHANNEL_PERFORMANCE.attributedWins, label: 'channels.econ.wins', kind: 'x' },
  { member: CHANNEL_PERFORMANCE.cac, label: 'channels.econ.cac', kind: 'yen' },
  { member: CHANNEL_PERFORMANCE.roi, label: 'channels.econ.roi', kind: 'ratio' },
  { member: CHANNEL_PERFORMANCE.roas, label: 'channels.econ.roas', kind: 'times' },
];

export function ChannelEconomicsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const layer = useSemanticLayer();
  const { period, viewFilters } = useFilters();
  const [model] = useModel();
  const f = viewFilters('channel_performance');
  const byModel = layer.hasMember(CHANNEL_PERFORMANCE.model);
  const q = useViewQuery({
    measures: COLS.map((c) => c.member),
    dimensions: [CHANNEL_PERFORMANCE.channel],
    timeDimensions: [{ dimension: CHANNEL_PERFORMANCE.month, dateRange: [period.start, period.end] }],
    filters: [
      ...f.filters,
      ...(byModel ? [{ member: CHANNEL_PERFORMANCE.model, operator: 'equals' as const, values: [model] }] : []),
    ],
    order: { [CHANNEL_PERFORMANCE.cost]: 'desc' },
  });
  const fmt = (kind: string, v: number | null) =>
    kind === 'yen'
      ? formatYen(v, locale, { currency: settings.currency })
      : kind === 'count'
        ? formatCount(v, locale)
        : kind === 'ratio'
          ? formatPercent(v, locale, 0)
          : kind === 'times'
            ? v === null
              ? '–'
              : `${formatNumber(v, locale, 1)}x`
            : formatNumber(v, locale, 1);
  return (
    <CardFrame
      title={t('channels.econ.title')}
      subtitle={t('channels.econ.subtitle', { model: modelLabel(model, locale) })}
      height={440}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('channels.econ.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <ScrollRegion className="h-full">
        <table className="w-full text-tremor-default" aria-label={t('channels.econ.title')}>
          <thead className="sticky top-0 bg-white text-tremor-label text-tremor-content">
            <tr className="border-b border-tremor-border">
              <th scope="col" className="py-2 pr-2 text-left font-medium">
                {t('channels.col.channel')}
              </th>
              {COLS.map((c) => (
                <th key={c.member} scope="col" className="px-2 py-2 text-right font-medium">
                  {t(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {q.rows.map((r) => {
              const roi = num(r, CHANNEL_PERFORMANCE.roi);
              return (
                <tr
                  key={str(r, CHANNEL_PERFORMANCE.channel)}
                  className="border-b border-tremor-border/60 text-[13px]"
                  data-channel={str(r, CHANNEL_PERFORMANCE.channel)}
                >
                  <th scope="row" className="py-1.5 pr-2 text-left font-medium text-tremor-content-emphasis">
                    {channelLabel(str(r, CHANNEL_PERFORMANCE.channel), locale)}
                  </th>
                  {COLS.map((c) => (
                    <td
                      key={c.member}
                      className={`px-2 py-1.5 text-right tabular-nums ${c.member === CHANNEL_PERFORMANCE.roi && roi !== null && roi < 0 ? 'font-semibold text-rose-700' : ''}`}
                    >
                      {fmt(c.kind, num(r, c.member))}
                      {c.member === CHANNEL_PERFORMANCE.roi && roi !== null && roi < 0 ? (
                        <span className="sr-only"> ({t('channels.econ.loss')})</span>
                      ) : null}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
