/*
 * marts.plan_requirements, behind the `plan` view: the reverse plan 受注から逆算
 * (docs/metrics.md, definition 11) on the observed inputs, one row per
 * needed-by month, stage and channel. The reading, the engine runs and the
 * row layout live in server/plan/, which POST /api/plan shares.
 *
 * Limits: if the observed inputs are incomplete (no won `new` deal in the
 * trailing 12 months, a link that never converted), the table is left empty
 * and the build logs why.
 */
import type { ModelContext } from '../../../server/warehouse/run-models.js';
import { applyOverrides, computePlan, PLAN_COLUMNS, type PlanRow, readObservedPlan } from '../../../server/plan/index.js';

export const dependsOn = ['plan_inputs', 'plan_actuals'];
export const columns = PLAN_COLUMNS;

export async function model(ctx: ModelContext): Promise<PlanRow[]> {
  const observed = await readObservedPlan(ctx.query);
  const request = applyOverrides(observed, {});
  const computed = request.ok ? computePlan(observed, request.value) : request;
  if (computed.ok) return computed.value.rows;
  ctx.log(`observed inputs are incomplete, left empty: ${computed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return [];
}
