/*
 * The PDCA action log's wire contract, shared by the server route
 * (server/api/actions.ts) and the dashboard client
 * (dashboard/src/api/actions-api.ts): the action's shape and the zod
 * schemas of a create and a patch body. Browser-safe: the dashboard bundles
 * this file.
 *
 * Text fields are trimmed; an empty optional text becomes null. Each error
 * message names its field, so the route can answer `{ error, field }`.
 */
import { z } from 'zod';

export const ACTION_STATUSES = ['open', 'in_progress', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface Action {
  id: string;
  hypothesis: string;
  action: string;
  owner: string;
  dueDate: string | null;
  status: ActionStatus;
  result: string | null;
  linkedMetric: string | null;
  /** The KPI tree node (kpi_tree view `node`, e.g. 'conversion:mql->sal') the action aims to move. */
  kpiNode: string | null;
  /** 'YYYY-MM-DD': the day the action started; the review compares its KPI before and after it. */
  startDate: string | null;
  period: string | null;
  /**
   * Whose action it is, set by the server from the creator's token: a team (`team:<name>` role) owns the actions it
   * creates; null is the company's (created by an executive or analyst). A team reads and changes only its own; the
   * company's are changed by executives and analysts. Absent in logs written before owners existed: the company's.
   */
  team?: string | null;
  createdAt: string;
  updatedAt: string;
}

function isValidDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const requiredText = (field: string, limit: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a non-empty string`) })
    .trim()
    .min(1, { error: `${field} must be a non-empty string` })
    .max(limit, { error: `${field} is longer than ${limit} characters` });

const optionalText = (field: string, limit: number) =>
  z
    .string({ error: `${field} must be a string or null` })
    .trim()
    .max(limit, { error: `${field} is longer than ${limit} characters` })
    .nullable()
    .transform((v) => (v === '' ? null : v));

const day = (field: string) =>
  optionalText(field, 10).refine((v) => v === null || isValidDay(v), {
    error: `${field} must be a date YYYY-MM-DD or null`,
  });

/**
 * The create and patch schemas, built on first use: the dashboard imports this module for ACTION_STATUSES and the
 * types only, and building zod schemas as the module loads cost its plan and review pages' main thread.
 */
function buildSchemas() {
  const FIELDS = {
    hypothesis: requiredText('hypothesis', 2000),
    action: requiredText('action', 2000),
    owner: requiredText('owner', 200),
    dueDate: day('dueDate'),
    status: z.enum(ACTION_STATUSES, { error: `status must be one of ${ACTION_STATUSES.join(', ')}` }),
    result: optionalText('result', 4000),
    linkedMetric: optionalText('linkedMetric', 200),
    kpiNode: optionalText('kpiNode', 200),
    startDate: day('startDate'),
    period: optionalText('period', 20),
  };

  const BODY = {
    error: (issue: { code?: string; keys?: string[] }) =>
      issue.code === 'unrecognized_keys' ? `unknown or read-only field "${issue.keys?.[0]}"` : 'expected a JSON object',
  };

  const create = z.strictObject(
    {
      ...FIELDS,
      dueDate: FIELDS.dueDate.optional(),
      status: FIELDS.status.optional(),
      result: FIELDS.result.optional(),
      linkedMetric: FIELDS.linkedMetric.optional(),
      kpiNode: FIELDS.kpiNode.optional(),
      startDate: FIELDS.startDate.optional(),
      period: FIELDS.period.optional(),
    },
    BODY,
  );

  const patch = z
    .strictObject(FIELDS, BODY)
    .partial()
    .refine((v) => Object.keys(v).length > 0, { error: 'nothing to change' });
  return { create, patch };
}
let schemas: ReturnType<typeof buildSchemas> | undefined;

export type ActionInput = z.input<ReturnType<typeof buildSchemas>['patch']>;

/** The first problem of a body, with the field it concerns ('body' for the body as a whole). */
export function parseActionInput<M extends 'create' | 'patch'>(
  body: unknown,
  mode: M,
):
  | { ok: true; value: z.output<ReturnType<typeof buildSchemas>[M extends 'create' ? 'create' : 'patch']> }
  | { ok: false; field: string; message: string } {
  schemas ??= buildSchemas();
  const r = (mode === 'create' ? schemas.create : schemas.patch).safeParse(body);
  if (r.success) return { ok: true, value: r.data as never };
  const issue = r.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.length > 0 ? String(issue.path[0]) : 'body';
  return { ok: false, field, message: issue.message };
}
