/*
 * Funnel: which personas of the buying group win (docs/metrics.md definition
 * 19). For the period's closed new deals, per persona, the win rate where a
 * contact of that persona engaged before the opportunity against where it
 * was missing, with counts and 95 % Wilson intervals; the headline states
 * the executive (経営層) comparison; the other personas are compared among
 * the deals without an executive engaged. Two queries on
 * `persona_coverage`. A difference is called only when the intervals do not
 * overlap (lib/compare-persona-coverage.ts). Split by company size
 * (?buyers=band), the executive comparison is drawn per employee band, each
 * band with its own counts and intervals (a third query).
 */
import type { Filter, Query } from '@cubejs-client/core';
import { PERSONA_COVERAGE as PC } from '../api/views';
import { DataTable, type Column } from '../components/data-table';
import { Segmented } from '../components/page-header';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel } from '../i18n/labels';
import { comparePersonaCoverage, type CoverageCell, type PersonaCoverage } from '../lib/compare-persona-coverage';
import { formatCount, formatPercent, type Locale } from '../lib/format';
import { PeriodCard } from './period-card';

/** The persona the headline compares: the one the design documents single out (経営層). */
const HEADLINE_PERSONA = 'executive';

const cellOf = (r: Row): CoverageCell => ({
  won: num(r, PC.wonDeals) ?? 0,
  closed: num(r, PC.closedDeals) ?? 0,
  winRate: num(r, PC.winRate),
  low: num(r, PC.winRateLow),
  high: num(r, PC.winRateHigh),
});

const VERDICT_CLASS: Record<PersonaCoverage['verdict'], string> = {
  higher: 'text-emerald-700',
  lower: 'text-rose-700',
  none: 'text-tremor-content',
};

const SPLITS = ['all', 'band'] as const;
type Split = (typeof SPLITS)[number];
/** '1-49', '50-299', '1000+' … in size order. */
const bandOrder = (band: string) => parseInt(band, 10) || 0;

