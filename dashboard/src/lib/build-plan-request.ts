/*
 * What the plan form's edits mean for POST /api/plan. The form keeps only
 * what the user changed (`PlanOverrides`); everything else stays the
 * server's observed value. A new revenue target for the period scales each
 * month's target in proportion (months without a target share it evenly),
 * and a month's new-business target (`newRevenueTarget`) by the same factor,
 * so the plan keeps starting from new business (docs/metrics.md, 11);
 * an edited channel mix is normalised to sum to 1, so one share can be
 * changed without balancing the others by hand.
 */
import type { PlanRequestBody } from '../api/plan-api';
import { compareKeys } from './compare-keys';

/** The edits the form keeps: the request's fields (server/contract/plan.ts) plus one total revenue target. */
export type PlanOverrides = Pick<
  PlanRequestBody,
  'averageDealSize' | 'conversionRates' | 'velocityDays' | 'channelMix' | 'channelCpl' | 'ltvCacTarget'
> & {
  /** The revenue target of the whole period, spread over the months. */
  revenueTarget?: number;
};

export type MonthTarget = NonNullable<PlanRequestBody['fiscalMonths']>[number];

export function scaleTargets(months: MonthTarget[], total: number): MonthTarget[] {
  const sum = months.reduce((s, m) => s + m.revenueTarget, 0);
  if (months.length === 0) return [];
  if (sum <= 0) return months.map((m) => ({ month: m.month, revenueTarget: total / months.length }));
  const factor = total / sum;
  return months.map((m) => ({
    ...m,
    revenueTarget: m.revenueTarget * factor,
    ...(m.newRevenueTarget !== undefined ? { newRevenueTarget: m.newRevenueTarget * factor } : {}),
  }));
}

/** The period's months from `targets` rows of the metrics revenue and new_revenue. */
export function monthTargets(rows: { month: string; metric: string; target: number | null }[]): MonthTarget[] {
  const byMonth = new Map<string, MonthTarget>();
  for (const r of rows) {
    const m = byMonth.get(r.month) ?? { month: r.month, revenueTarget: 0 };
    if (r.metric === 'revenue') m.revenueTarget = r.target ?? 0;
    else if (r.metric === 'new_revenue' && r.target !== null) m.newRevenueTarget = r.target;
    byMonth.set(r.month, m);
  }
  return [...byMonth.values()].sort((a, b) => compareKeys(a.month, b.month));
}

export function normaliseMix(mix: Record<string, number>): Record<string, number> {
  const sum = Object.values(mix).reduce((s, v) => s + (Number.isFinite(v) && v > 0 ? v : 0), 0);
  if (sum <= 0) return mix;
  return Object.fromEntries(Object.entries(mix).map(([c, v]) => [c, Number.isFinite(v) && v > 0 ? v / sum : 0]));
}

export function buildPlanRequest(months: MonthTarget[], overrides: PlanOverrides): PlanRequestBody {
  const body: PlanRequestBody = {
    fiscalMonths: overrides.revenueTarget !== undefined ? scaleTargets(months, overrides.revenueTarget) : months,
  };
  if (overrides.averageDealSize !== undefined) body.averageDealSize = overrides.averageDealSize;
  if (overrides.conversionRates && Object.keys(overrides.conversionRates).length > 0)
    body.conversionRates = { ...overrides.conversionRates };
  if (overrides.velocityDays && Object.keys(overrides.velocityDays).length > 0) body.velocityDays = { ...overrides.velocityDays };
  if (overrides.channelMix && Object.keys(overrides.channelMix).length > 0) body.channelMix = normaliseMix(overrides.channelMix);
  if (overrides.channelCpl && Object.keys(overrides.channelCpl).length > 0) body.channelCpl = { ...overrides.channelCpl };
  if (overrides.ltvCacTarget !== undefined) body.ltvCacTarget = overrides.ltvCacTarget;
  return body;
}

export function countOverrides(o: PlanOverrides): number {
  return (
    (o.revenueTarget !== undefined ? 1 : 0) +
    (o.averageDealSize !== undefined ? 1 : 0) +
    Object.keys(o.conversionRates ?? {}).length +
    Object.keys(o.velocityDays ?? {}).length +
    (o.channelMix && Object.keys(o.channelMix).length > 0 ? 1 : 0) +
    Object.keys(o.channelCpl ?? {}).length +
    (o.ltvCacTarget !== undefined ? 1 : 0)
  );
}
