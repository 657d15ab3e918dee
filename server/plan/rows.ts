/*
 * The reverse plan as rows (marts.plan_requirements, behind the `plan` view;
 * docs/metrics.md, definition 11): runs the engine twice — as observed, and
 * re-solved within the LTV-based CAC bound — and lays out one row per
 * needed-by month (fiscal_month), funnel stage and channel; target_month is
 * the month whose new-business target the row serves. The `won` rows carry
 * the target month's revenue target, new-business target, recurring plan
 * and recurring forecast (definition 11). Shared by the
 * plan mart and POST /api/plan, so a request without overrides returns
 * exactly the view's rows.
 *
 * Stages after `lead` have channel '(all)'; the lead stage is split per
 * channel (its mix), so every row is additive: summing `required` over the
 * channels of `lead` gives the lead requirement. `actual` is the stage
 * volume (lead grain) or the channel's first-touch leads of the month, known
 * up to the month of as_of (null after); gap = actual − required (negative =
 * shortfall); months before the first lead of the data have no actual
 * either. `ltv_bounded_*` are the lead rows under the mix re-solved within
 * the CAC bound (requirements per stage do not change, only the mix and so
 * the budget). The rates, velocities, deal size, CPL, CAC and bound the
 * engine used sit on every row; an unbounded CAC (UNBOUNDED_CAC) is shown as
 * null with is_cac_unbounded.
 */
import { FUNNEL_STAGES, type FunnelStage, shiftMonth, STAGE_LINKS } from '../contract/funnel.js';
import type { FieldError, PlanInput } from '../contract/plan.js';
import type { PublicPlanResult, TargetLine } from '../contract/plan-result.js';
import { type PlanResult, reversePlan, validatePlanInput } from '../engine/reverse-plan.js';
import type { RowOf } from '../warehouse/write-table.js';
import { ALL_CHANNELS, type ObservedPlan, UNBOUNDED_CAC } from './observed.js';
import type { PlanRequest } from './overrides.js';

export const PLAN_COLUMNS = {
  plan_row_id: 'varchar',
  /** 'YYYY-MM-01': the month the requirement must arrive in. */
  fiscal_month: 'timestamp',
  stage: 'varchar',
  stage_order: 'integer',
  channel: 'varchar',
  required: 'double',
  actual: 'double',
  gap: 'double',
  required_budget: 'double',
  ltv_bounded_required: 'double',
  ltv_bounded_budget: 'double',
  /** 'YYYY-MM-01': the target month the requirement serves (fiscal_month + offset_months). */
  target_month: 'timestamp',
  /** On `won` rows: the revenue target, its new-business part the funnel is planned for, the recurring rest. */
  revenue_target: 'double',
  new_business_target: 'double',
  recurring_plan: 'double',
  /** On `won` rows: renewals due × renewal rate + expansion (definition 11), shown beside the plan. */
  recurring_forecast: 'double',
  conversion_rate: 'double',
  velocity_days: 'double',
  cumulative_velocity_days: 'double',
  offset_months: 'integer',
  average_deal_size: 'double',
  channel_share: 'double',
  ltv_bounded_channel_share: 'double',
  channel_cpl: 'double',
  channel_cac: 'double',
  is_cac_unbounded: 'boolean',
  allowable_cac: 'double',
  team_cost_per_customer: 'double',
  allowable_program_cac: 'double',
  is_over_allowable_cac: 'boolean',
  ltv: 'double',
  ltv_cac_target: 'double',
  attribution_model: 'varchar',
} as const;

export type PlanRow = RowOf<typeof PLAN_COLUMNS>;

export interface ComputedPlan {
  plan: PlanResult;
  ltvBoundedPlan: PlanResult;
  rows: PlanRow[];
}

/** Runs the engine (as observed, and within the CAC bound) and lays out the rows. */
export function computePlan(
  observed: ObservedPlan,
  request: PlanRequest,
): { ok: true; value: ComputedPlan } | { ok: false; errors: FieldError[] } {
  const options = { knownChannels: observed.knownChannels };
  const first = validatePlanInput(request.input, options);
  if (!first.ok) return first;
  const base = first.value;
  // Actuals from the first month a requirement falls in (earlier months were not planned).
  const probe = reversePlan(base, options);
  const firstMonth = probe.requirements.reduce((m, r) => (r.neededByMonth < m ? r.neededByMonth : m), '9999-12-01');
  const actuals = observed.stageActuals
    .filter((a) => a.month >= firstMonth && (FUNNEL_STAGES as readonly string[]).includes(a.stage))
    .map((a) => ({ month: a.month, stage: a.stage as FunnelStage, value: a.value }));
  const withActuals: PlanInput = { ...base, actuals };
  const plan = reversePlan({ ...withActuals, solveWithinLtvBound: false }, options);
  const ltvBoundedPlan = reversePlan({ ...withActuals, solveWithinLtvBound: true, ltvBoundMode: request.ltvBoundMode }, options);
  return { ok: true, value: { plan, ltvBoundedPlan, rows: planRows(plan, ltvBoundedPlan, observed, request, firstMonth) } };
}

