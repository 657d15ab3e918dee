/*
 * Board and review: the KPI tree for the selected period from the
 * `kpi_tree` view — one row per node with actual, plan, previous period,
 * same period last year, each node's revenue effect and share of the
 * revenue gap, and the view's weakest-link flags — drawn by
 * components/kpi-tree.tsx. The comparison (plan / previous / year ago) is a
 * page option in the URL (?compare=).
 *
 * The view holds one row per period and node for months, fiscal quarters
 * and fiscal years; the card asks for the period type of the global period
 * and its first month. A period still running (is_partial) is compared on
 * like windows — the plan to date, the previous period to the same elapsed
 * point and the same days a year earlier (docs/metrics.md, definition 17) —
 * and the card says through which day.
 */
import { KPI_TREE, LANDING_FORECAST } from '../api/views';
import { CardFrame, setFilters } from '../components/card-frame';
import { KpiTree } from '../components/kpi-tree';
import { Segmented } from '../components/page-header';
import { useFilters } from '../hooks/use-filters';
import { useComparison } from '../hooks/use-page-options';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel } from '../i18n/labels';
import type { Comparison, KpiTreeNode } from '../lib/build-kpi-tree';
import { formatDate, formatPeriodKey, type Locale, type Unit } from '../lib/format';
import { periodWindowsOf, type PeriodKind } from '../lib/resolve-period';
import { useSettings } from '../state/settings';

export const COMPARISONS: Comparison[] = ['plan', 'previous', 'yearAgo'];

export const PERIOD_TYPE: Record<PeriodKind, string> = { year: 'fiscal_year', quarter: 'fiscal_quarter', month: 'month' };

const UNITS: Record<string, Unit> = { JPY: 'JPY', count: 'count', ratio: 'ratio', days: 'days' };

const bool = (r: Row, m: string) => r[m] === true || r[m] === 'true';

/** The view's label, except per-channel lead nodes, which get the channel's display name. */
function nodeLabel(r: Row, locale: Locale): string {
  const node = str(r, KPI_TREE.node) ?? '';
  if (node.startsWith('leads:')) return `${locale === 'ja' ? 'リード' : 'Leads'}: ${channelLabel(node.slice(6), locale)}`;
  if (locale === 'ja') return str(r, KPI_TREE.labelJa) ?? node;
  const en = str(r, KPI_TREE.label) ?? node;
  return en.charAt(0).toUpperCase() + en.slice(1);
}

export function rowsToNodes(rows: Row[], locale: Locale): KpiTreeNode[] {
  return rows.map((r) => ({
    key: str(r, KPI_TREE.node) ?? '',
    parent: str(r, KPI_TREE.parent) || null,
    label: nodeLabel(r, locale),
    unit: UNITS[str(r, KPI_TREE.unit) ?? ''] ?? 'number',
    actual: num(r, KPI_TREE.actual),
    plan: num(r, KPI_TREE.plan),
    planFull: num(r, KPI_TREE.planFull),
    previous: num(r, KPI_TREE.previous),
    yearAgo: num(r, KPI_TREE.yearAgo),
    effect: {
      plan: num(r, KPI_TREE.effectVsPlan),
      previous: num(r, KPI_TREE.effectVsPrevious),
      yearAgo: num(r, KPI_TREE.effectVsYearAgo),
    },
    gapEffect: {
      plan: num(r, KPI_TREE.gapEffectVsPlan),
      previous: num(r, KPI_TREE.gapEffectVsPrevious),
      yearAgo: num(r, KPI_TREE.gapEffectVsYearAgo),
    },
    shareOfGap: {
      plan: num(r, KPI_TREE.shareVsPlan),
      previous: num(r, KPI_TREE.shareVsPrevious),
      yearAgo: num(r, KPI_TREE.shareVsYearAgo),
    },
    weakest: {
      plan: bool(r, KPI_TREE.weakestVsPlan),
      previous: bool(r, KPI_TREE.weakestVsPrevious),
      yearAgo: bool(r, KPI_TREE.weakestVsYearAgo),
    },
    lever: str(r, KPI_TREE.lever),
    sortOrder: num(r, KPI_TREE.sortOrder),
    note: str(r, locale === 'ja' ? KPI_TREE.noteJa : KPI_TREE.note),
    window: windowOf(r),
  }));
}

function windowOf(r: Row): { start: string; end: string } | null {
  const start = str(r, KPI_TREE.windowStart);
  const end = str(r, KPI_TREE.windowEnd);
  return start && end ? { start: start.slice(0, 10), end: end.slice(0, 10) } : null;
}

