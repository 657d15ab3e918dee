/*
 * The reverse plan 受注から逆算 (contract definition 11) as a mart, and the
 * code POST /api/plan shares with it, so that the view and the API run the
 * same engine (server/engine/reverse-plan.ts) on the same observed inputs.
 *
 * Pipeline (both callers):
 *   PLAN_INPUTS_SQL, PLAN_ACTUALS_SQL  → rows read from the warehouse
 *   observedPlan(rows)                 → the engine's PlanInput from the
 *                                        observed figures (plan_inputs.sql)
 *   applyOverrides(observed, body)     → the API's what-if (the mart: none)
 *   computePlan(...)                   → the engine twice: as observed, and
 *                                        re-solved within the LTV-based CAC
 *                                        bound (solveWithinLtvBound), and the
 *                                        rows of marts.plan_requirements
 *
 * Rows (marts.plan_requirements, behind the `plan` view): one per needed-by month (fiscal_month), funnel stage
 * and channel. Stages after `lead` have channel '(all)'; the lead stage is
 * split per channel (its mix), so every row is additive: summing `required`
 * over the channels of `lead` gives the lead requirement. `actual` is the
 * stage volume (lead grain) or the channel's first-touch leads of the month,
 * known up to the month of as_of (null after); gap = actual − required
 * (negative = shortfall); months before the first lead of the data have no
 * actual either. `ltv_bounded_*` are the lead rows under the mix
 * re-solved within the CAC bound (requirements per stage do not change,
 * only the mix and so the budget). The rates, velocities, deal size, CPL,
 * CAC and bound the engine used sit on every row.
 *
 * CAC per channel comes from one attribution model (default w_shaped: the
 * B2B full-funnel model crediting first touch, lead creation and opportunity
 * creation alike). A channel that spent money and earned no attributed win
 * has an unbounded CAC; the engine takes finite numbers only, so it is
 * passed as Number.MAX_VALUE (always over the bound) and shown as null with
 * is_cac_unbounded.
 *
 * Limits: the engine's six default funnel stages; if the observed inputs are
 * incomplete (no won `new` deal in the trailing 12 months, a link that never
 * converted), the mart is left empty and the build logs why, and the API
 * answers 400 naming the missing field until the caller supplies it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ATTRIBUTION_MODELS,
  type AttributionModel,
  isAttributionModel,
} from '../../../server/engine/attribution-weights.js';
import { FUNNEL_STAGES, type FunnelStage, STAGE_LINKS, type StageLink } from '../../../server/engine/funnel.js';
import {
  type FieldError,
  type PlanInput,
  type PlanResult,
  reversePlan,
  validatePlanInput,
  type LtvBoundMode,
} from '../../../server/engine/reverse-plan.js';
import { writeTable, type Column, type Row } from './attribution_markov.js';

export const dependsOn = ['plan_inputs', 'plan_actuals'];

export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'w_shaped';
export const UNBOUNDED_CAC = Number.MAX_VALUE;
export const ALL_CHANNELS = '(all)';

/** Schema-qualified, so they run on any connection to the warehouse (Cube's driver included). */
export const PLAN_INPUTS_SQL =
  'select input, model, key, value, is_unbounded from marts.plan_inputs order by input, model, key';
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
  stageActuals: ActualRow[];
  channelActuals: ActualRow[];
  /** Last month with actuals (the month of as_of), 'YYYY-MM-01'. */
  asOfMonth: string | null;
  /** First month with actuals (the first lead's), 'YYYY-MM-01'. */
  firstActualMonth: string | null;
}

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
};
const isLink = (key: string): key is StageLink => (STAGE_LINKS as readonly string[]).includes(key);
const bool = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';

