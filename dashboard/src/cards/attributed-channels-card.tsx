/*
 * Channels: attributed pipeline and revenue per channel under the selected
 * attribution model (docs/metrics.md, definition 9) for opportunities created and
 * deals won in the period. One query on `attribution`. Channels are sorted
 * by attributed revenue; a channel with no touch shows as "(no touch)".
 */
import { BarChart } from '@tremor/react';
import { ATTRIBUTION } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useModel } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, modelLabel } from '../i18n/labels';
import { formatPeriodKey, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { ChartLegend } from '../components/chart-legend';

export function AttributedChannelsCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, viewFilters } = useFilters();
  const [model] = useModel();
  const f = viewFilters('attribution');
  // Pipeline is credited on `opportunity` conversions (at creation), revenue on `won` (at the close).
  const q = useViewQuery({
    measures: [ATTRIBUTION.attributedPipeline, ATTRIBUTION.attributedRevenue],
    dimensions: [ATTRIBUTION.channel, ATTRIBUTION.conversion],
    timeDimensions: [{ dimension: ATTRIBUTION.convertedAt, dateRange: [period.start, period.end] }],
    filters: [
      ...f.filters,
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
    <CardFrame
      title={t('channels.attr.title')}
      subtitle={t('channels.attr.subtitle', { model: modelLabel(model, locale) })}
      height={440}
      state={q}
      unapplied={f.unapplied}
      emptyReason={t('channels.attr.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <div className="flex h-full flex-col gap-1">
        <ChartLegend categories={[pipeline, revenue]} colors={['sky', 'blue']} />
        <BarChart
          className="min-h-0 flex-1"
          data={data}
          index="channel"
          categories={[pipeline, revenue]}
          colors={['sky', 'blue']}
          layout="vertical"
          valueFormatter={(v) => formatYen(v, locale, { currency: settings.currency })}
          yAxisWidth={120}
          barCategoryGap="18%"
          xAxisLabel={t('axis.yen')}
          showAnimation={false}
          showLegend={false}
        />
      </div>
    </CardFrame>
  );
}
