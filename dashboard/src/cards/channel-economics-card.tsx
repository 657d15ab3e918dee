/*
 * Channels: cost and efficiency per channel for the period under the
 * selected model — cost, leads (first touch), CPL, attributed wins, CAC,
 * ROI and ROAS (docs/metrics.md, definition 9). One query on `channel_performance`.
 * The CAC here is program spend only (definition 9), labelled so; the
 * fully loaded CAC is on the board (definition 10). A CAC above the
 * allowable program CAC would be flagged on the plan page; here ROI below zero is marked with a minus sign and words.
 * A channel with almost no spend shows its cost and counts but no cost ratio
 * (lib/cost-floor.ts): the quotient of near-zero spend would top the table.
 */
import { CHANNEL_PERFORMANCE } from '../api/views';
import { useModel } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { channelLabel, modelLabel } from '../i18n/labels';
import { belowCostFloor, MIN_COST_SHARE } from '../lib/cost-floor';
import { formatCount, formatNumber, formatPercent, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { useSemanticLayer } from '../state/semantic-layer';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';

/** `perCost`: a quotient over the channel's cost, not shown below the cost floor. */
const COLS: { member: string; label: MessageKey; kind: 'yen' | 'count' | 'ratio' | 'x' | 'times'; perCost?: true }[] = [
  { member: CHANNEL_PERFORMANCE.cost, label: 'channels.econ.cost', kind: 'yen' },
  { member: CHANNEL_PERFORMANCE.leads, label: 'channels.econ.leads', kind: 'count' },
  { member: CHANNEL_PERFORMANCE.cpl, label: 'channels.econ.cpl', kind: 'yen', perCost: true },
  { member: CHANNEL_PERFORMANCE.attributedWins, label: 'channels.econ.wins', kind: 'x' },
  { member: CHANNEL_PERFORMANCE.cac, label: 'channels.econ.cac', kind: 'yen', perCost: true },
  { member: CHANNEL_PERFORMANCE.roi, label: 'channels.econ.roi', kind: 'ratio', perCost: true },
  { member: CHANNEL_PERFORMANCE.roas, label: 'channels.econ.roas', kind: 'times', perCost: true },
];

export function ChannelEconomicsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const layer = useSemanticLayer();
  const [model] = useModel();
  const byModel = layer.hasMember(CHANNEL_PERFORMANCE.model);
  const q = usePeriodQuery('channel_performance', {
    measures: COLS.map((c) => c.member),
    dimensions: [CHANNEL_PERFORMANCE.channel],
    time: CHANNEL_PERFORMANCE.month,
    filters: byModel ? [{ member: CHANNEL_PERFORMANCE.model, operator: 'equals', values: [model] }] : [],
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
  const smallCost = belowCostFloor(q.rows.map((r) => num(r, CHANNEL_PERFORMANCE.cost)));
  const floorNote = t('channels.econ.smallCostNote', { share: formatPercent(MIN_COST_SHARE, locale, 0) });
  return (
    <PeriodCard text="channels.econ" subtitle={{ model: modelLabel(model, locale) }} height={440} query={q} skeleton="table">
      <CardTable
        rows={q.rows}
        rowKey={(r) => str(r, CHANNEL_PERFORMANCE.channel) ?? ''}
        rowProps={(r, i) => ({
          className: 'text-[13px]',
          'data-channel': str(r, CHANNEL_PERFORMANCE.channel),
          'data-small-cost': smallCost[i] || undefined,
        })}
        caption={smallCost.some(Boolean) ? <span className="text-xs text-tremor-content">{floorNote}</span> : undefined}
        columns={[
          {
            key: 'channel',
            header: t('channels.col.channel'),
            rowHeader: true,
            cell: (r) => channelLabel(str(r, CHANNEL_PERFORMANCE.channel), locale),
          },
          ...COLS.map((c): Column<(typeof q.rows)[number]> => {
            const loss = (r: (typeof q.rows)[number]) => {
              const roi = num(r, CHANNEL_PERFORMANCE.roi);
              return c.member === CHANNEL_PERFORMANCE.roi && roi !== null && roi < 0;
            };
            return {
              key: c.member,
              header: t(c.label),
              numeric: true,
              cell: (r, i) =>
                c.perCost && smallCost[i] ? (
                  <span title={floorNote}>{t('channels.econ.smallCost')}</span>
                ) : (
                  <>
                    {fmt(c.kind, num(r, c.member))}
                    {loss(r) ? <span className="sr-only"> ({t('channels.econ.loss')})</span> : null}
                  </>
                ),
              cellProps: (r, i) => ({
                className:
                  c.perCost && smallCost[i] ? 'text-tremor-content' : loss(r) ? 'font-semibold text-rose-700' : undefined,
              }),
            };
          }),
        ]}
      />
    </PeriodCard>
  );
}
