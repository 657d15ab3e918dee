/*
 * The rows of marts.kpi_tree (model/warehouse/marts/kpi_tree.ts): the KPI
 * tree (KPIツリー, docs/metrics.md, definition 12) with the revenue gap
 * decomposition (definition 14) for every period, computed by the engine
 * (server/engine/kpi-tree.ts). One row per period (month, fiscal quarter,
 * fiscal year up to as_of) and node: revenue → wins × average deal size →
 * opportunities × win rate × velocity → sql × conversion → … → leads →
 * leads per channel. Each node has actual, plan, previous period, same
 * period a year earlier, and for each comparison its revenue effect
 * (effect_vs_*: for a count node, the sum of the factors below it) and
 * share of the revenue gap. The gap decomposition is in gap_effect_vs_*: set
 * only on the nodes that are a factor of that comparison's decomposition
 * (the first stage with volume, each conversion, velocity, deal size), with
 * `lever` (volume, conversion, velocity, deal_size); summed and grouped by
 * lever they add up to the gap exactly. Which count node is the volume factor
 * can differ per comparison (stages that are 0 in one period are merged
 * out), hence one column per comparison. A factor that is not a tree node (a
 * link merged across such a stage) gets a row of its own.
 *
 * Actual (kpi_actuals): leads, mql, sal, sql are stage volumes; opportunities
 * are deals created, wins and revenue deals won (every deal type, so revenue
 * is the KGI), win rate won ÷ closed, average deal size = revenue ÷ wins.
 * Plan (plan_requirements, the reverse plan's requirements by the month they
 * must arrive in, summed over the period): stage requirements, the plan's
 * average deal size, its opportunity → won rate as win rate and its
 * opportunity → won velocity as sales cycle. Previous = the period before;
 * year ago = the same period one year earlier.
 *
 * Limits: a period whose values the engine rejects is skipped with a log
 * line (it should not happen with data that passed the data tests). The
 * period of as_of is partial (is_partial) and compared with whole periods.
 */
import { shiftMonth } from '../contract/funnel.js';
import { COMPARISONS, type Comparison, type FunnelValues, kpiTree } from '../engine/kpi-tree.js';
import type { RowOf } from '../warehouse/write-table.js';

const PERIOD_TYPES = ['month', 'fiscal_quarter', 'fiscal_year'] as const;
type PeriodType = (typeof PERIOD_TYPES)[number];
const YEAR_AGO_STEPS: Record<PeriodType, number> = { month: 12, fiscal_quarter: 4, fiscal_year: 1 };

export const KPI_TREE_COLUMNS = {
  kpi_node_id: 'varchar',
  period_type: 'varchar',
  period_start: 'timestamp',
  period_label: 'varchar',
  is_partial: 'boolean',
  node: 'varchar',
  parent: 'varchar',
  label: 'varchar',
  label_ja: 'varchar',
  unit: 'varchar',
  formula: 'varchar',
  lever: 'varchar',
  sort_order: 'integer',
  actual: 'double',
  plan: 'double',
  previous: 'double',
  year_ago: 'double',
  effect_vs_plan: 'double',
  effect_vs_previous: 'double',
  effect_vs_year_ago: 'double',
  gap_effect_vs_plan: 'double',
  gap_effect_vs_previous: 'double',
  gap_effect_vs_year_ago: 'double',
  share_of_gap_vs_plan: 'double',
  share_of_gap_vs_previous: 'double',
  share_of_gap_vs_year_ago: 'double',
  is_weakest_link_vs_plan: 'boolean',
  is_weakest_link_vs_previous: 'boolean',
  is_weakest_link_vs_year_ago: 'boolean',
} as const;

export type KpiTreeRow = RowOf<typeof KPI_TREE_COLUMNS>;

const SUFFIX: Record<Comparison, string> = { plan: 'plan', previous: 'previous', yearAgo: 'year_ago' };

interface PeriodData {
  counts: Record<string, number>;
  leadsByChannel: Record<string, number>;
}

const STEP_MONTHS: Record<PeriodType, number> = { month: 1, fiscal_quarter: 3, fiscal_year: 12 };

function label(type: PeriodType, start: string, fyStartMonth: number): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  if (type === 'month') return start.slice(0, 7);
  const fy = m >= fyStartMonth ? y : y - 1;
  if (type === 'fiscal_year') return `FY${fy}`;
  const q = Math.floor(((m - fyStartMonth + 12) % 12) / 3) + 1;
  return `FY${fy} Q${q}`;
}