function planRows(
  plan: PlanResult,
  bounded: PlanResult,
  observed: ObservedPlan,
  request: PlanRequest,
  firstMonth: string,
): PlanRow[] {
  const a = plan.assumptions;
  const bound = plan.ltvBound;
  const checks = new Map(bound.channels.map((c) => [c.channel, c]));
  const targets = new Map(plan.targets.map((t) => [t.month, t]));
  const common = (stage: FunnelStage) => {
    const i = FUNNEL_STAGES.indexOf(stage);
    const link = STAGE_LINKS[i];
    return {
      stage,
      stage_order: i + 1,
      conversion_rate: link ? a.conversionRates[link] : null,
      velocity_days: link ? a.velocityDays[link] : null,
      cumulative_velocity_days: a.cumulativeVelocityDays[stage],
      offset_months: a.offsetMonths[stage],
      average_deal_size: a.averageDealSize,
      allowable_cac: bound.allowableCac,
      team_cost_per_customer: bound.teamCostPerCustomer,
      allowable_program_cac: bound.allowableProgramCac,
      ltv: bound.ltv,
      ltv_cac_target: bound.ltvCacTarget,
      attribution_model: request.attributionModel,
    };
  };
  const known = (month: string) =>
    observed.asOfMonth !== null &&
    observed.firstActualMonth !== null &&
    month >= observed.firstActualMonth &&
    month <= observed.asOfMonth;
  const targetMonth = (month: string, stage: FunnelStage) => shiftMonth(month, a.offsetMonths[stage]);
  // The sort keys are never null in the rows laid out here.
  const rows: (PlanRow & { fiscal_month: string; stage_order: number; channel: string })[] = [];
  for (const s of plan.schedule) {
    if (s.stage === 'lead') continue;
    rows.push({
      plan_row_id: `${s.month}|${s.stage}|${ALL_CHANNELS}`,
      fiscal_month: s.month,
      target_month: targetMonth(s.month, s.stage),
      channel: ALL_CHANNELS,
      required: s.required,
      actual: s.actual,
      gap: s.gap,
      required_budget: 0,
      ltv_bounded_required: s.required,
      ltv_bounded_budget: 0,
      ...targetColumns(s.stage === 'won' ? targets.get(s.month) : undefined),
      channel_share: null,
      ltv_bounded_channel_share: null,
      channel_cpl: null,
      channel_cac: null,
      is_cac_unbounded: null,
      is_over_allowable_cac: null,
      ...common(s.stage),
    });
  }
  // Lead rows per channel: the plan's channel schedule, the bounded one, and actual arrivals.
  const leadRows = new Map<
    string,
    { month: string; channel: string; required: number; budget: number; bRequired: number; bBudget: number }
  >();
  const at = (month: string, channel: string) => {
    const key = `${month}|${channel}`;
    let r = leadRows.get(key);
    if (!r) leadRows.set(key, (r = { month, channel, required: 0, budget: 0, bRequired: 0, bBudget: 0 }));
    return r;
  };
  for (const c of plan.channelSchedule) {
    const r = at(c.month, c.channel);
    r.required += c.leads;
    r.budget += c.budget;
  }
  for (const c of bounded.channelSchedule) {
    const r = at(c.month, c.channel);
    r.bRequired += c.leads;
    r.bBudget += c.budget;
  }
  const channelActual = new Map<string, number>();
  for (const ca of observed.channelActuals) {
    if (ca.month < firstMonth) continue;
    channelActual.set(`${ca.month}|${ca.channel}`, ca.value);
    if (ca.value > 0) at(ca.month, ca.channel);
  }
  const bMix = bounded.assumptions.channelMix;
  for (const r of [...leadRows.values()].sort((x, y) => x.month.localeCompare(y.month) || x.channel.localeCompare(y.channel))) {
    const actual = known(r.month) ? (channelActual.get(`${r.month}|${r.channel}`) ?? 0) : null;
    const check = checks.get(r.channel);
    const cac = check?.cac ?? null;
    rows.push({
      plan_row_id: `${r.month}|lead|${r.channel}`,
      fiscal_month: r.month,
      target_month: targetMonth(r.month, 'lead'),
      channel: r.channel,
      required: r.required,
      actual,
      gap: actual === null ? null : actual - r.required,
      required_budget: r.budget,
      ltv_bounded_required: r.bRequired,
      ltv_bounded_budget: r.bBudget,
      ...targetColumns(undefined),
      channel_share: a.channelMix[r.channel] ?? 0,
      ltv_bounded_channel_share: bMix[r.channel] ?? 0,
      channel_cpl: a.channelCpl[r.channel] ?? null,
      channel_cac: cac === null || cac >= UNBOUNDED_CAC ? null : cac,
      is_cac_unbounded: cac === null ? null : cac >= UNBOUNDED_CAC,
      is_over_allowable_cac: check ? (check.withinBound === null ? null : !check.withinBound) : null,
      ...common('lead'),
    });
  }
  return rows.sort(
    (x, y) => x.fiscal_month.localeCompare(y.fiscal_month) || x.stage_order - y.stage_order || x.channel.localeCompare(y.channel),
  );
}

function targetColumns(t: TargetLine | undefined) {
  return {
    revenue_target: t?.revenueTarget ?? null,
    new_business_target: t?.newBusinessTarget ?? null,
    recurring_plan: t?.recurringPlan ?? null,
    recurring_forecast: t?.recurringForecast ?? null,
  };
}

/** JSON-safe engine result: an unbounded CAC becomes null with `cacUnbounded: true`. */
export function publicPlanResult(result: PlanResult): PublicPlanResult {
  return {
    ...result,
    ltvBound: {
      ...result.ltvBound,
      channels: result.ltvBound.channels.map((c) =>
        c.cac !== null && c.cac >= UNBOUNDED_CAC ? { ...c, cac: null, cacUnbounded: true } : { ...c, cacUnbounded: false },
      ),
    },
  };
}
