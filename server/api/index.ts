/*
 * revcycle's own HTTP routes under /api, beside Cube's /cubejs-api.
 *
 * Every route but /api/session is behind `requireRoute`: the same token
 * check as Cube's (expiry, signature, audience, issuer, role) and the
 * policy's route rule (security/policy.ts), before the route's own code.
 * 401 for a missing or invalid token, 403 for a role the route is not for.
 * The verified principal is left in `res.locals.principal` for the route.
 * Writes (anything but GET/HEAD on /api/actions) also need a token that is
 * not read-only (the anonymous local session only reads).
 */
import type express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import { bearerToken } from '../auth.js';
import { routeRefusal, writeRefusal, type Route } from '../security/policy.js';
import type { Principal } from '../security/roles.js';
import { ownerOf } from '../security/running-queries.js';
import { rateLimited } from '../security/cube-routes.js';
import { prototypeKeyProblem } from '../security/query-guard.js';
import { sessionHandler } from './session.js';
import { planHandler } from './plan.js';
import { actionsRouter } from './actions.js';
import { importsRouter } from './imports.js';
import { journeyHandler } from './journey.js';
import { schedulesHandler } from '../deliver/schedules-route.js';
import { packHandler } from '../report/pack-route.js';
import { PACK_ROUTE } from '../contract/meeting-pack.js';

export interface ApiDeps {
  config: Config;
  cube: CubeHandle;
}

function requireRoute(cube: CubeHandle, route: Route): express.RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      res.status(401).json({ error: 'A token is required (Authorization: Bearer <token>).' });
      return;
    }
    let principal: Principal;
    try {
      principal = await cube.principal(token);
    } catch (e) {
      res.status(401).json({ error: `Invalid token: ${(e as Error).message}` });
      return;
    }
    if (rateLimited(cube.rateLimiter, ownerOf(principal), res)) return;
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && route === 'actions';
    const refusal = routeRefusal(principal, route) ?? (write ? writeRefusal(principal) : null);
    if (refusal) {
      res.status(403).json({ error: `Forbidden: ${refusal}` });
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

export function registerApiRoutes(app: express.Express, deps: ApiDeps) {
  // No key of a body or query string may be named like a property of Object.prototype (security/query-guard.ts).
  app.use('/api', (req, res, next) => {
    const problem = prototypeKeyProblem(req.body) ?? prototypeKeyProblem(req.query);
    if (problem) res.status(400).json({ error: `Invalid request: ${problem}`, field: 'body' });
    else next();
  });
  app.post('/api/session', sessionHandler(deps.config, deps.cube));
  app.post('/api/plan', requireRoute(deps.cube, 'plan'), planHandler(deps));
  app.use('/api/actions', requireRoute(deps.cube, 'actions'), actionsRouter(deps.config));
  app.use('/api/imports', requireRoute(deps.cube, 'imports'), importsRouter(deps.config));
  app.get('/api/leads/:leadId/journey', requireRoute(deps.cube, 'journey'), journeyHandler(deps));
  // Schedules are company settings: the roles that may read the import status (executive, analyst) read them.
  app.get('/api/schedules', requireRoute(deps.cube, 'imports'), schedulesHandler(deps.config));
  app.get(PACK_ROUTE, requireRoute(deps.cube, 'report'), packHandler(deps.config));
}