/** Normalises driver rows (DuckDB node-api, or Cube's driver) to InputRow. */
export function toInputRows(rows: readonly Record<string, unknown>[]): InputRow[] {
  return rows.map((r) => ({
    input: String(r.input),
    model: r.model === null || r.model === undefined ? null : String(r.model),
    key: r.key === null || r.key === undefined ? null : String(r.key),
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
  const knownChannels = new Set<string>();
  const input: ObservedPlan['input'] = { conversionRates, velocityDays, channelMix, channelCpl };
  for (const r of inputRows) {
    const key = r.key ?? '';
    switch (r.input) {
      case 'conversion_rate':
        if (r.value !== null && isLink(key)) conversionRates[key] = r.value;
        break;
      case 'velocity_days':
        if (r.value !== null && isLink(key)) velocityDays[key] = r.value;
        break;
      case 'channel_mix':
        if (r.value !== null) channelMix[key] = r.value;
        knownChannels.add(key);
        break;
      case 'channel_cpl':
        if (r.value !== null) channelCpl[key] = r.value;
        knownChannels.add(key);
        break;
      case 'channel_cac': {
        const model = r.model ?? DEFAULT_ATTRIBUTION_MODEL;
        const cac = r.is_unbounded ? UNBOUNDED_CAC : r.value;
        if (cac !== null) (cacByModel[model] ??= {})[key] = cac;
        knownChannels.add(key);
        break;
      }
      case 'average_deal_size':
        if (r.value !== null) input.averageDealSize = r.value;
        break;
      case 'ltv':
        if (r.value !== null) input.ltv = r.value;
        break;
      case 'ltv_cac_target':
        if (r.value !== null) input.ltvCacTarget = r.value;
        break;
      case 'revenue_target':
        if (r.value !== null) revenueTargets[key] = r.value;
        break;
      case 'known_channel':
        knownChannels.add(key);
        break;
    }
  }
  input.fiscalMonths = Object.entries(revenueTargets)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, revenueTarget]) => ({ month, revenueTarget }));
  input.channelCac = { ...(cacByModel[attributionModel] ?? {}) };
  const stageActuals = actualRows.filter((a) => a.channel === ALL_CHANNELS);
  const channelActuals = actualRows.filter((a) => a.channel !== ALL_CHANNELS);
  const months = actualRows.map((a) => a.month).sort();
  return {
    input,
    cacByModel,
    attributionModel,
    knownChannels: [...knownChannels].sort(),
    revenueTargets,
    stageActuals,
    channelActuals,
    asOfMonth: months.length ? months[months.length - 1]! : null,
    firstActualMonth: months.length ? months[0]! : null,
  };
}

/** The fields POST /api/plan accepts (see docs/plan-api.md). */
export interface PlanOverrides {
  fiscalMonths?: unknown;
  averageDealSize?: unknown;
  conversionRates?: unknown;
  velocityDays?: unknown;
  channelMix?: unknown;
  channelCpl?: unknown;
  channelCac?: unknown;
  ltv?: unknown;
  ltvCacTarget?: unknown;
  attributionModel?: unknown;
  ltvBoundMode?: unknown;
}

export const OVERRIDE_FIELDS = [
  'fiscalMonths',
  'averageDealSize',
  'conversionRates',
  'velocityDays',
  'channelMix',
  'channelCpl',
  'channelCac',
  'ltv',
  'ltvCacTarget',
  'attributionModel',
  'ltvBoundMode',
] as const;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export interface PlanRequest {
  input: Record<string, unknown>;
  attributionModel: AttributionModel;
  ltvBoundMode: LtvBoundMode;
}

/**
 * Merges a what-if body over the observed inputs: scalars and fiscalMonths
 * replace, conversionRates / velocityDays / channelCpl / channelCac merge key
 * by key, channelMix replaces the whole mix (a mix must sum to 1). Returns
 * field-named errors for what the engine's validation cannot see (unknown
 * fields, non-object overrides, an unknown attribution model).
 */
