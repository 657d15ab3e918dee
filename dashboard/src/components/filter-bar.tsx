/*
 * The global filter bar: fiscal period (years, quarters, months up to the
 * data's as_of day), segment (industry or company size) and channel. Values
 * live in the URL (hooks/use-filters.ts). Options come from the data
 * (stage_reach, most leads first) so the list only offers what exists.
 */
import { Fragment, useId, useMemo } from 'react';
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

interface OptionGroup {
  /** The group's `<optgroup>` label; none for a flat list. */
  label?: string;
  options: { value: string; label: string }[];
}

/**
 * One labelled filter. A value from the URL that no option holds (nothing in the data for it now) is listed as
 * `unlisted`, so the select still shows what is applied; groups without options are left out.
 */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The option for no filter (value ''). */
  all?: string;
  groups: OptionGroup[];
  unlisted: string;
}) {
  const { id, label, value, onChange, all, groups, unlisted } = props;
  const listed = value === '' || groups.some((g) => g.options.some((o) => o.value === value));
  const options = (g: OptionGroup) =>
    g.options.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ));
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-tremor-label font-medium text-tremor-content">
        {label}
      </label>
      <select id={id} className={selectClass} value={value} onChange={(e) => onChange(e.target.value)}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {groups
          .filter((g) => g.options.length > 0)
          .map((g, i) =>
            g.label ? (
              <optgroup key={g.label} label={g.label}>
                {options(g)}
              </optgroup>
            ) : (
              <Fragment key={i}>{options(g)}</Fragment>
            ),
          )}
        {listed ? null : <option value={value}>{unlisted}</option>}
      </select>
    </div>
  );
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

  return (
    <div
      className="border-t border-tremor-border bg-tremor-background-muted/60 print:hidden"
      role="search"
      aria-label={t('filters.label')}
    >
      <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-5 gap-y-2 px-6 py-2">
        <FilterSelect
          id={`${id}-period`}
          label={t('filter.period')}
          value={periodKey}
          onChange={(v) => setFilters({ period: v })}
          groups={(['years', 'quarters', 'months'] as const).map((g) => ({
            label: t(`filter.period.${g}`),
            options: periods[g].map((k) => ({ value: k, label: formatPeriodKey(k, locale) })),
          }))}
          unlisted={formatPeriodKey(periodKey, locale)}
        />
        <FilterSelect
          id={`${id}-segment`}
          label={t('filter.segment')}
          all={t('filter.all')}
          value={segmentValue}
          onChange={(v) => setFilters({ segment: parseSegment(v) })}
          groups={[
            { type: 'industry', values: industries },
            { type: 'employee_band', values: bands },
          ].map(({ type, values }) => ({
            label: codeLabel(type, locale),
            options: values.map((v) => ({ value: `${type}:${v}`, label: codeLabel(v, locale) })),
          }))}
          unlisted={filters.segment ? codeLabel(filters.segment.value, locale) : ''}
        />
        <FilterSelect
          id={`${id}-channel`}
          label={t('filter.channel')}
          all={t('filter.all')}
          value={filters.channel ?? ''}
          onChange={(v) => setFilters({ channel: v || null })}
          groups={[{ options: channels.map((c) => ({ value: c, label: channelLabel(c, locale) })) }]}
          unlisted={channelLabel(filters.channel, locale)}
        />
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
