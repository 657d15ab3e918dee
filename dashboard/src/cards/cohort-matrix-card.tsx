/*
 * Funnel: cohort conversion matrix (docs/metrics.md, definition 2) — cohort month ×
 * adjacent stage pair, each cell the share of the cohort that reached the
 * next stage. Immature cohorts (whose window reaches past as_of) are shown
 * and marked with a hatch pattern, an asterisk and the words in the cell's
 * label, so they are never read as final. One query on `conversions`.
 * Shade intensity follows the rate; the figure is always written.
 */
import { CONVERSIONS } from '../api/views';
import { useFilters } from '../hooks/use-filters';
import { useGrain } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { pairLabel, stageRank } from '../i18n/labels';
import { formatCount, formatMonth, formatPercent } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { useSettings } from '../state/settings';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';
import { HatchLegend } from '../components/hatch-legend';
import { compareKeys } from '../lib/compare-keys';

interface Cell {
  entered: number;
  converted: number;
  immature: boolean;
}

const HATCH = 'repeating-linear-gradient(135deg, rgba(148,163,184,.35) 0 2px, transparent 2px 6px)';

export function CohortMatrixCard() {
  const { t, locale } = useI18n();
  const { period } = useFilters();
  const settings = useSettings();
  const [grain] = useGrain();
  // One row per cohort month up to as_of: known before the data arrives, so the card does not resize.
  const cohortMonths = period.months.filter((m) => m.slice(0, 7) <= settings.asOf.slice(0, 7)).length;
  const height = 64 + Math.max(3, cohortMonths) * 27;
  const entered = grain === 'account' ? CONVERSIONS.enteredAccounts : CONVERSIONS.entered;
  const converted = grain === 'account' ? CONVERSIONS.convertedAccounts : CONVERSIONS.converted;
  const q = usePeriodQuery('conversions', {
    measures: [entered, converted, CONVERSIONS.immature],
    dimensions: [CONVERSIONS.fromStage, CONVERSIONS.toStage],
    time: CONVERSIONS.cohortAt,
    granularity: 'month',
    filters: [{ member: CONVERSIONS.isAdjacent, operator: 'equals', values: ['true'] }],
  });
  const monthKey = `${CONVERSIONS.cohortAt}.month`;
  const matrix = pivotRows<(typeof q.rows)[number], Cell>(
    q.rows,
    (r) => str(r, monthKey)?.slice(0, 7) ?? null,
    (r) => `${str(r, CONVERSIONS.fromStage)}->${str(r, CONVERSIONS.toStage)}`,
    (r, prev) => ({
      entered: (prev?.entered ?? 0) + (num(r, entered) ?? 0),
      converted: (prev?.converted ?? 0) + (num(r, converted) ?? 0),
      immature: (prev?.immature ?? false) || (num(r, CONVERSIONS.immature) ?? 0) > 0,
    }),
    { rows: compareKeys, cols: (a, b) => stageRank(a.split('->')[0]!) - stageRank(b.split('->')[0]!) },
  );
  return (
    <PeriodCard text="funnel.cohort" height={height} query={q} skeleton="table">
      <div className="flex h-full flex-col">
        <CardTable
          variant="matrix"
          scroll={{ className: 'flex-1' }}
          rows={matrix.rowKeys}
          rowKey={(m) => m}
          columns={[
            {
              key: 'month',
              header: t('funnel.cohort.cohortMonth'),
              rowHeader: true,
              cell: (m) => formatMonth(`${m}-01`, locale),
            },
            ...matrix.colKeys.map((c): Column<string> => ({
              key: c,
              header: pairLabel(c, locale),
              align: 'center',
              numeric: true,
              cell: (m) => {
                const cell = matrix.cell(m, c);
                if (!cell || cell.entered === 0) return '–';
                return (
                  <>
                    {formatPercent(cell.converted / cell.entered, locale)}
                    {cell.immature ? <span aria-hidden>*</span> : null}
                  </>
                );
              },
              cellProps: (m) => {
                const cell = matrix.cell(m, c);
                if (!cell || cell.entered === 0) return { className: 'text-tremor-content' };
                const rate = cell.converted / cell.entered;
                // capped so the dark figures keep a 4.5:1 contrast on the darkest shade (WCAG AA)
                const alpha = 0.08 + Math.min(1, rate) * 0.5;
                return {
                  className: `text-tremor-content-strong ${cell.immature ? 'italic' : ''}`,
                  style: {
                    backgroundColor: `rgba(37, 99, 235, ${alpha})`,
                    backgroundImage: cell.immature ? HATCH : undefined,
                  },
                  title: t('funnel.cohort.cellTitle', {
                    converted: formatCount(cell.converted, locale),
                    entered: formatCount(cell.entered, locale),
                  }),
                  'aria-label': `${formatMonth(`${m}-01`, locale)} ${pairLabel(c, locale)}: ${formatPercent(rate, locale)}${cell.immature ? ` (${t('funnel.cohort.immature')})` : ''}`,
                  'data-immature': cell.immature || undefined,
                };
              },
            })),
          ]}
        />
        <HatchLegend pattern={HATCH} className="border-tremor-border">
          {t('funnel.cohort.legend')}
        </HatchLegend>
      </div>
    </PeriodCard>
  );
}