export function applyOverrides(
  observed: ObservedPlan,
  body: unknown,
): { ok: true; value: PlanRequest } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const raw = body === undefined || body === null ? {} : body;
  if (!isRecord(raw)) return { ok: false, errors: [{ field: '', message: 'expected a JSON object' }] };
  for (const k of Object.keys(raw)) {
    if (!(OVERRIDE_FIELDS as readonly string[]).includes(k)) errors.push({ field: k, message: 'unknown field' });
  }
  let attributionModel = observed.attributionModel;
  if (raw.attributionModel !== undefined) {
    if (isAttributionModel(raw.attributionModel)) attributionModel = raw.attributionModel;
    else errors.push({ field: 'attributionModel', message: `must be one of ${ATTRIBUTION_MODELS.join(', ')}` });
  }
  let ltvBoundMode: LtvBoundMode = 'exclude';
  if (raw.ltvBoundMode !== undefined) {
    if (raw.ltvBoundMode === 'exclude' || raw.ltvBoundMode === 'reduce') ltvBoundMode = raw.ltvBoundMode;
    else errors.push({ field: 'ltvBoundMode', message: "must be 'exclude' or 'reduce'" });
  }
  const merged = (name: 'conversionRates' | 'velocityDays' | 'channelCpl' | 'channelCac', base: Record<string, number>) => {
    const o = raw[name];
    if (o === undefined) return { ...base };
    if (!isRecord(o)) {
      errors.push({ field: name, message: 'expected an object of overrides' });
      return { ...base };
    }
    return { ...base, ...o };
  };
  const input: Record<string, unknown> = {
    fiscalMonths: raw.fiscalMonths !== undefined ? raw.fiscalMonths : observed.input.fiscalMonths,
    averageDealSize: raw.averageDealSize !== undefined ? raw.averageDealSize : observed.input.averageDealSize,
    conversionRates: merged('conversionRates', observed.input.conversionRates),
    velocityDays: merged('velocityDays', observed.input.velocityDays),
    channelMix: raw.channelMix !== undefined ? raw.channelMix : observed.input.channelMix,
    channelCpl: merged('channelCpl', observed.input.channelCpl),
    channelCac: merged('channelCac', observed.cacByModel[attributionModel] ?? {}),
    ltv: raw.ltv !== undefined ? raw.ltv : observed.input.ltv,
    ltvCacTarget: raw.ltvCacTarget !== undefined ? raw.ltvCacTarget : observed.input.ltvCacTarget,
  };
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { input, attributionModel, ltvBoundMode } };
}

export const PLAN_COLUMNS: Column[] = [
  { name: 'plan_row_id', type: 'varchar' },
  { name: 'fiscal_month', type: 'timestamp' },
  { name: 'stage', type: 'varchar' },
  { name: 'stage_order', type: 'integer' },
  { name: 'channel', type: 'varchar' },
  { name: 'required', type: 'double' },
  { name: 'actual', type: 'double' },
  { name: 'gap', type: 'double' },
  { name: 'required_budget', type: 'double' },
  { name: 'ltv_bounded_required', type: 'double' },
  { name: 'ltv_bounded_budget', type: 'double' },
  { name: 'revenue_target', type: 'double' },
  { name: 'conversion_rate', type: 'double' },
  { name: 'velocity_days', type: 'double' },
  { name: 'cumulative_velocity_days', type: 'double' },
  { name: 'offset_months', type: 'integer' },
  { name: 'average_deal_size', type: 'double' },
  { name: 'channel_share', type: 'double' },
  { name: 'ltv_bounded_channel_share', type: 'double' },
  { name: 'channel_cpl', type: 'double' },
  { name: 'channel_cac', type: 'double' },
  { name: 'is_cac_unbounded', type: 'boolean' },
  { name: 'allowable_cac', type: 'double' },
  { name: 'is_over_allowable_cac', type: 'boolean' },
  { name: 'ltv', type: 'double' },
  { name: 'ltv_cac_target', type: 'double' },
  { name: 'attribution_model', type: 'varchar' },
];

