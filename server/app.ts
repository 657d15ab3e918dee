/*
 * The revcycle server: Cube's REST and GraphQL APIs plus revcycle's own
 * routes and the built dashboard, on one port.
 *
 *   GET  /readyz              200 when the model compiles and a real, uncached query answers (else 503,
 *                             so a broken process is taken out of service)
 *   GET  /healthz             200 while the process serves HTTP (liveness; never the dashboard's page)
 *   POST /api/session         a short-lived dashboard token (see api/session.ts)
 *   /api/*                    revcycle routes (plan, actions) registered by api/
 *   /cubejs-api/*             Cube
 *   everything else           the dashboard (dist/dashboard), SPA fallback
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { loopbackUrl, type Config } from './config.js';
import { createCube, type CubeHandle } from './cube/cube-server.js';
import { registerApiRoutes } from './api/index.js';
import { requestErrorHandler } from './security/request-errors.js';
import { startScheduleRunner } from './deliver/runner.js';

export interface RunningServer {
  url: string;
  port: number;
  cube: CubeHandle;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Run the schedule runner (default true; `npm run report` starts a server only to read figures). */
  schedules?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const cube = createCube(config);
  // The warehouse's settings decide the zone served (cube/warehouse-time.ts); an environment naming another refuses.
  try {
    await cube.resolveTime();
  } catch (e) {
    await cube.close().catch(() => undefined);
    throw e;
  }
  const hasDashboard = existsSync(path.join(config.dashboardDist, 'index.html'));
  // Every rollup is ready before the first request (reused from the warehouse file when it was built there before),
  // and again for each new warehouse file before it is served. REVCYCLE_WARMUP=lazy skips the first: Cube then builds
  // a rollup when a query first needs it (config.ts).
  const eager = config.warmup === 'eager';
  if (eager) {
    const warmed = await cube.warmup.warm();
    if (warmed.preAggregations.length && !warmed.error)
      console.log(
        `[revcycle] ${warmed.preAggregations.length} pre-aggregations ready in ${(warmed.ms / 1000).toFixed(1)} s ` +
          `(${warmed.built.length} built, ${warmed.reused.length} reused from the warehouse)`,
      );
  }
  const stopWatching = cube.warmup.watch();

  const { app, server, port } = await cube.listen(async (app) => {
    app.disable('x-powered-by');
    // Cube's server parsed the JSON body before any route: its errors (malformed JSON, too large) land here.
    app.use(requestErrorHandler);
    // No API request is answered before the first warm-up (when eager); after a swap the previous file answers until
    // the new file's rollups are ready (pre-aggregations.ts).
    if (eager)
      app.use('/cubejs-api', (_req: express.Request, _res: express.Response, next: express.NextFunction) => {
        cube.warmup.ready().then(() => next(), next);
      });
    app.get('/healthz', (_req: express.Request, res: express.Response) => {
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    });
    app.get('/readyz', async (_req: express.Request, res: express.Response) => {
      try {
        await cube.checkReady();
        res.set('Cache-Control', 'no-store').json({ status: 'ready', nativeModule: cube.runtime.native });
      } catch (e) {
        res
          .set('Cache-Control', 'no-store')
          .status(503)
          .json({ status: 'not ready', reason: (e as Error).message });
      }
    });
    registerApiRoutes(app, { config, cube });
    if (hasDashboard) app.use(express.static(config.dashboardDist, { index: 'index.html', maxAge: '1h' }));
  });

  if (hasDashboard) {
    // Client-side routes (/funnel, /plan, …) get the app shell; API paths keep their 404s.
    app.get(/^\/(?!cubejs-api|api\/|readyz|healthz|livez).*/, (_req: express.Request, res: express.Response) => {
      res.sendFile(path.join(config.dashboardDist, 'index.html'));
    });
  }

  app.use(requestErrorHandler);

  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const schedules = options.schedules === false ? { stop: async () => {} } : startScheduleRunner(config, loopbackUrl(boundPort));
  return {
    url: `http://localhost:${boundPort}`,
    port: boundPort,
    cube,
    async close() {
      stopWatching();
      await schedules.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cube.core.releaseConnections?.();
    },
  };
}
