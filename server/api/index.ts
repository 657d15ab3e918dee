/*
 * revcycle's own HTTP routes under /api, beside Cube's /cubejs-api.
 */
import express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import { sessionHandler } from './session.js';
import { planHandler } from './plan.js';
import { actionsRouter } from './actions.js';
import { journeyHandler } from './journey.js';

export interface ApiDeps {
  config: Config;
  cube: CubeHandle;
}

export function registerApiRoutes(app: express.Express, deps: ApiDeps) {
  app.post('/api/session', sessionHandler(deps.config));
  app.post('/api/plan', planHandler(deps));
  app.use('/api/actions', actionsRouter(deps.config));
  app.get('/api/leads/:leadId/journey', journeyHandler(deps));
}
