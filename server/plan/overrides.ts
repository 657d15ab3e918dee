/*
 * The what-if of POST /api/plan: merges a body of overrides
 * (planRequestSchema, server/contract/plan.ts) over the observed inputs.
 * Scalars and fiscalMonths replace (fiscalPeriod keeps the observed months
 * from its start to its end instead; fiscalMonths wins over it) (a month sent without newRevenueTarget
 * is planned as revenue target − recurring forecast; without renewalsDue
 * it keeps the observed renewals due of that month); conversionRates, velocityDays,
 * channelCpl and channelCac merge key by key; channelMix replaces the whole
 * mix (a mix must sum to 1). The merged input is then validated whole by
 * the engine (computePlan), which names what the data could not supply.
 */
import type { AttributionModel } from '../contract/attribution.js';
import { type FieldError, type LtvBoundMode, planRequestSchema, validateWith } from '../contract/plan.js';
import type { ObservedPlan } from './observed.js';

export interface PlanRequest {
  /** The merged input, validated by the engine next. */
  input: Record<string, unknown>;
  attributionModel: AttributionModel;
  ltvBoundMode: LtvBoundMode;
}

export function applyOverrides(
  observed: ObservedPlan,
  body: unknown,
): { ok: true; value: PlanRequest } | { ok: false; errors: FieldError[] } {
  const parsed = validateWith(planRequestSchema({ knownChannels: observed.knownChannels }), body ?? {});
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const attributionModel = o.attributionModel ?? observed.attributionModel;
  const base = observed.input;
  const input = {
    fiscalMonths:
      o.fiscalMonths?.map((m) => ({
        ...m,
        renewalsDue: m.renewalsDue ?? observed.renewalsDue[m.month],
      })) ??
      (o.fiscalPeriod
        ? base.fiscalMonths?.filter((m) => m.month >= o.fiscalPeriod!.start && m.month <= o.fiscalPeriod!.end)
        : base.fiscalMonths),
    averageDealSize: o.averageDealSize ?? base.averageDealSize,
    renewalRate: o.renewalRate ?? base.renewalRate,
    expansionPerMonth: o.expansionPerMonth ?? base.expansionPerMonth,
    conversionRates: { ...base.conversionRates, ...o.conversionRates },
    velocityDays: { ...base.velocityDays, ...o.velocityDays },
    channelMix: o.channelMix ?? base.channelMix,
    channelCpl: { ...base.channelCpl, ...o.channelCpl },
    channelCac: { ...(observed.cacByModel[attributionModel] ?? {}), ...o.channelCac },
    ltv: o.ltv ?? base.ltv,
    ltvCacTarget: o.ltvCacTarget ?? base.ltvCacTarget,
    teamCostPerCustomer: o.teamCostPerCustomer ?? base.teamCostPerCustomer,
  };
  return { ok: true, value: { input, attributionModel, ltvBoundMode: o.ltvBoundMode ?? 'exclude' } };
}
