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
 * The warehouse is read through Cube's own DuckDB driver (the server holds
 * the file read-write; a second connection from this process would not be
 * allowed), with the orchestrator of the current warehouse file, so a
 * rebuilt warehouse is picked up as Cube picks it up.
 *
 * Auth: a valid Cube token (`Authorization: <token>` or `Bearer <token>`),
 * 401 otherwise; a token restricted by `scopes` needs `data` (403). The plan
 * is company-wide: a team claim does not narrow it. Invalid input: 400 with
 * `errors: [{ field, message }]` naming each field.
 */
import type express from 'express';
import { bearerToken, verifyToken, type TokenClaims } from '../auth.js';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import type { PlanResponse } from '../contract/plan-result.js';
import { applyOverrides, computePlan, publicPlanResult, readObservedPlan } from '../plan/index.js';

export interface PlanDeps {
  config: Config;
  cube: CubeHandle;
}

export function planHandler(deps: PlanDeps) {
  return async (req: express.Request, res: express.Response) => {
    let claims: TokenClaims;
    try {
      claims = verifyToken(deps.config.apiSecret, bearerToken(req.get('authorization')));
    } catch (e) {
      res
        .status(401)
        .json({ error: `A valid token is required (Authorization: <token> or Bearer <token>): ${(e as Error).message}` });
      return;
    }
    if (Array.isArray(claims.scopes) && !claims.scopes.includes('data')) {
      res.status(403).json({ error: "The token's scopes do not include data" });
      return;
    }

    let observed;
    try {
      const context = { securityContext: claims, requestId: `api-plan-${Date.now()}` };
      const orchestrator = await deps.cube.core.getOrchestratorApi(context);
      const driver = await orchestrator.driverFactory('default');
      observed = await readObservedPlan((sql) => driver.query(sql, []));
    } catch (e) {
      res.status(503).json({ error: `The warehouse cannot give the observed plan inputs: ${(e as Error).message}` });
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
