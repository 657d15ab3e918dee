/*
 * Reverse plan 受注から逆算 (docs/metrics.md, definition 11): from monthly revenue
 * targets back to the wins, opportunities, … leads needed, *when* they are
 * needed, per channel and at what budget, within the LTV-based CAC bound.
 * Serves the warehouse build and `POST /api/plan`; `validatePlanInput`
 * turns a raw JSON body into a typed `PlanInput` or field-named errors.
 *
 * Rules:
 * - New-business target R(m) of target month m: its `newRevenueTarget` when
 *   given; otherwise max(0, revenueTarget − recurring forecast), where
 *   recurring forecast = renewalsDue(m) × renewalRate + expansionPerMonth
 *   (each 0 when absent). The forecast is reported on its own line
 *   (`targets`) either way; recurringPlan = revenueTarget − R(m).
 * - wins(m) = ⌈R(m) ÷ averageDealSize⌉ (an integer; averageDealSize is of
 *   `new` deals); each earlier stage's
 *   requirement = the next stage's requirement ÷ the cohort conversion
 *   between them, kept fractional (no rounding compounds through the
 *   chain); `requiredDisplay` = ⌈required⌉ of each value separately (noise
 *   below 1e-9 relative ignored), so display values of earlier stages may
 *   exceed a chain of rounded values by less than one unit each.
 * - Phasing: cumulative velocity of stage S = Σ median days of the links from
 *   S up to won; offset(S) = round(cumulative ÷ 30.4) months; the
 *   requirement of S for target month m is needed in m − offset(S)
 *   (`neededByMonth`). `schedule` sums the requirements of all target months
 *   per needed month and stage, and compares them with `actuals`:
 *   gap = actual − required (negative = shortfall), attainment =
 *   actual ÷ required (null when nothing is required).
 * - Channels: the input mix is first divided by its sum (validation allows
 *   ±0.001), then leads(c) = required leads × mix(c) and budget(c) =
 *   leads(c) × CPL(c). Money is left unrounded; the view rounds.
 * - LTV bound: allowableCac = ltv ÷ ltvCacTarget bounds the fully loaded
 *   CAC (definition 10). A channel's observed CAC is attributed program
 *   spend (definition 9), so it is held against what the bound leaves for
 *   program spend: allowableProgramCac = max(0, allowableCac −
 *   teamCostPerCustomer, the people and overhead per new customer, 0 when
 *   not given); a channel whose CAC exceeds that is flagged. A channel with no observed CAC is reported
 *   with `withinBound: null` and treated as compliant.
 * - solveWithinLtvBound: mode `exclude` (default) sets each flagged
 *   channel's share to 0; mode `reduce` scales it by allowableProgramCac ÷ CAC (the
 *   share a channel would keep if its spend had to shrink in proportion to
 *   its overshoot). The freed share is redistributed over the compliant
 *   channels in proportion to their shares. If no compliant channel has a
 *   positive share the mix is left unchanged and `feasible` is false.
 *   Re-solving changes only the mix and so the budget: conversion rates are
 *   not per channel, so the lead requirement stays the same.
 *
 * Limits: one average deal size and one set of rates for the whole horizon;
 * the default six funnel stages (server/contract/funnel.ts); months are
 * calendar months.
 */
import {
  type FieldError,
  MIX_TOLERANCE,
  type LtvBoundMode,
  type PlanActual,
  type PlanInput,
  planInputSchema,
  type SchemaOptions,
  validateWith,
  type Validation,
} from '../contract/plan.js';
import type {
  ChannelCacCheck,
  ChannelRequirement,
  ChannelScheduleRow,
  PlanResult,
  ScheduleRow,
  StageRequirement,
  TargetLine,
} from '../contract/plan-result.js';
import { ceilDisplay, FUNNEL_STAGES, type FunnelStage, shiftMonth, STAGE_LINKS } from './funnel.js';

export { type FieldError, type LtvBoundMode, MIX_TOLERANCE, type PlanActual, type PlanInput };
export type * from '../contract/plan-result.js';
export type ValidateOptions = SchemaOptions;
export type PlanValidation = Validation<PlanInput>;

export function allowableCac(ltvValue: number, ltvCacTarget: number): number {
  if (Number.isNaN(ltvValue) || ltvValue < 0) throw new RangeError(`ltv must be ≥ 0, got ${ltvValue}`);
  if (!Number.isFinite(ltvCacTarget) || ltvCacTarget <= 0) throw new RangeError(`ltvCacTarget must be > 0, got ${ltvCacTarget}`);
  return ltvValue / ltvCacTarget;
}

