/*
 * revcycle's own HTTP routes under /api, beside Cube's /cubejs-api.
 *
 * Every route but /api/session is behind `requireRoute`: the same token
 * check as Cube's (expiry, signature, audience, issuer, role) and the
 * policy's route rule (security/policy.ts), before the route's own code.
 * 401 for a missing or invalid token, 403 for a role the route is not for.
 */
import type express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import { bearerToken } from '../auth.js';
import { routeRefusal, type Route } from '../security/policy.js';
import { sessionHandler } from './session.js';
import { planHandler } from './plan.js';
import { actionsRouter } from './actions.js';
import { importsRouter } from './imports.js';
import { journeyHandler } from './journey.js';
import { schedulesHandler } from '../deliver/schedules-route.js';

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
    try {
      const refusal = routeRefusal(await cube.principal(token), route);
      if (refusal) {
        res.status(403).json({ error: `Forbidden: ${refusal}` });
        return;
      }
    } catch (e) {
      res.status(401).json({ error: `Invalid token: ${(e as Error).message}` });
      return;
    }
    next();
  };
}

export function registerApiRoutes(app: express.Express, deps: ApiDeps) {
  app.post('/api/session', sessionHandler(deps.config, deps.cube));
  app.post('/api/plan', requireRoute(deps.cube, 'plan'), planHandler(deps));
  app.use('/api/actions', requireRoute(deps.cube, 'actions'), actionsRouter(deps.config));
  app.use('/api/imports', requireRoute(deps.cube, 'imports'), importsRouter(deps.config));
  app.get('/api/leads/:leadId/journey', requireRoute(deps.cube, 'journey'), journeyHandler(deps));
  // Schedules are company settings: the roles that may read the import status (executive, analyst) read them.
  app.get('/api/schedules', requireRoute(deps.cube, 'imports'), schedulesHandler(deps.config));
}