export interface PlanRow {
  plan_row_id: string;
  /** 'YYYY-MM-01': the month the requirement must arrive in. */
  fiscal_month: string;
  stage: FunnelStage;
  stage_order: number;
  channel: string;
  required: number;
  actual: number | null;
  gap: number | null;
  required_budget: number;
  ltv_bounded_required: number;
  ltv_bounded_budget: number;
  revenue_target: number | null;
  conversion_rate: number | null;
  velocity_days: number | null;
  cumulative_velocity_days: number;
  offset_months: number;
  average_deal_size: number;
  channel_share: number | null;
  ltv_bounded_channel_share: number | null;
  channel_cpl: number | null;
  channel_cac: number | null;
  is_cac_unbounded: boolean | null;
  allowable_cac: number;
  is_over_allowable_cac: boolean | null;
  ltv: number;
  ltv_cac_target: number;
  attribution_model: string;
}

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
  const targets = new Map(plan.requirements.filter((r) => r.stage === 'won').map((r) => [r.targetMonth, 0]));
  for (const fm of (request.input.fiscalMonths as { month: string; revenueTarget: number }[]) ?? []) {
    if (targets.has(fm.month)) targets.set(fm.month, (targets.get(fm.month) ?? 0) + fm.revenueTarget);
  }
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
      ltv: bound.ltv,
      ltv_cac_target: bound.ltvCacTarget,
      attribution_model: request.attributionModel,
    };
  };
  const known = (month: string) =>
    observed.asOfMonth !== null && observed.firstActualMonth !== null && month >= observed.firstActualMonth && month <= observed.asOfMonth;
  const rows: PlanRow[] = [];
  for (const s of plan.schedule) {
    if (s.stage === 'lead') continue;
    rows.push({
      plan_row_id: `${s.month}|${s.stage}|${ALL_CHANNELS}`,
      fiscal_month: s.month,
      channel: ALL_CHANNELS,
      required: s.required,
      actual: s.actual,
      gap: s.gap,
      required_budget: 0,
      ltv_bounded_required: s.required,
      ltv_bounded_budget: 0,
      revenue_target: s.stage === 'won' ? (targets.get(s.month) ?? null) : null,
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
  const leadRows = new Map<string, { month: string; channel: string; required: number; budget: number; bRequired: number; bBudget: number }>();
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
      channel: r.channel,
      required: r.required,
      actual,
      gap: actual === null ? null : actual - r.required,
      required_budget: r.budget,
      ltv_bounded_required: r.bRequired,
      ltv_bounded_budget: r.bBudget,
      revenue_target: null,
      channel_share: a.channelMix[r.channel] ?? 0,
      ltv_bounded_channel_share: bMix[r.channel] ?? 0,
      channel_cpl: a.channelCpl[r.channel] ?? null,
      channel_cac: cac === null || cac >= UNBOUNDED_CAC ? null : cac,
      is_cac_unbounded: cac === null ? null : cac >= UNBOUNDED_CAC,
      is_over_allowable_cac: check ? check.withinBound === null ? null : !check.withinBound : null,
      ...common('lead'),
    });
  }
  return rows.sort(
    (x, y) => x.fiscal_month.localeCompare(y.fiscal_month) || x.stage_order - y.stage_order || x.channel.localeCompare(y.channel),
  );
}

/** JSON-safe engine result: an unbounded CAC becomes null with `cacUnbounded: true`. */
export function publicPlanResult(result: PlanResult): unknown {
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

export async function readObservedPlan(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  attributionModel?: AttributionModel,
): Promise<ObservedPlan> {
  const inputs = toInputRows(await query(PLAN_INPUTS_SQL));
  const actuals = toActualRows(await query(PLAN_ACTUALS_SQL));
  return observedPlan(inputs, actuals, attributionModel);
}

export async function build(conn: DuckDBConnection): Promise<void> {
  const observed = await readObservedPlan(async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]);
  const request = applyOverrides(observed, {});
  let rows: PlanRow[] = [];
  if (request.ok) {
    const computed = computePlan(observed, request.value);
    if (computed.ok) rows = computed.value.rows;
    else {
      console.warn(
        `plan: observed inputs are incomplete, marts.plan_requirements left empty: ${computed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      );
    }
  }
  await writeTable(
    conn,
    'marts',
    'plan_requirements',
    PLAN_COLUMNS,
    rows.map((r) => ({ ...r, fiscal_month: `${r.fiscal_month} 00:00:00` }) as Row),
  );
}