export const DAYS_PER_MONTH = 30.4;

export class PlanInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid plan input: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'PlanInputError';
  }
}

/** A raw JSON body as a typed `PlanInput`, or field-named errors (rules: server/contract/plan.ts). */
export function validatePlanInput(raw: unknown, options: ValidateOptions = {}): PlanValidation {
  return validateWith(planInputSchema(options), raw);
}

function normaliseMix(mix: Record<string, number>): Record<string, number> {
  const sum = Object.values(mix).reduce((s, v) => s + v, 0);
  const out: Record<string, number> = {};
  for (const [c, v] of Object.entries(mix)) out[c] = v / sum;
  return out;
}

function solveMix(
  mix: Record<string, number>,
  checks: ChannelCacCheck[],
  allowable: number,
  solve: boolean,
  mode: LtvBoundMode,
): { mix: Record<string, number>; applied: boolean; feasible: boolean; note: string | null } {
  const flagged = new Map(checks.filter((c) => c.withinBound === false).map((c) => [c.channel, c.cac!]));
  const flaggedInMix = Object.keys(mix).filter((c) => flagged.has(c) && mix[c]! > 0);
  if (!solve || flaggedInMix.length === 0) return { mix, applied: false, feasible: true, note: null };
  const compliantTotal = Object.entries(mix)
    .filter(([c, s]) => !flagged.has(c) && s > 0)
    .reduce((s, [, v]) => s + v, 0);
  if (compliantTotal === 0) {
    return {
      mix,
      applied: false,
      feasible: false,
      note: 'every channel in the mix exceeds the allowable CAC; the mix is left unchanged',
    };
  }
  const out: Record<string, number> = {};
  let freed = 0;
  for (const [c, s] of Object.entries(mix)) {
    if (!flagged.has(c)) continue;
    const kept = mode === 'exclude' ? 0 : s * (allowable / flagged.get(c)!);
    out[c] = kept;
    freed += s - kept;
  }
  for (const [c, s] of Object.entries(mix)) {
    if (flagged.has(c)) continue;
    out[c] = s + (s > 0 ? (freed * s) / compliantTotal : 0);
  }
  const ordered: Record<string, number> = {};
  for (const c of Object.keys(mix)) ordered[c] = out[c]!;
  return { mix: normaliseMix(ordered), applied: true, feasible: true, note: null };
}

type Phasing = Pick<PlanResult['assumptions'], 'cumulativeVelocityDays' | 'offsetMonths'>;

/** Phasing: cumulative velocity of each stage up to won, and its offset in months (rounded at DAYS_PER_MONTH). */
function phasing(velocityDays: PlanInput['velocityDays']): Phasing {
  const cumulativeVelocityDays = {} as Record<FunnelStage, number>;
  const offsetMonths = {} as Record<FunnelStage, number>;
  let cum = 0;
  for (let i = FUNNEL_STAGES.length - 1; i >= 0; i--) {
    const stage = FUNNEL_STAGES[i]!;
    if (i < STAGE_LINKS.length) cum += velocityDays[STAGE_LINKS[i]!];
    cumulativeVelocityDays[stage] = cum;
    offsetMonths[stage] = Math.round(cum / DAYS_PER_MONTH);
  }
  return { cumulativeVelocityDays, offsetMonths };
}

/** The LTV bound: what it leaves for program spend, each channel's CAC held against it, and the mix solved within it. */
function ltvBound(p: PlanInput) {
  const allowableFullyLoaded = allowableCac(p.ltv, p.ltvCacTarget);
  const teamCostPerCustomer = p.teamCostPerCustomer ?? 0;
  const allowable = Math.max(0, allowableFullyLoaded - teamCostPerCustomer);
  const cac = p.channelCac ?? {};
  const checkChannels = [...Object.keys(p.channelMix), ...Object.keys(cac).filter((c) => !(c in p.channelMix))];
  const checks: ChannelCacCheck[] = checkChannels.map((channel) => {
    const value = cac[channel];
    return {
      channel,
      cac: value ?? null,
      allowableCac: allowable,
      withinBound: value === undefined ? null : value <= allowable,
    };
  });
  const mode: LtvBoundMode = p.ltvBoundMode ?? 'exclude';
  const solve = p.solveWithinLtvBound ?? false;
  const solved = solveMix(normaliseMix(p.channelMix), checks, allowable, solve, mode);
  return { allowableFullyLoaded, teamCostPerCustomer, allowable, checks, mode, solve, solved };
}

