/*
 * The reverse plan's input contract (docs/metrics.md, definition 11;
 * docs/plan-api.md for the wire format), as zod schemas written once and
 * used by the engine (server/engine/reverse-plan.ts: the complete input),
 * the API (server/plan/overrides.ts: a body of optional overrides) and the
 * dashboard (dashboard/src/api/plan-api.ts: the request type).
 * Browser-safe: the dashboard bundles this file.
 *
 * Every rule on a value (a rate in (0, 1], days ≥ 0, …) is declared once in
 * FIELD below; `planInputSchema` requires every field, `planRequestSchema`
 * makes each optional and merges nothing. Errors are `{ field, message }`
 * with the field as a path (`fiscalMonths[0].month`, `channelMix.seo`).
 *
 * Limits: the channels a plan may name are known only at run time (the
 * warehouse's channels), so both schemas are built per call from
 * `knownChannels`; without it any channel name is accepted.
 */
import { z } from 'zod';
import { ATTRIBUTION_MODELS } from './attribution.js';
import { FUNNEL_STAGES, type FunnelStage, isMonthStart, STAGE_LINKS, type StageLink } from './funnel.js';

/** A channel mix may sum to 1 ± this; the engine divides it by its sum. */
export const MIX_TOLERANCE = 0.001;

export const LTV_BOUND_MODES = ['exclude', 'reduce'] as const;
export type LtvBoundMode = (typeof LTV_BOUND_MODES)[number];

export interface FieldError {
  field: string;
  message: string;
}

export interface SchemaOptions {
  /** When given, channels outside this list are errors. */
  knownChannels?: readonly string[];
}

/** A finite number passing `ok`; one message whatever is wrong, 'missing' when absent. */
const finite = (message: string, ok: (v: number) => boolean) =>
  z.number({ error: (issue) => (issue.input === undefined ? 'missing' : message) }).refine(ok, { error: message });

const MONTH_MESSAGE = "expected a month start 'YYYY-MM-01'";
const month = z.custom<string>(isMonthStart, { error: MONTH_MESSAGE });

/** The rule of each value, once. */
const FIELD = {
  revenueTarget: finite('must be a finite number ≥ 0', (v) => v >= 0),
  newRevenueTarget: finite('must be a finite number ≥ 0', (v) => v >= 0),
  renewalsDue: finite('must be a finite number ≥ 0', (v) => v >= 0),
  renewalRate: finite('must be a finite number ≥ 0', (v) => v >= 0),
  expansionPerMonth: finite('must be a finite number ≥ 0', (v) => v >= 0),
  averageDealSize: finite('must be a finite number > 0', (v) => v > 0),
  conversionRate: finite('rate must be in (0, 1]', (v) => v > 0 && v <= 1),
  velocityDays: finite('days must be ≥ 0', (v) => v >= 0),
  share: finite('share must be in [0, 1]', (v) => v >= 0 && v <= 1),
  cpl: finite('CPL must be ≥ 0', (v) => v >= 0),
  cac: finite('CAC must be ≥ 0', (v) => v >= 0),
  actual: finite('must be a finite number ≥ 0', (v) => v >= 0),
  ltv: finite('must be a finite number ≥ 0', (v) => v >= 0),
  ltvCacTarget: finite('must be a finite number > 0', (v) => v > 0),
  teamCostPerCustomer: finite('must be a finite number ≥ 0', (v) => v >= 0),
  attributionModel: z.enum(ATTRIBUTION_MODELS, { error: `must be one of ${ATTRIBUTION_MODELS.join(', ')}` }),
  ltvBoundMode: z.enum(LTV_BOUND_MODES, { error: `must be ${LTV_BOUND_MODES.map((m) => `'${m}'`).join(' or ')}` }),
  solveWithinLtvBound: z.boolean({ error: 'must be a boolean' }),
};

const LINK_LIST = STAGE_LINKS.join(', ');

