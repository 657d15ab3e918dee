/*
 * The gate in front of Cube's HTTP routes (/cubejs-api/*), before Cube
 * parses anything:
 *   - only the routes revcycle serves: load, subscribe, sql, dry-run, meta,
 *     graphql, running-query (cancel) and cubesql (a 501 without Cube's native
 *     module). Cube's Rollup Designer and conversion routes
 *     (pre-aggregations/can-use, pre-aggregations/jobs, convert-query,
 *     graphql-to-json, /v2) are development tools that read internal
 *     structures: 404 here.
 *   - no key of the body anywhere is named like a property of
 *     Object.prototype; a query keeps to the grammar (query-guard.ts, the
 *     form only: the model's names are checked in the gateway).
 *   - a rate limit per token subject (limits.ts): 429 past it;
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

const QUERY_ROUTES = /^\/v1\/(load|subscribe|sql|dry-run)$/;
const SERVED = /^\/(v1\/(load|subscribe|sql|dry-run|meta|cubesql)|graphql|v1\/running-query\/[^/]+)\/?$/;

export interface CubeRouteDeps {
  principal(token: string): Promise<Principal>;
  maxQueryLimit: number;
  running: RunningQueries;
  rateLimiter: RateLimiter;
}

/** 429 with Retry-After when the caller is over its rate (limits.ts); true when answered. */
export function rateLimited(limiter: RateLimiter, owner: string, res: express.Response): boolean {
  const wait = limiter.take(owner);
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
    const cancel = /^\/v1\/running-query\//.test(route);
    let principal: Principal;
    try {
      principal = await deps.principal(bearerToken(req.get('authorization')));
    } catch {
      next(); // Cube's checkAuth answers 401 with the reason
      return;
    }
    const owner = ownerOf(principal);
    if (rateLimited(deps.rateLimiter, owner, res)) return;
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