/** Each target month's new-business target and recurring forecast, in month order. */
function newBusinessTargets(p: PlanInput): TargetLine[] {
  const months = [...p.fiscalMonths].sort((a, b) => a.month.localeCompare(b.month));
  const renewalRate = p.renewalRate ?? 0;
  const expansionPerMonth = p.expansionPerMonth ?? 0;
  return months.map((m) => {
    const renewalsDue = m.renewalsDue ?? 0;
    const expectedRenewals = renewalsDue * renewalRate;
    const recurringForecast = expectedRenewals + expansionPerMonth;
    const given = m.newRevenueTarget;
    const newBusinessTarget = given ?? Math.max(0, m.revenueTarget - recurringForecast);
    return {
      month: m.month,
      revenueTarget: m.revenueTarget,
      newRevenueTarget: given ?? null,
      renewalsDue,
      expectedRenewals,
      expectedExpansion: expansionPerMonth,
      recurringForecast,
      newBusinessTarget,
      recurringPlan: m.revenueTarget - newBusinessTarget,
      source: given === undefined ? 'revenue_minus_recurring' : 'new_revenue_target',
    };
  });
}

/** Per target month: wins back through the cohort conversions to leads, phased; the leads split over the mix. */
function requirementsOf(p: PlanInput, targets: TargetLine[], phase: Phasing, mix: Record<string, number>) {
  const { cumulativeVelocityDays, offsetMonths } = phase;
  const requirements: StageRequirement[] = [];
  const channels: ChannelRequirement[] = [];
  for (const { month, newBusinessTarget } of targets) {
    const required = {} as Record<FunnelStage, number>;
    required.won = newBusinessTarget > 0 ? ceilDisplay(newBusinessTarget / p.averageDealSize) : 0;
    for (let i = STAGE_LINKS.length - 1; i >= 0; i--) {
      required[FUNNEL_STAGES[i]!] = required[FUNNEL_STAGES[i + 1]!] / p.conversionRates[STAGE_LINKS[i]!];
    }
    for (const stage of FUNNEL_STAGES) {
      requirements.push({
        targetMonth: month,
        stage,
        required: required[stage],
        requiredDisplay: ceilDisplay(required[stage]),
        cumulativeVelocityDays: cumulativeVelocityDays[stage],
        offsetMonths: offsetMonths[stage],
        neededByMonth: shiftMonth(month, -offsetMonths[stage]),
      });
    }
    const leadMonth = shiftMonth(month, -offsetMonths.lead);
    for (const [channel, share] of Object.entries(mix)) {
      const leads = required.lead * share;
      const cpl = p.channelCpl[channel] ?? 0;
      channels.push({
        targetMonth: month,
        neededByMonth: leadMonth,
        channel,
        share,
        leads,
        leadsDisplay: ceilDisplay(leads),
        cpl,
        budget: leads * cpl,
      });
    }
  }
  return { requirements, channels };
}

/** The requirements summed per needed month and stage, set against the actuals (gap, attainment). */
function stageSchedule(requirements: StageRequirement[], actuals: PlanInput['actuals']): ScheduleRow[] {
  const actualOf = new Map((actuals ?? []).map((a) => [`${a.month}|${a.stage}`, a.value]));
  const scheduleMap = new Map<string, { month: string; stage: FunnelStage; required: number }>();
  for (const r of requirements) {
    const key = `${r.neededByMonth}|${r.stage}`;
    const row = scheduleMap.get(key) ?? { month: r.neededByMonth, stage: r.stage, required: 0 };
    row.required += r.required;
    scheduleMap.set(key, row);
  }
  for (const a of actuals ?? []) {
    const key = `${a.month}|${a.stage}`;
    if (!scheduleMap.has(key)) scheduleMap.set(key, { month: a.month, stage: a.stage, required: 0 });
  }
  const stageOrder = (s: FunnelStage) => FUNNEL_STAGES.indexOf(s);
  return [...scheduleMap.entries()]
    .map(([key, r]) => {
      const actual = actualOf.get(key);
      return {
        month: r.month,
        stage: r.stage,
        required: r.required,
        requiredDisplay: ceilDisplay(r.required),
        actual: actual ?? null,
        gap: actual === undefined ? null : actual - r.required,
        attainment: actual === undefined || r.required === 0 ? null : actual / r.required,
      };
    })
    .sort((a, b) => a.month.localeCompare(b.month) || stageOrder(a.stage) - stageOrder(b.stage));
}

