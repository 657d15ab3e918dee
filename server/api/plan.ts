/*
 * POST /api/plan — what-if reverse planning (docs/metrics.md, definition 11).
 *
 * The body is a revenue target and optional overrides (docs/plan-api.md);
 * everything not overridden comes from the served warehouse
 * (marts.plan_inputs: trailing-12-month observed rates, velocities, deal
 * size, channel mix, CPL, CAC, LTV). The plan is computed by the same code
 * as the `plan` view's mart (server/plan/, which runs
 * server/engine/reverse-plan.ts), so a request without overrides returns
 * exactly the view's rows.
 *
 * The warehouse is read through Cube's own DuckDB driver (data-request.ts).
 *
 * Auth: a valid Cube token (`Authorization: <token>` or `Bearer <token>`),
 * 401 otherwise; a token restricted by `scopes` needs `data` (403). The plan
 * is company-wide: a team claim does not narrow it. Invalid input: 400 with
 * `errors: [{ field, message }]` naming each field.
 */
import type express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import type { PlanResponse } from '../contract/plan-result.js';
import { dataClaims, warehouseQuery } from './data-request.js';
import { logFault } from '../security/request-errors.js';
import { applyOverrides, computePlan, publicPlanResult, readObservedPlan } from '../plan/index.js';

export interface PlanDeps {
  config: Config;
  cube: CubeHandle;
}

export function planHandler(deps: PlanDeps) {
  return async (req: express.Request, res: express.Response) => {
    const claims = dataClaims(deps.config, req, res);
    if (!claims) return;

    let observed;
    try {
      const query = await warehouseQuery(deps.cube, claims, 'plan');
      observed = await readObservedPlan((sql) => query(sql));
    } catch (e) {
      // the database's text names tables and SQL: it goes to the log, the caller gets the request id
      logFault(req.get('x-request-id'), e);
      res.status(503).json({ error: 'The warehouse cannot give the observed plan inputs now; try again later' });
      return;
    }

    const request = applyOverrides(observed, req.body);
    if (!request.ok) {
      res.status(400).json({ error: 'invalid plan input', errors: request.errors });
      return;
    }
    const computed = computePlan(observed, request.value);
    if (!computed.ok) {
      res.status(400).json({ error: 'invalid plan input', errors: computed.errors });
      return;
    }
    const { plan, ltvBoundedPlan, rows } = computed.value;
    res.set('Cache-Control', 'no-store');
    const response: PlanResponse = {
      attributionModel: request.value.attributionModel,
      ltvBoundMode: request.value.ltvBoundMode,
      knownChannels: observed.knownChannels,
      asOfMonth: observed.asOfMonth,
      plan: publicPlanResult(plan),
      ltvBoundedPlan: publicPlanResult(ltvBoundedPlan),
      rows,
    };
    res.json(response);
  };
}
