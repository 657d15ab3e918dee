/*
 * POST /api/plan: the reverse plan (受注から逆算) with what-if overrides,
 * computed on the server by the same engine as the `plan` view. The request
 * is the contract's (server/contract/plan.ts, validated there by the
 * server), and so is the response (server/contract/plan-result.ts).
 */
// From each contract module, not the index: plan.ts builds its zod schemas as it loads, and the page needs only types
// from it.
import { FUNNEL_STAGES, type FunnelStage, STAGE_LINKS, type StageLink } from '../../../server/contract/funnel';
import type { PlanRequestBody } from '../../../server/contract/plan';
import type { PlanResponse, PublicPlanResult } from '../../../server/contract/plan-result';
import { apiRequest } from './revcycle-api';

export { FUNNEL_STAGES, type FunnelStage, type PlanRequestBody, type PlanResponse, STAGE_LINKS, type StageLink };

/** The part of the answer the plan page reads. */
export type PlanResultBody = PublicPlanResult;

export function requestPlan(body: PlanRequestBody, signal?: AbortSignal): Promise<PlanResponse> {
  return apiRequest<PlanResponse>('/api/plan', { method: 'POST', body, signal });
}