/** The kpi_tree query for a period: shared by the tree, the gap decomposition and the movers. */
export function useKpiTreeRows() {
  const { period } = useFilters();
  return useViewQuery({
    dimensions: [
      KPI_TREE.node,
      KPI_TREE.parent,
      KPI_TREE.label,
      KPI_TREE.labelJa,
      KPI_TREE.unit,
      KPI_TREE.lever,
      KPI_TREE.sortOrder,
      KPI_TREE.isPartial,
      KPI_TREE.note,
      KPI_TREE.noteJa,
      KPI_TREE.windowStart,
      KPI_TREE.windowEnd,
      KPI_TREE.weakestVsPlan,
      KPI_TREE.weakestVsPrevious,
      KPI_TREE.weakestVsYearAgo,
    ],
    measures: [
      KPI_TREE.actual,
      KPI_TREE.plan,
      KPI_TREE.planFull,
      KPI_TREE.previous,
      KPI_TREE.yearAgo,
      KPI_TREE.effectVsPlan,
      KPI_TREE.effectVsPrevious,
      KPI_TREE.effectVsYearAgo,
      KPI_TREE.gapEffectVsPlan,
      KPI_TREE.gapEffectVsPrevious,
      KPI_TREE.gapEffectVsYearAgo,
      KPI_TREE.shareVsPlan,
      KPI_TREE.shareVsPrevious,
      KPI_TREE.shareVsYearAgo,
    ],
    timeDimensions: [{ dimension: KPI_TREE.fiscalMonth, dateRange: [period.start, period.start] }],
    filters: [{ member: KPI_TREE.periodType, operator: 'equals', values: [PERIOD_TYPE[period.kind]] }],
    order: { [KPI_TREE.sortOrder]: 'asc' },
  });
}

/**
 * The kpi_tree query as tree nodes in the user's language, with the page's comparison (?compare=) and its name:
 * what the tree, the gap decomposition, the movers and the period comparison draw from.
 */
export function useKpiTreeNodes() {
  const { t, locale } = useI18n();
  const [comparison] = useComparison();
  const q = useKpiTreeRows();
  return { ...q, nodes: rowsToNodes(q.rows, locale), comparison, comparisonLabel: t(`compare.${comparison}` as const) };
}

/** The KPI tree's nodes that the landing forecast covers: its revenue and its new wins. */
const LANDING_NODE: Record<string, string> = { revenue: 'revenue', new_wins: 'wins' };

/**
 * The landing forecast (definition 18) of the running period, keyed by KPI tree node; null for a
 * closed period or a narrowed view (the forecast is company-wide).
 */
function useLandingByNode(periodType: string, wanted: boolean) {
  const q = useViewQuery({
    measures: [LANDING_FORECAST.forecast, LANDING_FORECAST.forecastLow, LANDING_FORECAST.forecastHigh],
    dimensions: [LANDING_FORECAST.periodType, LANDING_FORECAST.metric],
    filters: [{ member: LANDING_FORECAST.metric, operator: 'equals', values: Object.keys(LANDING_NODE) }],
  });
  if (!wanted || q.status !== 'ready') return null;
  const byNode: Record<string, { forecast: number; low: number | null; high: number | null }> = {};
  for (const r of q.rows) {
    const node = LANDING_NODE[str(r, LANDING_FORECAST.metric) ?? ''];
    const forecast = num(r, LANDING_FORECAST.forecast);
    if (!node || forecast == null || str(r, LANDING_FORECAST.periodType) !== periodType) continue;
    byNode[node] = { forecast, low: num(r, LANDING_FORECAST.forecastLow), high: num(r, LANDING_FORECAST.forecastHigh) };
  }
  return Object.keys(byNode).length ? byNode : null;
}

export function ComparisonPicker() {
  const { t } = useI18n();
  const [comparison, setComparison] = useComparison();
  return (
    <Segmented
      label={t('compare.label')}
      value={comparison}
      onChange={setComparison}
      options={COMPARISONS.map((c) => ({ value: c, label: t(`compare.${c}` as const) }))}
    />
  );
}

export function KpiTreeCard({ height = 520, link, picker = true }: { height?: number; link?: string; picker?: boolean }) {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period, filters } = useFilters();
  const q = useKpiTreeNodes();
  const { nodes, comparison } = q;
  const narrowed = filters.segment || filters.channel;
  const partial = q.rows.some((r) => bool(r, KPI_TREE.isPartial));
  const landing = useLandingByNode(PERIOD_TYPE[period.kind], partial && !narrowed);
  return (
    <CardFrame
      title={t('kpiTree.title')}
      subtitle={t('kpiTree.subtitle', { period: formatPeriodKey(period.key, locale) })}
      height={height}
      state={q}
      link={link}
      skeleton="table"
      unapplied={narrowed ? setFilters(filters) : []}
      note={
        partial ? t('kpiTree.partial', { through: formatDate(periodWindowsOf(period, settings.asOf).through, locale) }) : null
      }
      emptyReason={t('kpiTree.empty', { period: formatPeriodKey(period.key, locale) })}
      actions={picker ? <ComparisonPicker /> : null}
    >
      <KpiTree
        nodes={nodes}
        comparison={comparison}
        currency={settings.currency}
        fullPlanLabel={partial ? t(period.kind === 'year' ? 'windows.fullYearPlan' : 'windows.fullPeriodPlan') : null}
        landing={landing}
      />
    </CardFrame>
  );
}
