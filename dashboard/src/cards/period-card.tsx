/*
 * What most cards share: one query on one view, cut by the page's period and
 * by the global filters that view can take (`usePeriodQuery`), drawn in a
 * CardFrame whose title, subtitle and empty reason are the messages
 * `<text>.title`, `<text>.subtitle` and `<text>.empty` (`PeriodCard`; their
 * `{period}` is the period's name unless the card passes another value).
 *
 * A card that reads several views frames its combined state with PeriodCard
 * all the same; a card whose messages do not follow the prefix (a title that
 * changes with a page option) keeps CardFrame.
 */
import type { Filter, Query } from '@cubejs-client/core';
import { CardFrame, setFilters, type CardFrameProps, type CardState } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useViewQuery, type ViewQueryResult } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import type { FilterName } from '../lib/build-filters';
import { formatPeriodKey } from '../lib/format';
import { referenceDay, type ResolvedPeriod } from '../lib/resolve-period';
import { useSettings } from '../state/settings';

type Granularity = Extract<NonNullable<Query['timeDimensions']>[number], { granularity?: unknown }>['granularity'];

export interface PeriodQuery extends Omit<Query, 'timeDimensions' | 'filters'> {
  /** The view's time dimension that falls in the period. */
  time: string;
  granularity?: Granularity;
  /**
   * Another day range than the period's: `'referenceDay'`, the one day a stock (the backlog) is read on — the period's
   * last day, or as_of while it runs — or two days (a range that stops at as_of).
   */
  range?: [string, string] | 'referenceDay';
  /** The card's own filters, after the global ones. */
  filters?: Filter[];
}

export interface PeriodQueryResult extends ViewQueryResult {
  /** Global filters the view cannot apply (the frame lists them). */
  unapplied: FilterName[];
  period: ResolvedPeriod;
  /** The day range asked for. */
  range: [string, string];
}

/** One query on `view` (a name of api/views.ts FILTERS), in the page's period and global filters. */
export function usePeriodQuery(view: string, query: PeriodQuery): PeriodQueryResult {
  const { period, viewFilters } = useFilters();
  const { asOf } = useSettings();
  const f = viewFilters(view);
  const { time, granularity, range: asked, filters = [], ...rest } = query;
  const day = referenceDay(period, asOf);
  const range: [string, string] = asked === 'referenceDay' ? [day, day] : (asked ?? [period.start, period.end]);
  const q = useViewQuery({
    ...rest,
    timeDimensions: [{ dimension: time, ...(granularity ? { granularity } : {}), dateRange: range }],
    filters: [...f.filters, ...filters],
  });
  return { ...q, unapplied: f.unapplied, period, range };
}

/** A message prefix with `.title`, `.subtitle` and `.empty` messages. */
export type CardText = {
  [K in MessageKey]: K extends `${infer P}.empty`
    ? `${P}.title` extends MessageKey
      ? `${P}.subtitle` extends MessageKey
        ? P
        : never
      : never
    : never;
}[MessageKey];

type Vars = Record<string, string | number>;

export interface PeriodCardProps extends Omit<CardFrameProps, 'title' | 'subtitle' | 'emptyReason' | 'state' | 'unapplied'> {
  text: CardText;
  /** Values of the subtitle's placeholders besides `{period}`. */
  subtitle?: Vars;
  /** Values of the empty reason's placeholders besides `{period}`. */
  empty?: Vars;
  query: CardState & { unapplied?: FilterName[] };
  unapplied?: FilterName[];
  /** The figures are the company's whatever the filters: every set segment or channel filter is listed as not applied. */
  companyWide?: boolean;
}

export function PeriodCard(props: PeriodCardProps) {
  const { text, subtitle, empty, query, unapplied, companyWide = false, ...frame } = props;
  const { t, locale } = useI18n();
  const { period, filters } = useFilters();
  const vars = { period: formatPeriodKey(period.key, locale) };
  return (
    <CardFrame
      {...frame}
      title={t(`${text}.title`)}
      subtitle={t(`${text}.subtitle`, { ...vars, ...subtitle })}
      state={query}
      unapplied={unapplied ?? (companyWide ? setFilters(filters) : query.unapplied)}
      emptyReason={t(`${text}.empty`, { ...vars, ...empty })}
    />
  );
}