/** Leads and budget per needed month and channel, in the mix's channel order. */
function channelSchedule(channels: ChannelRequirement[], mix: Record<string, number>): ChannelScheduleRow[] {
  const channelScheduleMap = new Map<string, ChannelScheduleRow>();
  for (const c of channels) {
    const key = `${c.neededByMonth}|${c.channel}`;
    const row = channelScheduleMap.get(key) ?? {
      month: c.neededByMonth,
      channel: c.channel,
      leads: 0,
      leadsDisplay: 0,
      budget: 0,
    };
    row.leads += c.leads;
    row.budget += c.budget;
    row.leadsDisplay = ceilDisplay(row.leads);
    channelScheduleMap.set(key, row);
  }
  const channelOrder = Object.keys(mix);
  return [...channelScheduleMap.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || channelOrder.indexOf(a.channel) - channelOrder.indexOf(b.channel),
  );
}

/** The horizon's totals: targets, each stage's requirement, leads and budget per channel. */
function planTotals(
  targets: TargetLine[],
  requirements: StageRequirement[],
  channels: ChannelRequirement[],
): PlanResult['totals'] {
  const byStage = {} as Record<FunnelStage, { required: number; requiredDisplay: number }>;
  for (const stage of FUNNEL_STAGES) {
    const required = requirements.filter((r) => r.stage === stage).reduce((s, r) => s + r.required, 0);
    byStage[stage] = { required, requiredDisplay: ceilDisplay(required) };
  }
  const leadsByChannel: Record<string, number> = {};
  const budgetByChannel: Record<string, number> = {};
  for (const c of channels) {
    leadsByChannel[c.channel] = (leadsByChannel[c.channel] ?? 0) + c.leads;
    budgetByChannel[c.channel] = (budgetByChannel[c.channel] ?? 0) + c.budget;
  }
  return {
    revenueTarget: targets.reduce((s, t) => s + t.revenueTarget, 0),
    recurringForecast: targets.reduce((s, t) => s + t.recurringForecast, 0),
    newBusinessTarget: targets.reduce((s, t) => s + t.newBusinessTarget, 0),
    recurringPlan: targets.reduce((s, t) => s + t.recurringPlan, 0),
    byStage,
    leadsByChannel,
    budgetByChannel,
    budget: Object.values(budgetByChannel).reduce((s, v) => s + v, 0),
  };
}

export function reversePlan(input: PlanInput, options: ValidateOptions = {}): PlanResult {
  const v = validatePlanInput(input, options);
  if (!v.ok) throw new PlanInputError(v.errors);
  const p = v.value;
  const phase = phasing(p.velocityDays);
  const bound = ltvBound(p);
  const mix = bound.solved.mix;
  const targets = newBusinessTargets(p);
  const { requirements, channels } = requirementsOf(p, targets, phase, mix);
  return {
    assumptions: {
      averageDealSize: p.averageDealSize,
      renewalRate: p.renewalRate ?? 0,
      expansionPerMonth: p.expansionPerMonth ?? 0,
      conversionRates: { ...p.conversionRates },
      velocityDays: { ...p.velocityDays },
      ...phase,
      daysPerMonth: DAYS_PER_MONTH,
      channelMixInput: { ...p.channelMix },
      channelMix: { ...mix },
      channelCpl: { ...p.channelCpl },
    },
    targets,
    requirements,
    schedule: stageSchedule(requirements, p.actuals),
    channels,
    channelSchedule: channelSchedule(channels, mix),
    ltvBound: {
      ltv: p.ltv,
      ltvCacTarget: p.ltvCacTarget,
      allowableCac: bound.allowableFullyLoaded,
      teamCostPerCustomer: bound.teamCostPerCustomer,
      allowableProgramCac: bound.allowable,
      channels: bound.checks,
      flagged: bound.checks.filter((c) => c.withinBound === false).map((c) => c.channel),
      solveWithinLtvBound: bound.solve,
      mode: bound.mode,
      applied: bound.solved.applied,
      feasible: bound.solved.feasible,
      note: bound.solved.note,
    },
    totals: planTotals(targets, requirements, channels),
  };
}
