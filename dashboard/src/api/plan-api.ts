/*
 * POST /api/plan: the reverse plan (受注から逆算) with what-if overrides,
 * computed on the server by the same engine as the `plan` view. The request
 * is the contract's (server/contract/plan.ts, validated there by the
 * server); the types below are the parts of the response the plan page
 * reads (see server/engine/reverse-plan.ts for the whole shape).
 */
import { FUNNEL_STAGES, type FunnelStage, type PlanRequestBody, STAGE_LINKS, type StageLink } from '../../../server/contract';
import { apiRequest } from './revcycle-api';

export { FUNNEL_STAGES, type FunnelStage, type PlanRequestBody, STAGE_LINKS, type StageLink };

export interface PlanResultBody {
  assumptions: {
    averageDealSize: number;
    conversionRates: Record<StageLink, number>;
    velocityDays: Record<StageLink, number>;
    offsetMonths: Record<FunnelStage, number>;
    channelMix: Record<string, number>;
    channelMixInput: Record<string, number>;
    channelCpl: Record<string, number>;
  };
  schedule: {
    month: string;
    stage: FunnelStage;
    required: number;
    requiredDisplay: number;
    actual: number | null;
    gap: number | null;
    attainment: number | null;
  }[];
  channels: { channel: string; share: number; leads: number; cpl: number; budget: number }[];
  ltvBound: {
    ltv: number;
    ltvCacTarget: number;
    allowableCac: number;
    channels: { channel: string; cac: number | null; cacUnbounded?: boolean; withinBound: boolean | null }[];
    flagged: string[];
    applied: boolean;
    feasible: boolean;
    note: string | null;
  };
  totals: {
    revenueTarget: number;
    byStage: Record<FunnelStage, { required: number; requiredDisplay: number }>;
    leadsByChannel: Record<string, number>;
    budgetByChannel: Record<string, number>;
    budget: number;
  };
}

export interface PlanResponse {
  attributionModel: string;
  ltvBoundMode: string;
  knownChannels: string[];
  asOfMonth: string;
  plan: PlanResultBody;
  ltvBoundedPlan: PlanResultBody;
}

export function requestPlan(body: PlanRequestBody, signal?: AbortSignal): Promise<PlanResponse> {
  return apiRequest<PlanResponse>('/api/plan', { method: 'POST', body, signal });
}
