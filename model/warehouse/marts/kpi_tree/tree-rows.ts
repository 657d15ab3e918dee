/*
 * The rows of marts.kpi_tree (model/warehouse/marts/kpi_tree.ts): the KPI
 * tree (KPIツリー, docs/metrics.md, definition 12) with the revenue gap
 * decomposition (definition 14) for every period, computed by
 * kpi-tree.ts beside this file. One row per period (month, fiscal quarter,
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
 * Like with like (definition 12). The tree explains revenue = new-business
 * revenue + recurring revenue; the funnel branch counts `new` deals only
 * (opportunities created, wins, average deal size, win rate), as the reverse
 * plan plans new business, and recurring revenue (renewals, upsell,
 * cross-sell) is its own branch. Each stage's volume is counted over the
 * node's window: the period moved back by the stage's offset (the plan's
 * cumulative stage velocity to won, in months: offset_months of
 * plan_requirements), so wins in FY2026 are set against the opportunities,
 * SQLs, … and leads that fed them, and every ratio is a velocity-lagged flow
 * comparable with the plan's cohort conversion. window_start / window_end
 * say which months a count node counts.
 *
 * Windows (definition 17, server/contract/period-windows.ts): for the
 * period that holds as-of, `actual` counts the period to as-of, `plan` is
 * the plan to date (the monthly phased plan, as-of's month pro-rated by days
 * elapsed), `previous` the previous period to the same elapsed point and
 * `year_ago` the same days a year earlier; `plan_full` is the whole
 * period's plan (通期計画), shown beside them. A closed period compares
 * whole windows. Every stage's window is its comparison's window moved back
 * by the stage offset, so the lags hold for the partial period too.
 *
 * Actual (kpi_actuals, daily): leads (per first-touch channel), mql, sal,
 * sql stage volumes; `new` opportunities created; `new` wins, their revenue,
 * lost and cycle days by close; recurring revenue by close. Plan
 * (plan_requirements): the requirements of the target months in the period
 * (target_month), so each stage's plan sits in the same lagged window; the
 * plan's deal size, its opportunity → won cohort rate as win rate and its
 * velocity as sales cycle; recurring plan = revenue target − new-business
 * target. A period is shown from the first one that holds a month with data.
 *
 * Limits: a period whose values kpiTree rejects is skipped with a log
 * line (it should not happen with data that passed the data tests).
 */
import { FUNNEL_STAGES, type FunnelStage, shiftMonth, STAGE_OF_COUNT } from '../../../../server/contract/funnel.js';
import { fiscalMonthNumber, fiscalYearOfMonth } from '../../../../server/contract/vocabulary.js';
import {
  addDays,
  type DayRange,
  type PeriodKind,
  periodWindows,
  type PlanMonthShare,
  shiftRange,
} from '../../../../server/contract/period-windows.js';
import { COMPARISONS, type Comparison, type FunnelValues, kpiTree } from './kpi-tree.js';
import type { RowOf } from '../../../../server/warehouse/write-table.js';

const PERIOD_TYPES = ['month', 'fiscal_quarter', 'fiscal_year'] as const;
type PeriodType = (typeof PERIOD_TYPES)[number];
const KIND: Record<PeriodType, PeriodKind> = { month: 'month', fiscal_quarter: 'quarter', fiscal_year: 'year' };

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
  /** What the node means where its label cannot say it (the velocity factor). */
  note: 'varchar',
  note_ja: 'varchar',
  /** Count nodes: the days whose volume the node counts (the period to date moved back by the stage velocity); end exclusive. */
  window_start: 'timestamp',
  window_end: 'timestamp',
  lever: 'varchar',
  sort_order: 'integer',
  actual: 'double',
  plan: 'double',
  /** The whole period's plan (通期計画); equals plan for a closed period. */
  plan_full: 'double',
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

interface DayData {
  counts: Record<string, number>;
  leadsByChannel: Record<string, number>;
}

const STEP_MONTHS: Record<PeriodType, number> = { month: 1, fiscal_quarter: 3, fiscal_year: 12 };

