/*
 * The global filter bar: fiscal period (years, quarters, months up to the
 * data's as_of day), segment (industry or company size) and channel. Values
 * live in the URL (hooks/use-filters.ts). Options come from the data
 * (stage_reach, most leads first) so the list only offers what exists.
 */
import { useId, useMemo } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, codeLabel } from '../i18n/labels';
import { formatPeriodKey } from '../lib/format';
import { formatSegment, parseSegment } from '../lib/build-filters';
import { periodOptions } from '../lib/resolve-period';
import { useFilters } from '../hooks/use-filters';
import { str, useViewQuery } from '../hooks/use-view-query';
import { useSettings } from '../state/settings';
import { useSemanticLayer } from '../state/semantic-layer';

const selectClass =
  'h-8 rounded-tremor-small border border-tremor-border bg-white pl-2 pr-7 text-tremor-default text-tremor-content-strong shadow-tremor-input focus:border-tremor-brand-subtle focus:outline-none focus:ring-2 focus:ring-tremor-brand-muted';

function useDimensionValues(member: string): string[] {
  const layer = useSemanticLayer();
  const settings = useSettings();
  const available = layer.status === 'ready' && layer.hasMember(member);
  const view = member.split('.')[0];
  const countMeasure = view === 'channel_performance' ? 'channel_performance.leads' : `${view}.leads`;
  // stage_reach counts a lead once per stage it reached: its first funnel stage counts every lead once.
  const firstStage = settings.stages.filter((s) => s.isFunnel).sort((a, b) => a.order - b.order)[0]?.stage;
  const filters =
    view === 'stage_reach' && firstStage
      ? [{ member: 'stage_reach.stage', operator: 'equals' as const, values: [firstStage] }]
      : [];
  const q = useViewQuery(
    { dimensions: [member], measures: [countMeasure], filters, order: { [countMeasure]: 'desc' }, limit: 100 },
    { skip: !available || !layer.hasMember(countMeasure) },
  );
  return useMemo(() => q.rows.map((r) => str(r, member)).filter((v): v is string => !!v), [q.rows, member]);
}

export function FilterBar() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const layer = useSemanticLayer();
  const { filters, periodKey, setFilters } = useFilters();
  const periods = useMemo(
    () => periodOptions(settings.firstDay, settings.asOf, settings.fiscalStartMonth),
    [settings.firstDay, settings.asOf, settings.fiscalStartMonth],
  );
  const industries = useDimensionValues('stage_reach.industry');
  const bands = useDimensionValues('stage_reach.employee_band');
  const channelMember = layer.hasMember('channel_performance.channel')
    ? 'channel_performance.channel'
    : 'stage_reach.lead_source';
  const channels = useDimensionValues(channelMember);
  const segmentValue = formatSegment(filters.segment) ?? '';
  const active = !!(filters.segment || filters.channel || filters.period);
  const id = useId();
  const labelClass = 'text-tremor-label font-medium text-tremor-content';

  return (
    <div
      className="border-t border-tremor-border bg-tremor-background-muted/60 print:hidden"
      role="search"
      aria-label={t('filters.label')}
    >
      <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-5 gap-y-2 px-6 py-2">
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-period`} className={labelClass}>
            {t('filter.period')}
          </label>
          <select
            id={`${id}-period`}
            className={selectClass}
            value={periodKey}
            onChange={(e) => setFilters({ period: e.target.value })}
          >
            <optgroup label={t('filter.period.years')}>
              {periods.years.map((k) => (
                <option key={k} value={k}>
                  {formatPeriodKey(k, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('filter.period.quarters')}>
              {periods.quarters.map((k) => (
                <option key={k} value={k}>
                  {formatPeriodKey(k, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('filter.period.months')}>
              {periods.months.map((k) => (
                <option key={k} value={k}>
                  {formatPeriodKey(k, locale)}
                </option>
              ))}
            </optgroup>
            {!periods.years.includes(periodKey) &&
            !periods.quarters.includes(periodKey) &&
            !periods.months.includes(periodKey) ? (
              <option value={periodKey}>{formatPeriodKey(periodKey, locale)}</option>
            ) : null}
          </select>
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-segment`} className={labelClass}>
            {t('filter.segment')}
          </label>
          <select
            id={`${id}-segment`}
            className={selectClass}
            value={segmentValue}
            onChange={(e) => setFilters({ segment: parseSegment(e.target.value) })}
          >
            <option value="">{t('filter.all')}</option>
            {industries.length > 0 ? (
              <optgroup label={codeLabel('industry', locale)}>
                {industries.map((v) => (
                  <option key={v} value={`industry:${v}`}>
                    {codeLabel(v, locale)}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {bands.length > 0 ? (
              <optgroup label={codeLabel('employee_band', locale)}>
                {bands.map((v) => (
                  <option key={v} value={`employee_band:${v}`}>
                    {codeLabel(v, locale)}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {filters.segment && ![...industries, ...bands].includes(filters.segment.value) ? (
              <option value={segmentValue}>{codeLabel(filters.segment.value, locale)}</option>
            ) : null}
          </select>
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-channel`} className={labelClass}>
            {t('filter.channel')}
          </label>
          <select
            id={`${id}-channel`}
            className={selectClass}
            value={filters.channel ?? ''}
            onChange={(e) => setFilters({ channel: e.target.value || null })}
          >
            <option value="">{t('filter.all')}</option>
            {channels.map((c) => (
              <option key={c} value={c}>
                {channelLabel(c, locale)}
              </option>
            ))}
            {filters.channel && !channels.includes(filters.channel) ? (
              <option value={filters.channel}>{channelLabel(filters.channel, locale)}</option>
            ) : null}
          </select>
        </div>
        {active ? (
          <button
            type="button"
            onClick={() => setFilters({ period: null, segment: null, channel: null })}
            className="text-tremor-label font-medium text-tremor-brand hover:underline"
          >
            {t('filter.reset')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