export function BuyingGroupCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters, option, setOption } = useFilters();
  const split: Split = option('buyers') === 'band' ? 'band' : 'all';
  const f = viewFilters('persona_coverage');
  const base: Query = {
    measures: [PC.closedDeals, PC.wonDeals, PC.winRate, PC.winRateLow, PC.winRateHigh],
    dimensions: [PC.persona, PC.isEngaged],
    timeDimensions: [{ dimension: PC.closedAt, dateRange: [period.start, period.end] }],
  };
  const newDeals: Filter[] = [...f.filters, { member: PC.dealType, operator: 'equals', values: ['new'] }];
  // The other personas are compared among the deals without the headline persona engaged: the persona
  // mix differs by company size, so across all deals a persona seen where the executive is not would
  // look worse without being a cause (docs/metrics.md, persona_coverage).
  // Two queries, not one blended query: Cube blends only queries with a time granularity.
  const exec = useViewQuery({
    ...base,
    filters: [...newDeals, { member: PC.persona, operator: 'equals', values: [HEADLINE_PERSONA] }],
  });
  const rest = useViewQuery({
    ...base,
    filters: [
      ...newDeals,
      { member: PC.personasCovered, operator: 'notContains', values: [HEADLINE_PERSONA] },
      { member: PC.persona, operator: 'notEquals', values: [HEADLINE_PERSONA] },
    ],
  });
  const byBand = useViewQuery(
    {
      ...base,
      dimensions: [PC.employeeBand, PC.isEngaged],
      filters: [...newDeals, { member: PC.persona, operator: 'equals', values: [HEADLINE_PERSONA] }],
    },
    { skip: split !== 'band' },
  );
  const bands = comparePersonaCoverage(
    byBand.rows.map((r) => ({ persona: str(r, PC.employeeBand), isEngaged: r[PC.isEngaged] ?? null, cell: cellOf(r) })),
  ).sort((a, b) => bandOrder(a.persona) - bandOrder(b.persona));
  const rowsOf = (rows: Row[]) =>
    rows.map((r) => ({ persona: str(r, PC.persona), isEngaged: r[PC.isEngaged] ?? null, cell: cellOf(r) }));
  const [headline] = comparePersonaCoverage(rowsOf(exec.rows));
  const others = comparePersonaCoverage(rowsOf(rest.rows));
  const personas = headline ? [headline, ...others] : others;
  const q =
    [exec, rest, ...(split === 'band' ? [byBand] : [])].find(
      (r) => r.status === 'loading' || r.status === 'error' || r.status === 'missing',
    ) ?? exec;
  const closed = (headline?.engaged?.closed ?? 0) + (headline?.missing?.closed ?? 0);
  return (
    <PeriodCard
      text="buyingGroup"
      height={340}
      growWhenNarrow
      query={q}
      nothing={closed === 0}
      unapplied={f.unapplied}
      skeleton="table"
      note={t('buyingGroup.note', { persona: codeLabel(HEADLINE_PERSONA, locale) })}
      actions={
        <Segmented
          label={t('buyingGroup.split.label')}
          value={split}
          onChange={(v) => setOption('buyers', v === 'all' ? null : v)}
          options={SPLITS.map((v) => ({ value: v, label: t(`buyingGroup.split.${v}`) }))}
        />
      }
    >
      {headline && (
        <p className="mb-3 text-tremor-default text-tremor-content-strong">
          <span className="font-semibold" data-headline>
            {t('buyingGroup.headline', headlineVars(headline, locale))}
          </span>
          <span className="ml-2 text-tremor-label text-tremor-content">
            {t('buyingGroup.headlineCounts', {
              engagedWon: formatCount(headline.engaged?.won ?? 0, locale),
              engagedClosed: formatCount(headline.engaged?.closed ?? 0, locale),
              missingWon: formatCount(headline.missing?.won ?? 0, locale),
              missingClosed: formatCount(headline.missing?.closed ?? 0, locale),
            })}
          </span>
        </p>
      )}
      <DataTable
        label={
          split === 'band' ? t('buyingGroup.bandTable', { persona: codeLabel(HEADLINE_PERSONA, locale) }) : t('buyingGroup.title')
        }
        className="text-tremor-default"
        density="roomy"
        rows={split === 'band' ? bands : personas}
        rowKey={(p) => p.persona}
        rowProps={(p) => (split === 'band' ? { 'data-band': p.persona } : { 'data-persona': p.persona })}
        columns={[
          {
            key: 'who',
            header: t(split === 'band' ? 'buyingGroup.col.band' : 'buyingGroup.col.persona'),
            rowHeader: true,
            cell: (p, i) =>
              split === 'band' ? (
                p.persona
              ) : (
                <>
                  {codeLabel(p.persona, locale)}
                  {i > 0 && (
                    <span className="block text-tremor-label font-normal text-tremor-content">
                      {t('buyingGroup.heldFixed', { persona: codeLabel(HEADLINE_PERSONA, locale) })}
                    </span>
                  )}
                </>
              ),
          },
          coverageColumn('engaged', t('buyingGroup.col.engaged'), locale, t),
          coverageColumn('missing', t('buyingGroup.col.missing'), locale, t),
          {
            key: 'reading',
            header: t('buyingGroup.col.reading'),
            align: 'right',
            cellProps: (p) => ({ className: VERDICT_CLASS[p.verdict] }),
            cell: (p) => t(`buyingGroup.verdict.${p.verdict}`),
          },
        ]}
      />
    </PeriodCard>
  );

  function headlineVars(p: PersonaCoverage, l: Locale) {
    return {
      persona: codeLabel(p.persona, l),
      engaged: formatPercent(p.engaged?.winRate ?? null, l),
      missing: formatPercent(p.missing?.winRate ?? null, l),
    };
  }
}

/** An engaged or missing column: the win rate with its counts, and the 95 % interval below. */
function coverageColumn(
  side: 'engaged' | 'missing',
  header: string,
  locale: Locale,
  t: ReturnType<typeof useI18n>['t'],
): Column<PersonaCoverage> {
  return {
    key: side,
    header,
    numeric: true,
    cellProps: (p) => (p[side] ? {} : { className: 'text-tremor-content' }),
    cell: (p) => {
      const cell = p[side];
      if (!cell) return '–';
      return (
        <>
          <div className="font-semibold text-tremor-content-strong">
            {t('buyingGroup.cell', {
              rate: formatPercent(cell.winRate, locale),
              won: formatCount(cell.won, locale),
              closed: formatCount(cell.closed, locale),
            })}
          </div>
          <div className="text-tremor-label text-tremor-content">
            {t('buyingGroup.interval', { low: formatPercent(cell.low, locale, 0), high: formatPercent(cell.high, locale, 0) })}
          </div>
        </>
      );
    },
  };
}