/** `{ link: value }` over the five stage links; unknown keys are errors. */
const linkRecord = (value: z.ZodType<number, number>) =>
  z.strictObject(Object.fromEntries(STAGE_LINKS.map((l) => [l, value])) as Record<StageLink, z.ZodType<number, number>>, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown stage key (expected one of ${LINK_LIST})`
        : `expected an object with keys ${LINK_LIST}`,
  });

/** `{ channel: value }`; a channel outside `knownChannels` is an error. */
const channelRecord = (value: z.ZodType<number, number>, options: SchemaOptions) => {
  const known = options.knownChannels ? new Set(options.knownChannels) : null;
  return z.record(
    z.string().refine((c) => !known || known.has(c), { error: 'unknown channel' }),
    value,
    { error: 'expected an object channel → number' },
  );
};

/**
 * A target month: the revenue target, and optionally its new-business part
 * (a `new_revenue` target) and the contracts due for renewal in the month
 * (the base of the recurring forecast; definition 11).
 */
const fiscalMonth = z.object(
  {
    month,
    revenueTarget: FIELD.revenueTarget,
    newRevenueTarget: FIELD.newRevenueTarget.optional(),
    renewalsDue: FIELD.renewalsDue.optional(),
  },
  { error: 'expected { month, revenueTarget }' },
);

const fiscalMonths = z
  .array(fiscalMonth, {
    error: 'expected a non-empty array of { month, revenueTarget }',
  })
  .min(1, { error: 'expected a non-empty array of { month, revenueTarget }' })
  .superRefine((months, ctx) => {
    const seen = new Set<string>();
    months.forEach((m, i) => {
      if (seen.has(m.month)) ctx.addIssue({ code: 'custom', path: [i, 'month'], message: `duplicate month ${m.month}` });
      seen.add(m.month);
    });
  });

const actuals = z
  .array(
    z.object(
      {
        month,
        stage: z.enum(FUNNEL_STAGES, { error: `unknown stage (expected one of ${FUNNEL_STAGES.join(', ')})` }),
        value: FIELD.actual,
      },
      { error: 'expected { month, stage, value }' },
    ),
    { error: 'expected an array of { month, stage, value }' },
  )
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((a, i) => {
      const key = `${a.month}|${a.stage}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate actual for ${a.month} ${a.stage}` });
      seen.add(key);
    });
  });

const TOP_LEVEL = {
  error: (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? 'unknown field' : 'expected a JSON object'),
};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The complete input of the engine (`reversePlan`). */
export function planInputSchema(options: SchemaOptions = {}) {
  return z
    .strictObject(
      {
        fiscalMonths,
        averageDealSize: FIELD.averageDealSize,
        renewalRate: FIELD.renewalRate.optional(),
        expansionPerMonth: FIELD.expansionPerMonth.optional(),
        conversionRates: linkRecord(FIELD.conversionRate),
        velocityDays: linkRecord(FIELD.velocityDays),
        channelMix: channelRecord(FIELD.share, options),
        channelCpl: channelRecord(FIELD.cpl, options),
        ltv: FIELD.ltv,
        ltvCacTarget: FIELD.ltvCacTarget,
        teamCostPerCustomer: FIELD.teamCostPerCustomer.optional(),
        channelCac: channelRecord(FIELD.cac, options).optional(),
        actuals: actuals.optional(),
        solveWithinLtvBound: FIELD.solveWithinLtvBound.optional(),
        ltvBoundMode: FIELD.ltvBoundMode.optional(),
      },
      TOP_LEVEL,
    )
    .superRefine(
      (value, ctx) => {
        // Rules across fields. They run even when a field failed, so they skip a mix with a bad entry.
        const failed = (name: string) => ctx.issues.some((i) => i.path?.[0] === name);
        if (!isRecord(value.channelMix) || failed('channelMix')) return;
        const entries = Object.entries(value.channelMix);
        if (entries.length === 0) ctx.addIssue({ code: 'custom', path: ['channelMix'], message: 'needs at least one channel' });
        else {
          const sum = entries.reduce((s, [, v]) => s + v, 0);
          if (Math.abs(sum - 1) > MIX_TOLERANCE) {
            ctx.addIssue({
              code: 'custom',
              path: ['channelMix'],
              message: `shares sum to ${sum}, expected 1 (±${MIX_TOLERANCE})`,
            });
          }
        }
        if (!isRecord(value.channelCpl)) return;
        for (const [c, share] of entries) {
          if (share > 0 && value.channelCpl[c] === undefined) {
            ctx.addIssue({ code: 'custom', path: ['channelCpl', c], message: 'missing CPL for a channel in the mix' });
          }
        }
      },
      { when: () => true },
    );
}

/** The body of POST /api/plan: every field optional, merged over the observed inputs (server/plan/overrides.ts). */
export function planRequestSchema(options: SchemaOptions = {}) {
  return z.strictObject(
    {
      fiscalMonths: fiscalMonths.optional(),
      // The warehouse's own targets of the months from `start` to `end` (month starts, both included): a page can ask
      // for the baseline plan of a period without reading the targets first.
      fiscalPeriod: z.strictObject({ start: month, end: month }, { error: 'expected { start, end } (month starts)' }).optional(),
      averageDealSize: FIELD.averageDealSize.optional(),
      renewalRate: FIELD.renewalRate.optional(),
      expansionPerMonth: FIELD.expansionPerMonth.optional(),
      conversionRates: linkRecord(FIELD.conversionRate).partial().optional(),
      velocityDays: linkRecord(FIELD.velocityDays).partial().optional(),
      channelMix: channelRecord(FIELD.share, options).optional(),
      channelCpl: channelRecord(FIELD.cpl, options).optional(),
      channelCac: channelRecord(FIELD.cac, options).optional(),
      ltv: FIELD.ltv.optional(),
      ltvCacTarget: FIELD.ltvCacTarget.optional(),
      teamCostPerCustomer: FIELD.teamCostPerCustomer.optional(),
      attributionModel: FIELD.attributionModel.optional(),
      ltvBoundMode: FIELD.ltvBoundMode.optional(),
    },
    TOP_LEVEL,
  );
}

export type PlanInput = z.output<ReturnType<typeof planInputSchema>>;
export type PlanActual = NonNullable<PlanInput['actuals']>[number];
export type PlanRequestBody = z.input<ReturnType<typeof planRequestSchema>>;
export type PlanRequest = z.output<ReturnType<typeof planRequestSchema>>;
export type { FunnelStage, StageLink };

/** zod issues as `{ field, message }`, one per unknown key. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  const fieldOf = (path: readonly PropertyKey[]) =>
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: fieldOf([...issue.path, key]), message: issue.message });
    } else if (issue.code === 'invalid_key') {
      out.push({ field: fieldOf(issue.path), message: issue.issues[0]?.message ?? issue.message });
    } else {
      out.push({ field: fieldOf(issue.path), message: issue.message });
    }
  }
  return out;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function validateWith<T>(schema: z.ZodType<T>, raw: unknown): Validation<T> {
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: fieldErrors(r.error) };
}
