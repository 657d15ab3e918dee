/*
 * The content map by the buyer's process (docs/metrics.md definition 20),
 * drawn inside ContentMapCard: content credit by revenue-cycle stage ×
 * buyer-journey step (axis `journey_step`) or buyer-journey step × persona
 * (axis `persona`), from the `content_coverage` view. A cell that no content
 * of the step serves in the period is marked "no content" (the view's
 * `unserved` flag), in words as well as colour.
 *
 * Limits: the view is not cut by segment or channel (the card lists those
 * filters as not applied), and an agency token may not read it.
 */
import type { Filter } from '@cubejs-client/core';
import { BUYER_JOURNEY_STEPS, UNMAPPED_JOURNEY_STEP } from '../../../server/contract/vocabulary';
import { num, str, useViewQuery, type Row, type ViewQueryResult } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel, pairLabel } from '../i18n/labels';
import { formatNumber, type Locale } from '../lib/format';
import { DataTable, type CellAttributes, type Column } from '../components/data-table';
import { compareKeys } from '../lib/compare-keys';

/** The view's members (model/views/content_coverage.yml). */
export const CONTENT_COVERAGE = {
  model: 'content_coverage.model',
  stagePair: 'content_coverage.stage_pair',
  pairPosition: 'content_coverage.pair_position',
  step: 'content_coverage.buyer_journey_step',
  stepOrder: 'content_coverage.step_order',
  persona: 'content_coverage.persona',
  month: 'content_coverage.month',
  contentCredit: 'content_coverage.content_credit',
  unserved: 'content_coverage.unserved',
} as const;

export type CoverageAxis = 'journey_step' | 'persona';

export function journeyStepLabel(step: string, locale: Locale, unmapped: string): string {
  if (step === UNMAPPED_JOURNEY_STEP) return unmapped;
  const known = BUYER_JOURNEY_STEPS.find((s) => s.step === step);
  return known ? (locale === 'ja' ? known.labelJa : known.labelEn) : step;
}

export interface CoverageGrid {
  rows: { key: string; label: string }[];
  columns: { key: string; label: string }[];
  cell: Map<string, { credit: number; unserved: boolean }>;
}

/** One query on content_coverage: stage pair × step, or step × persona, for the model and period. */
export function useContentCoverage(
  axis: CoverageAxis | null,
  model: string,
  range: [string, string],
  filters: Filter[],
): ViewQueryResult {
  const C = CONTENT_COVERAGE;
  return useViewQuery(
    {
      measures: [C.contentCredit, C.unserved],
      dimensions: axis === 'persona' ? [C.step, C.stepOrder, C.persona] : [C.stagePair, C.pairPosition, C.step, C.stepOrder],
      timeDimensions: [{ dimension: C.month, dateRange: range }],
      filters: [...filters, { member: C.model, operator: 'equals', values: [model] }],
    },
    { skip: axis === null },
  );
}

/** The grid of a coverage query: rows and columns in the view's order; `unmapped` shown only where it has credit. */
export function coverageGrid(axis: CoverageAxis, result: Row[], locale: Locale, unmappedLabel: string): CoverageGrid {
  const C = CONTENT_COVERAGE;
  const stepLabel = (s: string) => journeyStepLabel(s, locale, unmappedLabel);
  const rowKey = (r: Row) => (axis === 'persona' ? str(r, C.step) : str(r, C.stagePair)) ?? '';
  const columnKey = (r: Row) => (axis === 'persona' ? str(r, C.persona) : str(r, C.step)) ?? '';
  const rowOrder = (r: Row) => (axis === 'persona' ? num(r, C.stepOrder) : num(r, C.pairPosition)) ?? 0;
  const unmappedCredit = result
    .filter((r) => str(r, C.step) === UNMAPPED_JOURNEY_STEP)
    .reduce((s, r) => s + (num(r, C.contentCredit) ?? 0), 0);
  const shown = result.filter((r) => str(r, C.step) !== UNMAPPED_JOURNEY_STEP || unmappedCredit > 0);
  const cell = new Map<string, { credit: number; unserved: boolean }>();
  const rows = new Map<string, { key: string; label: string; order: number }>();
  const columns = new Map<string, { key: string; label: string; order: number }>();
  for (const r of shown) {
    const rk = rowKey(r);
    const ck = columnKey(r);
    rows.set(rk, { key: rk, label: axis === 'persona' ? stepLabel(rk) : pairLabel(rk, locale), order: rowOrder(r) });
    columns.set(ck, {
      key: ck,
      label: axis === 'persona' ? codeLabel(ck, locale) : stepLabel(ck),
      order: axis === 'persona' ? 0 : (num(r, C.stepOrder) ?? 0),
    });
    cell.set(`${rk}|${ck}`, { credit: num(r, C.contentCredit) ?? 0, unserved: num(r, C.unserved) === 1 });
  }
  const sorted = (m: Map<string, { key: string; label: string; order: number }>) =>
    [...m.values()].sort((a, b) => a.order - b.order || compareKeys(a.key, b.key)).map(({ key, label }) => ({ key, label }));
  return { rows: sorted(rows), columns: sorted(columns), cell };
}

/**
 * A cell's shade for its credit against the largest shown: at most 0.5 of blue-500, so the figures keep a 4.5:1
 * contrast (WCAG AA); no shade without credit.
 */
export function creditShade(credit: number, max: number): CellAttributes['style'] {
  const shade = max > 0 && credit > 0 ? 0.08 + 0.42 * Math.min(1, credit / max) : 0;
  return shade ? { backgroundColor: `rgba(59,130,246,${shade.toFixed(2)})` } : undefined;
}

export function ContentCoverageTable({ axis, grid }: { axis: CoverageAxis; grid: CoverageGrid }) {
  const { t, locale } = useI18n();
  const max = Math.max(0, ...[...grid.cell.values()].map((c) => c.credit));
  return (
    <DataTable
      label={t(`contentCoverage.table.${axis}`)}
      stickyHead
      scroll={{ className: 'h-full' }}
      className="text-tremor-default"
      tableProps={{ 'data-coverage': axis }}
      rows={grid.rows}
      rowKey={(r) => r.key}
      rowProps={(r) => ({ 'data-row': r.key })}
      columns={[
        {
          key: 'row',
          header: t(axis === 'persona' ? 'contentCoverage.col.step' : 'contentMap.col.pair'),
          headerClassName: 'align-bottom',
          rowHeader: true,
          cell: (r) => r.label,
        },
        ...grid.columns.map((c): Column<CoverageGrid['rows'][number]> => ({
          key: c.key,
          header: c.label,
          headerClassName: 'max-w-[120px] align-bottom',
          headerProps: { 'data-column': c.key },
          numeric: true,
          cellProps: (r) => {
            const at = `${r.key}|${c.key}`;
            const v = grid.cell.get(at);
            return v?.unserved
              ? { className: 'bg-amber-50', 'data-cell': at, 'data-unserved': 'true' }
              : {
                  className: 'text-tremor-content-strong',
                  style: creditShade(v?.credit ?? 0, max),
                  'data-cell': at,
                  'data-unserved': 'false',
                };
          },
          cell: (r) => {
            const v = grid.cell.get(`${r.key}|${c.key}`);
            if (v?.unserved)
              return (
                <span className="whitespace-nowrap text-[11px] font-semibold text-amber-900">
                  {t('contentCoverage.unserved')}
                </span>
              );
            const credit = v?.credit ?? 0;
            return credit > 0 ? formatNumber(credit, locale, 1) : '·';
          },
        })),
      ]}
    />
  );
}