function actualValues(d: PeriodData | undefined): FunnelValues {
  const c = d?.counts ?? {};
  const wins = c.wins ?? 0;
  const lost = c.lost ?? 0;
  const leadsByChannel = { ...(d?.leadsByChannel ?? {}) };
  return {
    leads: Object.values(leadsByChannel).reduce((s, v) => s + v, 0),
    mql: c.mql ?? 0,
    sal: c.sal ?? 0,
    sql: c.sql ?? 0,
    opportunities: c.opportunities ?? 0,
    wins,
    averageDealSize: wins > 0 ? (c.revenue ?? 0) / wins : null,
    winRate: wins + lost > 0 ? wins / (wins + lost) : null,
    salesCycleDays: wins > 0 ? (c.won_cycle_days ?? 0) / wins : null,
    leadsByChannel,
  };
}

interface PlanRowLite {
  month: string;
  stage: string;
  channel: string;
  required: number;
  conversionRate: number | null;
  velocityDays: number | null;
  averageDealSize: number;
}

function planValues(rows: PlanRowLite[]): FunnelValues | undefined {
  if (rows.length === 0) return undefined;
  const sum = (stage: string) => rows.filter((r) => r.stage === stage).reduce((s, r) => s + r.required, 0);
  const leadsByChannel: Record<string, number> = {};
  for (const r of rows.filter((x) => x.stage === 'lead'))
    leadsByChannel[r.channel] = (leadsByChannel[r.channel] ?? 0) + r.required;
  const values: FunnelValues = {
    leads: sum('lead'),
    mql: sum('mql'),
    sal: sum('sal'),
    sql: sum('sql'),
    opportunities: sum('opportunity'),
    wins: sum('won'),
    averageDealSize: rows[0]!.averageDealSize,
    winRate: rows.find((r) => r.stage === 'opportunity')?.conversionRate ?? null,
    salesCycleDays: rows.find((r) => r.stage === 'opportunity')?.velocityDays ?? null,
    leadsByChannel,
  };
  const total = values.leads + values.mql + values.sal + values.sql + values.opportunities + values.wins;
  return total > 0 ? values : undefined;
}