function label(type: PeriodType, start: string, fyStartMonth: number): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  if (type === 'month') return start.slice(0, 7);
  const fy = fiscalYearOfMonth(y, m, fyStartMonth);
  if (type === 'fiscal_year') return `FY${fy}`;
  const q = Math.floor((fiscalMonthNumber(m, fyStartMonth) - 1) / 3) + 1;
  return `FY${fy} Q${q}`;
}

/** Every day of an inclusive range. */
function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  for (let d = range.start; d <= range.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Actual values over the window, each stage over the window moved back by its offset. */
function actualValues(daily: Map<string, DayData>, window: DayRange, offset: Record<FunnelStage, number>): FunnelValues {
  const windowOf = (stage: FunnelStage) => daysOf(shiftRange(window, -offset[stage]));
  const sum = (metric: string, stage: FunnelStage) =>
    windowOf(stage).reduce((s, d) => s + (daily.get(d)?.counts[metric] ?? 0), 0);
  const leadsByChannel: Record<string, number> = {};
  for (const d of windowOf('lead')) {
    for (const [c, v] of Object.entries(daily.get(d)?.leadsByChannel ?? {})) leadsByChannel[c] = (leadsByChannel[c] ?? 0) + v;
  }
  const wins = sum('wins', 'won');
  const lost = sum('lost', 'won');
  return {
    leads: Object.values(leadsByChannel).reduce((s, v) => s + v, 0),
    mql: sum('mql', 'mql'),
    sal: sum('sal', 'sal'),
    sql: sum('sql', 'sql'),
    opportunities: sum('opportunities', 'opportunity'),
    wins,
    averageDealSize: wins > 0 ? sum('new_revenue', 'won') / wins : null,
    winRate: wins + lost > 0 ? wins / (wins + lost) : null,
    salesCycleDays: wins > 0 ? sum('won_cycle_days', 'won') / wins : null,
    leadsByChannel,
    recurringRevenue: sum('recurring_revenue', 'won'),
  };
}

interface PlanRowLite {
  targetMonth: string;
  stage: string;
  channel: string;
  required: number;
  conversionRate: number | null;
  velocityDays: number | null;
  averageDealSize: number;
  offsetMonths: number;
  recurringPlan: number | null;
}

/** The plan of the months given, each month's requirements × its share (1, or the part of as-of's month elapsed). */
function planValues(allRows: PlanRowLite[], months: PlanMonthShare[]): FunnelValues | undefined {
  const share = new Map(months.map((m) => [m.month, m.share]));
  const rows = allRows.filter((r) => share.has(r.targetMonth));
  if (rows.length === 0) return undefined;
  const required = (r: PlanRowLite) => r.required * share.get(r.targetMonth)!;
  const sum = (stage: string) => rows.filter((r) => r.stage === stage).reduce((s, r) => s + required(r), 0);
  const leadsByChannel: Record<string, number> = {};
  for (const r of rows.filter((x) => x.stage === 'lead'))
    leadsByChannel[r.channel] = (leadsByChannel[r.channel] ?? 0) + required(r);
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
    recurringRevenue: rows.reduce((s, r) => s + (r.recurringPlan ?? 0) * share.get(r.targetMonth)!, 0),
  };
  const total = values.leads + values.mql + values.sal + values.sql + values.opportunities + values.wins;
  return total > 0 || (values.recurringRevenue ?? 0) > 0 ? values : undefined;
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

  const calendar = await query(`select distinct strftime(month_start, '%Y-%m-%d') as month_start,
            strftime(fiscal_quarter_start, '%Y-%m-%d') as fiscal_quarter_start,
            strftime(fiscal_year_start, '%Y-%m-%d') as fiscal_year_start
       from marts.fiscal_calendar order by 1`);

  const daily = new Map<string, DayData>();
  const actualRows = await query("select strftime(day, '%Y-%m-%d') as day, metric, channel, value from marts.kpi_actuals");
  for (const r of actualRows) {
    const day = String(r.day);
    const d = daily.get(day) ?? { counts: {}, leadsByChannel: {} };
    const v = Number(r.value);
    if (r.metric === 'leads') d.leadsByChannel[String(r.channel)] = (d.leadsByChannel[String(r.channel)] ?? 0) + v;
    else d.counts[String(r.metric)] = (d.counts[String(r.metric)] ?? 0) + v;
    daily.set(day, d);
  }
  const firstDataMonth = `${([...daily.keys()].sort()[0] ?? '9999-12-01').slice(0, 7)}-01`;

  const planRows: PlanRowLite[] = (
    await query(`select strftime(target_month, '%Y-%m-%d') as target_month, stage, channel, required, conversion_rate,
              velocity_days, average_deal_size, offset_months, recurring_plan
       from marts.plan_requirements`)
  ).map((r) => ({
    targetMonth: String(r.target_month),
    stage: String(r.stage),
    channel: String(r.channel),
    required: Number(r.required),
    conversionRate: r.conversion_rate === null ? null : Number(r.conversion_rate),
    velocityDays: r.velocity_days === null ? null : Number(r.velocity_days),
    averageDealSize: Number(r.average_deal_size),
    offsetMonths: Number(r.offset_months),
    recurringPlan: r.recurring_plan === null ? null : Number(r.recurring_plan),
  }));
  // The stage lags are the plan's (one set of velocities for the horizon); without a plan, no lag.
  const offset = Object.fromEntries(
    FUNNEL_STAGES.map((st) => [st, planRows.find((r) => r.stage === st)?.offsetMonths ?? 0]),
  ) as Record<FunnelStage, number>;

  const rows: Partial<KpiTreeRow>[] = [];
  for (const type of PERIOD_TYPES) {
    const column = type === 'month' ? 'month_start' : type === 'fiscal_quarter' ? 'fiscal_quarter_start' : 'fiscal_year_start';
    const months = STEP_MONTHS[type];
    // periods that hold a month with data (the calendar also spans older account history); a lagged window
    // reaching before the data counts zeros there, which is what happened: no lead existed to feed it
    const starts = [...new Set(calendar.map((c) => String(c[column])))]
      .filter((st) => shiftMonth(st, months) > firstDataMonth && st <= asOfDate)
      .sort();
    for (const start of starts) {
      const w = periodWindows(KIND[type], start, asOfDate);
      const input = {
        actual: actualValues(daily, w.current, offset),
        plan: planValues(planRows, w.planMonths),
        previous: starts.includes(w.previous.start) ? actualValues(daily, w.previous, offset) : undefined,
        yearAgo: starts.includes(w.yearAgo.start) ? actualValues(daily, w.yearAgo, offset) : undefined,
      };
      const fullPlan = planValues(
        planRows,
        w.fullPlanMonths.map((month) => ({ month, share: 1 })),
      );
      let tree;
      let planFull: Map<string, number | null>;
      try {
        tree = kpiTree(input);
        // the whole period's plan (通期計画) per node: the same tree against the full plan
        planFull = new Map((w.isPartial ? kpiTree({ ...input, plan: fullPlan }) : tree).nodes.map((n) => [n.key, n.plan]));
      } catch (e) {
        log(`${type} ${start} skipped: ${(e as Error).message}`);
        continue;
      }
      const period = {
        period_type: type,
        period_start: `${start} 00:00:00`,
        period_label: label(type, start, fyStart),
        is_partial: w.isPartial,
      };
      const nodeKeys = new Set(tree.nodes.map((n) => n.key));
      const windowOf = (key: string) => {
        const stage = STAGE_OF_COUNT[key.split(':')[0]!];
        if (!stage) return { window_start: null, window_end: null };
        const window = shiftRange(w.current, -offset[stage]);
        return { window_start: `${window.start} 00:00:00`, window_end: `${addDays(window.end, 1)} 00:00:00` };
      };
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
          note: n.note,
          note_ja: n.noteJa,
          ...windowOf(n.key),
          lever: levers.get(n.key) ?? null,
          sort_order: i + 1,
          actual: n.actual,
          plan: n.plan,
          plan_full: planFull.get(n.key) ?? null,
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
