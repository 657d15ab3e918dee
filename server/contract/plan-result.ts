/*
 * The reverse plan's result (docs/metrics.md, definition 11): what the
 * engine returns (server/engine/reverse-plan.ts, which says how each value
 * is computed) and what POST /api/plan answers (docs/plan-api.md), which
 * the dashboard reads. Types only; browser-safe.
 */
import type { FunnelStage, StageLink } from './funnel.js';
import type { LtvBoundMode } from './plan.js';

/**
 * One target month's split of the revenue target (definition 11): the
 * recurring forecast as its own line, and the new-business target the funnel
 * is planned for.
 */
export interface TargetLine {
  month: string;
  revenueTarget: number;
  /** The `new_revenue` target when given, else null. */
  newRevenueTarget: number | null;
  renewalsDue: number;
  expectedRenewals: number;
  expectedExpansion: number;
  /** expectedRenewals + expectedExpansion. */
  recurringForecast: number;
  /** newRevenueTarget, else max(0, revenueTarget − recurringForecast). */
  newBusinessTarget: number;
  /** revenueTarget − newBusinessTarget: what the target leaves to renewals and expansion. */
  recurringPlan: number;
  source: 'new_revenue_target' | 'revenue_minus_recurring';
}

export interface StageRequirement {
  targetMonth: string;
  stage: FunnelStage;
  required: number;
  requiredDisplay: number;
  cumulativeVelocityDays: number;
  offsetMonths: number;
  neededByMonth: string;
}

export interface ScheduleRow {
  month: string;
  stage: FunnelStage;
  required: number;
  requiredDisplay: number;
  actual: number | null;
  gap: number | null;
  attainment: number | null;
}

export interface ChannelRequirement {
  targetMonth: string;
  neededByMonth: string;
  channel: string;
  share: number;
  leads: number;
  leadsDisplay: number;
  cpl: number;
  budget: number;
}

export interface ChannelScheduleRow {
  month: string;
  channel: string;
  leads: number;
  leadsDisplay: number;
  budget: number;
}

export interface ChannelCacCheck {
  channel: string;
  /** The channel's attributed program CAC (definition 9). */
  cac: number | null;
  /** The program CAC the channel may have: LtvBoundResult.allowableProgramCac. */
  allowableCac: number;
  withinBound: boolean | null;
}

export interface LtvBoundResult {
  ltv: number;
  ltvCacTarget: number;
  /** Allowable fully loaded CAC = ltv ÷ ltvCacTarget (definition 11). */
  allowableCac: number;
  /** People and overhead of marketing, inside sales and sales per new customer (definition 10). */
  teamCostPerCustomer: number;
  /** What is left of the allowable CAC for program spend: max(0, allowableCac − teamCostPerCustomer). */
  allowableProgramCac: number;
  channels: ChannelCacCheck[];
  flagged: string[];
  solveWithinLtvBound: boolean;
  mode: LtvBoundMode;
  /** The mix actually used differs from the (normalised) input mix. */
  applied: boolean;
  feasible: boolean;
  note: string | null;
}

export interface PlanAssumptions {
  averageDealSize: number;
  renewalRate: number;
  expansionPerMonth: number;
  conversionRates: Record<StageLink, number>;
  velocityDays: Record<StageLink, number>;
  cumulativeVelocityDays: Record<FunnelStage, number>;
  offsetMonths: Record<FunnelStage, number>;
  daysPerMonth: number;
  channelMixInput: Record<string, number>;
  channelMix: Record<string, number>;
  channelCpl: Record<string, number>;
}

export interface PlanResult {
  assumptions: PlanAssumptions;
  targets: TargetLine[];
  requirements: StageRequirement[];
  schedule: ScheduleRow[];
  channels: ChannelRequirement[];
  channelSchedule: ChannelScheduleRow[];
  ltvBound: LtvBoundResult;
  totals: {
    revenueTarget: number;
    recurringForecast: number;
    newBusinessTarget: number;
    recurringPlan: number;
    byStage: Record<FunnelStage, { required: number; requiredDisplay: number }>;
    leadsByChannel: Record<string, number>;
    budgetByChannel: Record<string, number>;
    budget: number;
  };
}

/** A plan as sent over HTTP: an unbounded CAC becomes `cac: null` with `cacUnbounded: true`. */
export type PublicPlanResult = Omit<PlanResult, 'ltvBound'> & {
  ltvBound: Omit<LtvBoundResult, 'channels'> & { channels: (ChannelCacCheck & { cacUnbounded: boolean })[] };
};

/** The body of a 200 answer of POST /api/plan. */
export interface PlanResponse {
  attributionModel: string;
  ltvBoundMode: LtvBoundMode;
  knownChannels: string[];
  /** The month of as_of, 'YYYY-MM-01'; null when the warehouse has no actuals. */
  asOfMonth: string | null;
  plan: PublicPlanResult;
  ltvBoundedPlan: PublicPlanResult;
  /** The rows of the `plan` view (marts.plan_requirements), `fiscal_month` as 'YYYY-MM-01'. */
  rows: Record<string, string | number | boolean | null>[];
}