/** The rows of marts.kpi_tree, read through `query` from the marts it depends on. */
export async function kpiTreeRows(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  log: (message: string) => void,
): Promise<Partial<KpiTreeRow>[]> {
  const settings = (
    await query("select fiscal_year_start_month, strftime(as_of_date, '%Y-%m-%d') as as_of_date from marts.settings")
  )[0]!;
  const fyStart = Number(settings.fiscal_year_start_month);
  const asOfDate = String(settings.as_of_date);
  const dayAfterAsOf = new Date(Date.parse(`${asOfDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

  const calendar = await query(`select distinct strftime(month_start, '%Y-%m-%d') as month_start,
            strftime(fiscal_quarter_start, '%Y-%m-%d') as fiscal_quarter_start,
            strftime(fiscal_year_start, '%Y-%m-%d') as fiscal_year_start
       from marts.fiscal_calendar order by 1`);

  const data = new Map<string, PeriodData>();
  const actualRows = await query(
    "select period_type, strftime(period_start, '%Y-%m-%d') as period_start, metric, channel, value from marts.kpi_actuals",
  );
  for (const r of actualRows) {
    const key = `${r.period_type}|${r.period_start}`;
    const d = data.get(key) ?? { counts: {}, leadsByChannel: {} };
    const v = Number(r.value);
    if (r.metric === 'leads') d.leadsByChannel[String(r.channel)] = (d.leadsByChannel[String(r.channel)] ?? 0) + v;
    else d.counts[String(r.metric)] = (d.counts[String(r.metric)] ?? 0) + v;
    data.set(key, d);
  }

  const planRows: PlanRowLite[] = (
    await query(`select strftime(fiscal_month, '%Y-%m-%d') as month, stage, channel, required, conversion_rate, velocity_days, average_deal_size
       from marts.plan_requirements`)
  ).map((r) => ({
    month: String(r.month),
    stage: String(r.stage),
    channel: String(r.channel),
    required: Number(r.required),
    conversionRate: r.conversion_rate === null ? null : Number(r.conversion_rate),
    velocityDays: r.velocity_days === null ? null : Number(r.velocity_days),
    averageDealSize: Number(r.average_deal_size),
  }));

  const rows: Partial<KpiTreeRow>[] = [];
  for (const type of PERIOD_TYPES) {
    const column = type === 'month' ? 'month_start' : type === 'fiscal_quarter' ? 'fiscal_quarter_start' : 'fiscal_year_start';
    // from the first period with any actual (the calendar also spans account history with no funnel data)
    const firstWithData = actualRows
      .filter((r) => r.period_type === type)
      .reduce((m, r) => (String(r.period_start) < m ? String(r.period_start) : m), '9999-12-31');
    const starts = [...new Set(calendar.map((c) => String(c[column])))].filter((s) => s >= firstWithData && s <= asOfDate).sort();
    for (const start of starts) {
      const end = shiftMonth(start, STEP_MONTHS[type]);
      const previousStart = shiftMonth(start, -STEP_MONTHS[type]);
      const yearAgoStart = shiftMonth(start, -STEP_MONTHS[type] * YEAR_AGO_STEPS[type]);
      const periodPlan = planValues(planRows.filter((p) => p.month >= start && p.month < end));
      const input = {
        actual: actualValues(data.get(`${type}|${start}`)),
        plan: periodPlan,
        previous: starts.includes(previousStart) ? actualValues(data.get(`${type}|${previousStart}`)) : undefined,
        yearAgo: starts.includes(yearAgoStart) ? actualValues(data.get(`${type}|${yearAgoStart}`)) : undefined,
      };
      let tree;
      try {
        tree = kpiTree(input);
      } catch (e) {
        log(`${type} ${start} skipped: ${(e as Error).message}`);
        continue;
      }
      const period = {
        period_type: type,
        period_start: `${start} 00:00:00`,
        period_label: label(type, start, fyStart),
        // the period ends after the day of as_of
        is_partial: end > dayAfterAsOf,
      };
      const nodeKeys = new Set(tree.nodes.map((n) => n.key));
      const levers = new Map<string, string>();
      for (const c of COMPARISONS) for (const e of tree.gaps[c]?.effects ?? []) levers.set(e.key, e.lever);
      const weakest = (key: string, c: Comparison) => (tree.gaps[c] ? tree.weakestLink[c]?.key === key : null);
      tree.nodes.forEach((n, i) => {
        const row: Partial<KpiTreeRow> & Record<string, unknown> = {
          ...period,
          kpi_node_id: `${type}|${start}|${n.key}`,
          node: n.key,
          parent: n.parent,
          label: n.label,
          label_ja: n.labelJa,
          unit: n.unit,
          formula: n.formula,
          lever: levers.get(n.key) ?? null,
          sort_order: i + 1,
          actual: n.actual,
          plan: n.plan,
          previous: n.previous,
          year_ago: n.yearAgo,
        };
        for (const c of COMPARISONS) {
          row[`effect_vs_${SUFFIX[c]}`] = n.effect[c];
          row[`gap_effect_vs_${SUFFIX[c]}`] = tree.gaps[c]?.effects.find((e) => e.key === n.key)?.effect ?? null;
          row[`share_of_gap_vs_${SUFFIX[c]}`] = n.shareOfGap[c];
          row[`is_weakest_link_vs_${SUFFIX[c]}`] = weakest(n.key, c);
        }
        rows.push(row);
      });
      // Factors that are not tree nodes (links merged across a stage that was 0).
      let extra = tree.nodes.length;
      const merged = new Map<string, Partial<KpiTreeRow> & Record<string, unknown>>();
      for (const c of COMPARISONS) {
        const g = tree.gaps[c];
        if (!g) continue;
        for (const e of g.effects) {
          if (nodeKeys.has(e.key)) continue;
          let row = merged.get(e.key);
          if (!row) {
            const to = e.key.split('->')[1] ?? '';
            row = {
              ...period,
              kpi_node_id: `${type}|${start}|${e.key}`,
              node: e.key,
              parent: to === 'opportunity' ? 'opportunities' : to,
              label: e.label,
              label_ja: e.label,
              unit: 'ratio',
              formula: null,
              lever: e.lever,
              sort_order: ++extra,
              actual: e.actual,
            };
            merged.set(e.key, row);
          }
          row[SUFFIX[c]] = e.base;
          row[`effect_vs_${SUFFIX[c]}`] = e.effect;
          row[`gap_effect_vs_${SUFFIX[c]}`] = e.effect;
          row[`share_of_gap_vs_${SUFFIX[c]}`] = e.shareOfGap;
          row[`is_weakest_link_vs_${SUFFIX[c]}`] = weakest(e.key, c);
        }
      }
      rows.push(...merged.values());
    }
  }
  return rows;
}
