/*
 * Channels: attributed pipeline and revenue per channel under the selected
 * attribution model (docs/metrics.md, definition 9) for opportunities created and
 * deals won in the period. One query on `attribution`. Channels are sorted
 * by attributed revenue; a channel with no touch shows as "(no touch)".
 */
import { BarChart } from '../components/charts';
import { ATTRIBUTION } from '../api/views';
import { useModel } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, modelLabel } from '../i18n/labels';
import { formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

export function AttributedChannelsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const [model] = useModel();
  // Pipeline is credited on `opportunity` conversions (at creation), revenue on `won` (at the close).
  const q = usePeriodQuery('attribution', {
    measures: [ATTRIBUTION.attributedPipeline, ATTRIBUTION.attributedRevenue],
    dimensions: [ATTRIBUTION.channel, ATTRIBUTION.conversion],
    time: ATTRIBUTION.convertedAt,
    filters: [
      { member: ATTRIBUTION.model, operator: 'equals', values: [model] },
      { member: ATTRIBUTION.conversion, operator: 'equals', values: ['opportunity', 'won'] },
    ],
  });
  const pipeline = t('channels.attr.pipeline');
  const revenue = t('channels.attr.revenue');
  const byChannel = new Map<string, { pipeline: number; revenue: number }>();
  for (const r of q.rows) {
    const c = str(r, ATTRIBUTION.channel) ?? '(none)';
    const e = byChannel.get(c) ?? { pipeline: 0, revenue: 0 };
    if (str(r, ATTRIBUTION.conversion) === 'opportunity') e.pipeline += num(r, ATTRIBUTION.attributedPipeline) ?? 0;
    else e.revenue += num(r, ATTRIBUTION.attributedRevenue) ?? 0;
    byChannel.set(c, e);
  }
  const data = [...byChannel.entries()]
    .sort((a, b) => b[1].revenue - a[1].revenue || b[1].pipeline - a[1].pipeline)
    .map(([c, e]) => ({ channel: channelLabel(c, locale), [pipeline]: e.pipeline, [revenue]: e.revenue }));
  return (
    <PeriodCard text="channels.attr" subtitle={{ model: modelLabel(model, locale) }} height={440} query={q}>
      <LegendChart
        chart={BarChart}
        fill
        data={data}
        index="channel"
        categories={[pipeline, revenue]}
        colors={['sky', 'blue']}
        layout="vertical"
        valueFormatter={(v) => formatYen(v, locale, { currency: settings.currency })}
        yAxisWidth={120}
        barCategoryGap="18%"
        xAxisLabel={t('axis.yen')}
      />
    </PeriodCard>
  );
}
