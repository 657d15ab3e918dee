/*
 * The reverse plan's observed inputs: reads marts.plan_inputs and
 * marts.plan_actuals (the trailing-12-month rates, velocities, deal size,
 * mix, CPL, CAC per attribution model, LTV, people and overhead per new
 * customer (what the allowable CAC leaves for program spend), revenue and new-revenue targets,
 * renewals due, renewal rate, expansion, and actuals) and turns
 * them into the engine's PlanInput. Shared by the plan mart
 * (model/warehouse/marts/plan_requirements.ts) and POST /api/plan, so both
 * plan from the same figures.
 *
 * A channel that spent money and earned no attributed win has an unbounded
 * CAC; the engine takes finite numbers only, so it is passed as
 * UNBOUNDED_CAC (Number.MAX_VALUE, always over the bound).
 *
 * Limits: fields the data has no value for are left out of `input` (the
 * engine's validation then names them).
 */
import { type AttributionModel, DEFAULT_ATTRIBUTION_MODEL } from '../contract/attribution.js';
import { STAGE_LINKS, type StageLink } from '../contract/funnel.js';
import type { PlanInput } from '../contract/plan.js';

export const UNBOUNDED_CAC = Number.MAX_VALUE;
/** The channel of the plan rows of stages after `lead`. */
export const ALL_CHANNELS = '(all)';

/** Schema-qualified, so they run on any connection to the warehouse (Cube's driver included). */
export const PLAN_INPUTS_SQL = 'select input, model, key, value, is_unbounded from marts.plan_inputs order by input, model, key';
export const PLAN_ACTUALS_SQL =
  "select strftime(month, '%Y-%m-01') as month, stage, channel, value from marts.plan_actuals order by month, stage, channel";

export interface InputRow {
  input: string;
  model: string | null;
  key: string | null;
  value: number | null;
  is_unbounded: boolean;
}
export interface ActualRow {
  month: string;
  stage: string;
  channel: string;
  value: number;
}

export interface ObservedPlan {
  /** Observed inputs; fields may be missing when the data has no value for them. */
  input: Partial<PlanInput> & Pick<PlanInput, 'conversionRates' | 'velocityDays' | 'channelMix' | 'channelCpl'>;
  /** channel_cac per attribution model (unbounded → UNBOUNDED_CAC). */
  cacByModel: Record<string, Record<string, number>>;
  attributionModel: AttributionModel;
  knownChannels: string[];
  revenueTargets: Record<string, number>;
  newRevenueTargets: Record<string, number>;
  renewalsDue: Record<string, number>;
  stageActuals: ActualRow[];
  channelActuals: ActualRow[];
  /** Last month with actuals (the month of as_of), 'YYYY-MM-01'. */
  asOfMonth: string | null;
  /** First month with actuals (the first lead's), 'YYYY-MM-01'. */
  firstActualMonth: string | null;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const isLink = (key: string): key is StageLink => (STAGE_LINKS as readonly string[]).includes(key);
const bool = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Normalises driver rows (DuckDB node-api, or Cube's driver) to InputRow. */
export function toInputRows(rows: readonly Record<string, unknown>[]): InputRow[] {
  return rows.map((r) => ({
    input: String(r.input),
    model: text(r.model),
    key: text(r.key),
    value: num(r.value),
    is_unbounded: bool(r.is_unbounded),
  }));
}

export function toActualRows(rows: readonly Record<string, unknown>[]): ActualRow[] {
  return rows.map((r) => ({
    month: String(r.month).slice(0, 10),
    stage: String(r.stage),
    channel: String(r.channel),
    value: num(r.value) ?? 0,
  }));
}

export function observedPlan(
  inputRows: readonly InputRow[],
  actualRows: readonly ActualRow[],
  attributionModel: AttributionModel = DEFAULT_ATTRIBUTION_MODEL,
): ObservedPlan {
  const conversionRates = {} as Record<StageLink, number>;
  const velocityDays = {} as Record<StageLink, number>;
  const channelMix: Record<string, number> = {};
  const channelCpl: Record<string, number> = {};
  const cacByModel: Record<string, Record<string, number>> = {};
  const revenueTargets: Record<string, number> = {};
  const newRevenueTargets: Record<string, number> = {};
  const renewalsDue: Record<string, number> = {};
  const knownChannels = new Set<string>();
  const input: ObservedPlan['input'] = { conversionRates, velocityDays, channelMix, channelCpl };
  // Inputs that are one number, and inputs that are one number per channel or month (marts.plan_inputs' `input`).
  const scalar: Record<string, keyof typeof input> = {
    average_deal_size: 'averageDealSize',
    ltv: 'ltv',
    ltv_cac_target: 'ltvCacTarget',
    team_cost_per_customer: 'teamCostPerCustomer',
    renewal_rate: 'renewalRate',
    expansion_per_month: 'expansionPerMonth',
  };
  const keyed: Record<string, Record<string, number>> = {
    channel_mix: channelMix,
    channel_cpl: channelCpl,
    revenue_target: revenueTargets,
    new_revenue_target: newRevenueTargets,
    renewals_due: renewalsDue,
  };
  for (const r of inputRows) {
    const key = r.key ?? '';
    if (r.input === 'channel_mix' || r.input === 'channel_cpl' || r.input === 'channel_cac' || r.input === 'known_channel')
      knownChannels.add(key);
    if (r.input === 'channel_cac') {
      const model = r.model ?? DEFAULT_ATTRIBUTION_MODEL;
      const cac = r.is_unbounded ? UNBOUNDED_CAC : r.value;
      if (cac !== null) (cacByModel[model] ??= {})[key] = cac;
    }
    if (r.value === null) continue;
    if (Object.hasOwn(scalar, r.input)) (input as Record<string, unknown>)[scalar[r.input]!] = r.value;
    else if (Object.hasOwn(keyed, r.input)) keyed[r.input]![key] = r.value;
    else if ((r.input === 'conversion_rate' || r.input === 'velocity_days') && isLink(key))
      (r.input === 'conversion_rate' ? conversionRates : velocityDays)[key] = r.value;
  }
  input.fiscalMonths = Object.entries(revenueTargets)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, revenueTarget]) => ({
      month,
      revenueTarget,
      ...(month in newRevenueTargets ? { newRevenueTarget: newRevenueTargets[month] } : {}),
      ...(month in renewalsDue ? { renewalsDue: renewalsDue[month] } : {}),
    }));
  input.channelCac = { ...(cacByModel[attributionModel] ?? {}) };
  const months = actualRows.map((a) => a.month).sort();
  return {
    input,
    cacByModel,
    attributionModel,
    knownChannels: [...knownChannels].sort(),
    revenueTargets,
    newRevenueTargets,
    renewalsDue,
    stageActuals: actualRows.filter((a) => a.channel === ALL_CHANNELS),
    channelActuals: actualRows.filter((a) => a.channel !== ALL_CHANNELS),
    asOfMonth: months.length ? months[months.length - 1]! : null,
    firstActualMonth: months.length ? months[0]! : null,
  };
}

/** Reads the observed plan through any query function (the build's connection, or Cube's driver). */
export async function readObservedPlan(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  attributionModel?: AttributionModel,
): Promise<ObservedPlan> {
  const inputs = toInputRows(await query(PLAN_INPUTS_SQL));
  const actuals = toActualRows(await query(PLAN_ACTUALS_SQL));
  return observedPlan(inputs, actuals, attributionModel);
}
