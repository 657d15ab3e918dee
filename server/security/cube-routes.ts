/*
 * The gate in front of Cube's HTTP routes (/cubejs-api/*), before Cube
 * parses anything:
 *   - only the routes revcycle serves: load, subscribe, sql, dry-run, meta,
 *     graphql, running-query (cancel), cubesql (a 501 without Cube's native
 *     module) and revcycle's batch of load and meta requests
 *     (../cube/batch-load.ts: a body that is not a list of 1 to
 *     MAX_CUBE_BATCH requests is a 400 here; each entry's query is checked
 *     as its own, and refused in its own entry). Cube's Rollup Designer and conversion routes
 *     (pre-aggregations/can-use, pre-aggregations/jobs, convert-query,
 *     graphql-to-json, /v2) are development tools that read internal
 *     structures: 404 here.
 *   - no key of the body anywhere is named like a property of
 *     Object.prototype; a query keeps to the grammar (query-guard.ts, the
 *     form only: the model's names are checked in the gateway).
 *   - a rate limit per token subject (limits.ts): 429 past it; each request
 *     of a batch counts as one;
 *   - a request id (x-request-id / traceparent) belongs to its sender while
 *     the request runs; a cancel (DELETE running-query/<id>) is only for that
 *     sender, with the data scope (running-queries.ts).
 */
import type express from 'express';
import type { Principal } from './roles.js';
import { prototypeKeyProblem, queryShapeProblem } from './query-guard.js';
import { ownerOf, RunningQueries } from './running-queries.js';
import type { RateLimiter } from './limits.js';
import { bearerToken } from '../auth.js';
import { batchEntries, cubeEntryCount } from '../cube/batch-load.js';

const QUERY_ROUTES = /^\/v1\/(load|subscribe|sql|dry-run)$/;
const SERVED = /^\/(v1\/(load|subscribe|sql|dry-run|meta|cubesql|batch)|graphql|v1\/running-query\/[^/]+)\/?$/;
const BATCH_ROUTE = /^\/v1\/batch\/?$/;

export interface CubeRouteDeps {
  principal(token: string): Promise<Principal>;
  maxQueryLimit: number;
  running: RunningQueries;
  rateLimiter: RateLimiter;
}

/** 429 with Retry-After when the caller is over its rate (limits.ts) for `cost` requests; true when answered. */
export function rateLimited(limiter: RateLimiter, owner: string, res: express.Response, cost = 1): boolean {
  const wait = limiter.take(owner, cost);
  if (wait === 0) return false;
  res.set('Retry-After', String(wait));
  res.status(429).json({ error: `Too many requests from this token; try again in ${wait} s` });
  return true;
}

export function requestIdOf(req: express.Request): string | undefined {
  return req.get('x-request-id') || req.get('traceparent') || undefined;
}

/** Mounted at /cubejs-api. */
export function cubeRouteGuard(deps: CubeRouteDeps): express.RequestHandler {
  return async (req, res, next) => {
    const route = req.path;
    if (!SERVED.test(route)) {
      res.status(404).json({ error: `No API route ${req.method} /cubejs-api${route.slice(0, 80)} on this server` });
      return;
    }
    const body = req.body as unknown;
    const keys = prototypeKeyProblem(body) ?? prototypeKeyProblem(req.query);
    if (keys) {
      res.status(400).json({ error: `Invalid request: ${keys}` });
      return;
    }
    if (QUERY_ROUTES.test(route)) {
      const problem = queryShapeProblem(
        req.method === 'GET' ? req.query?.query : (body as { query?: unknown })?.query,
        deps.maxQueryLimit,
      );
      if (problem) {
        res.status(400).json({ error: `Invalid query: ${problem}` });
        return;
      }
    }
    let cost = 1;
    if (BATCH_ROUTE.test(route)) {
      if (req.method !== 'POST') {
        res.status(405).json({ error: 'A batch is sent with POST' });
        return;
      }
      const found = batchEntries(body);
      if ('problem' in found) {
        res.status(400).json({ error: `Invalid batch: ${found.problem}` });
        return;
      }
      cost = cubeEntryCount(found.entries);
    }
    const cancel = /^\/v1\/running-query\//.test(route);
    let principal: Principal;
    try {
      principal = await deps.principal(bearerToken(req.get('authorization')));
    } catch {
      next(); // Cube's checkAuth answers 401 with the reason
      return;
    }
    const owner = ownerOf(principal);
    if (rateLimited(deps.rateLimiter, owner, res, cost)) return;
    const requestId = cancel ? decodeURIComponent(route.split('/')[3] ?? '') : requestIdOf(req);
    if (!requestId) {
      next();
      return;
    }
    if (cancel) {
      if (req.method !== 'DELETE') {
        res.status(405).json({ error: 'A running query can only be cancelled (DELETE)' });
        return;
      }
      if (principal.scopes && !principal.scopes.includes('data')) {
        res.status(403).json({ error: 'API scope is missing: data' });
        return;
      }
      if (!deps.running.owns(requestId, owner)) {
        res.status(404).json({ error: 'No running query of yours has this request id' });
        return;
      }
      next();
      return;
    }
    if (!deps.running.start(requestId, owner)) {
      res.status(409).json({ error: 'This request id is in use by another caller; send a new x-request-id' });
      return;
    }
    res.on('close', () => deps.running.finish(requestId));
    next();
  };
}
