/*
 * Funnel: cohort conversion matrix (docs/metrics.md, definition 2) — cohort month ×
 * adjacent stage pair, each cell the share of the cohort that reached the
 * next stage. Immature cohorts (whose window reaches past as_of) are shown
 * and marked with a hatch pattern, an asterisk and the words in the cell's
 * label, so they are never read as final. One query on `conversions`.
 * Shade intensity follows the rate; the figure is always written.
 */
import { CONVERSIONS } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useGrain } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { pairLabel, stageRank } from '../i18n/labels';
import { formatCount, formatMonth, formatPercent, formatPeriodKey } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { useSettings } from '../state/settings';
import { ScrollRegion } from '../components/scroll-region';

interface Cell {
  entered: number;
  converted: number;
  immature: boolean;
}

const HATCH = 'repeating-linear-gradient(135deg, rgba(148,163,184,.35) 0 2px, transparent 2px 6px)';

export function CohortMatrixCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters } = useFilters();
  const settings = useSettings();
  const [grain] = useGrain();
  // One row per cohort month up to as_of: known before the data arrives, so the card does not resize.
  const cohortMonths = period.months.filter((m) => m.slice(0, 7) <= settings.asOf.slice(0, 7)).length;
  const height = 64 + Math.max(3, cohortMonths) * 27;
  const entered = grain === 'account' ? CONVERSIONS.enteredAccounts : CONVERSIONS.entered;
  const converted = grain === 'account' ? CONVERSIONS.convertedAccounts : CONVERSIONS.converted;
  const f = viewFilters('conversions');
  const q = useViewQuery({
    measures: [entered, converted, CONVERSIONS.immature],
    dimensions: [CONVERSIONS.fromStage, CONVERSIONS.toStage],
    timeDimensions: [{ dimension: CONVERSIONS.cohortAt, granularity: 'month', dateRange: [period.start, period.end] }],
    filters: [...f.filters, { member: CONVERSIONS.isAdjacent, operator: 'equals', values: ['true'] }],
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
    { rows: (a, b) => a.localeCompare(b), cols: (a, b) => stageRank(a.split('->')[0]!) - stageRank(b.split('->')[0]!) },
  );
  return (
    <CardFrame
      title={t('funnel.cohort.title')}
      subtitle={t('funnel.cohort.subtitle')}
      height={height}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('funnel.cohort.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <div className="flex h-full flex-col">
        <ScrollRegion className="flex-1">
          <table className="w-full border-separate border-spacing-0.5 text-tremor-label" aria-label={t('funnel.cohort.title')}>
            <thead className="sticky top-0 bg-white">
              <tr>
                <th scope="col" className="px-2 py-1 text-left font-medium text-tremor-content">
                  {t('funnel.cohort.cohortMonth')}
                </th>
                {matrix.colKeys.map((c) => (
                  <th key={c} scope="col" className="px-2 py-1 text-center font-medium text-tremor-content">
                    {pairLabel(c, locale)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rowKeys.map((m) => (
                <tr key={m}>
                  <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-medium text-tremor-content-emphasis">
                    {formatMonth(`${m}-01`, locale)}
                  </th>
                  {matrix.colKeys.map((c) => {
                    const cell = matrix.cell(m, c);
                    if (!cell || cell.entered === 0)
                      return (
                        <td key={c} className="px-2 py-1 text-center text-tremor-content">
                          –
                        </td>
                      );
                    const rate = cell.converted / cell.entered;
                    // capped so the dark figures keep a 4.5:1 contrast on the darkest shade (WCAG AA)
                    const alpha = 0.08 + Math.min(1, rate) * 0.5;
                    const text = formatPercent(rate, locale);
                    return (
                      <td
                        key={c}
                        className={`rounded-sm px-2 py-1 text-center tabular-nums text-tremor-content-strong ${cell.immature ? 'italic' : ''}`}
                        style={{
                          backgroundColor: `rgba(37, 99, 235, ${alpha})`,
                          backgroundImage: cell.immature ? HATCH : undefined,
                        }}
                        title={t('funnel.cohort.cellTitle', {
                          converted: formatCount(cell.converted, locale),
                          entered: formatCount(cell.entered, locale),
                        })}
                        aria-label={`${formatMonth(`${m}-01`, locale)} ${pairLabel(c, locale)}: ${text}${cell.immature ? ` (${t('funnel.cohort.immature')})` : ''}`}
                        data-immature={cell.immature || undefined}
                      >
                        {text}
                        {cell.immature ? <span aria-hidden>*</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <p className="mt-2 flex items-center gap-2 text-tremor-label text-tremor-content">
          <span
            aria-hidden
            className="inline-block h-3 w-5 rounded-sm border border-tremor-border"
            style={{ backgroundImage: HATCH }}
          />
          {t('funnel.cohort.legend')}
        </p>
      </div>
    </CardFrame>
  );
}
