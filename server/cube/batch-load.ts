/*
 * POST /cubejs-api/v1/batch: several of Cube's REST requests in one HTTP
 * round trip, each answered as its own route would answer it (the wire
 * format: server/contract/cube-batch.ts). The dashboard sends the requests
 * its cards issue together in one batch (dashboard/src/api/batch-transport.ts),
 * so a page's figures take a few round trips instead of one per card.
 *
 * Why not Cube's own multi-query (an array `query` with `queryType: multi`):
 * Cube treats it as one blended query — every part must share a time
 * granularity, and one part's error fails them all.
 *
 * Each entry runs through Cube's gateway exactly as a request to /v1/load or
 * /v1/meta does: the same grammar and model check, policy (role, team and
 * agency scoping), API scopes, heavy-query lane and row limits, error
 * mapping (security/request-errors.ts) and Cube's "Continue wait" (an entry
 * answered `{"error":"Continue wait"}` is sent again by the client, in its
 * next batch). A bad entry gets its own 4xx; the batch itself answers 200.
 * What applies to the HTTP request as a whole (security/cube-routes.ts): the
 * body's form (a list of 1 to MAX_CUBE_BATCH entries, no reserved keys), the token
 * (401 for all), and the rate limit, where each entry counts as one request.
 * Entries run concurrently; their request ids are the batch's with a suffix,
 * so a cancel of the batch's id (DELETE /v1/running-query/<id>) reaches all.
 *
 * An entry for one of revcycle's own routes (OWN_BATCH_ROUTES: the action
 * list, a reverse plan) is sent to that route on this server over the
 * loopback, with the batch's Authorization header: its token check, role
 * rule, team scoping, rate charge and errors are the route's own, not a
 * second copy of them here.
 *
 * The answer's header BATCH_BODIES_HEADER locates each body in the text, so
 * the dashboard hands each on without parsing the batch as a whole.
 */
import type express from 'express';
import { queryShapeProblem } from '../security/query-guard.js';
import {
  BATCH_BODIES_HEADER,
  CUBE_BATCH_PATH,
  isOwnBatchRoute,
  MAX_CUBE_BATCH,
  OWN_BATCH_ROUTES,
  writeBatchAnswer,
} from '../contract/cube-batch.js';
import { loopbackUrl } from '../config.js';

const ENTRY_KEYS: Record<string, Set<string>> = {
  load: new Set(['route', 'query', 'queryType', 'cache']),
  meta: new Set(['route']),
  actions: new Set(['route']),
  plan: new Set(['route', 'body']),
};

/** How many of a batch's entries Cube answers (each counts as one request; an own route's entry charges itself). */
export const cubeEntryCount = (entries: Record<string, unknown>[]) => entries.filter((e) => !isOwnBatchRoute(e.route)).length;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The entries of a batch body, or the reason the body as a whole is refused (400). */
export function batchEntries(body: unknown): { entries: Record<string, unknown>[] } | { problem: string } {
  if (!isObject(body) || !Array.isArray(body.requests))
    return { problem: 'a batch is an object {"requests": [...]} listing Cube requests' };
  const list = body.requests as unknown[];
  if (list.length === 0 || list.length > MAX_CUBE_BATCH)
    return { problem: `a batch holds 1 to ${MAX_CUBE_BATCH} requests, not ${list.length}` };
  return { entries: list.map((e) => (isObject(e) ? e : {})) };
}

/** Why one entry cannot run (its own 400), or null. The model's names are checked in the gateway, as for /v1/load. */
export function batchEntryProblem(entry: Record<string, unknown>, maxQueryLimit: number): string | null {
  const route = entry.route;
  const keys = typeof route === 'string' ? ENTRY_KEYS[route] : undefined;
  if (!keys) return `"route" must be one of ${Object.keys(ENTRY_KEYS).join(', ')}`;
  for (const key of Object.keys(entry)) if (!keys.has(key)) return `unknown field "${key.slice(0, 40)}" in a ${route} request`;
  if (route !== 'load') return null;
  if (entry.queryType !== undefined && entry.queryType !== 'multi') return 'queryType must be "multi" or absent';
  const problem = queryShapeProblem(entry.query, maxQueryLimit);
  return problem ? `Invalid query: ${problem}` : null;
}

/** What Cube's gateway hands its `res` callback: a result wrapper (load) or a plain object (meta, errors). */
type CubeMessage = { isWrapper?: boolean; getFinalResult?: () => Promise<Uint8Array | string> } | object;

/** One entry's answer: its status and its body as JSON text. */
interface EntryAnswer {
  status: number;
  body: string;
}
const answer = (status: number, body: string): EntryAnswer => ({ status, body });

/** An own route's entry, answered by the route on this server (the batch's token and request id). */
async function runOwnEntry(req: express.Request, entry: Record<string, unknown>, requestId: string): Promise<EntryAnswer> {
  const { method, path } = OWN_BATCH_ROUTES[entry.route as keyof typeof OWN_BATCH_ROUTES];
  const headers: Record<string, string> = { 'x-request-id': requestId };
  const authorization = req.get('authorization');
  if (authorization) headers.authorization = authorization;
  if (method === 'POST') headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${loopbackUrl(req.socket.localPort)}${path}`, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(entry.body ?? {}) : undefined,
    });
    const text = await res.text();
    return answer(res.status, text.trim() ? text : '{}');
  } catch (e) {
    console.error(`[revcycle] fault in a batch entry for ${path}: ${(e as Error)?.stack ?? e}`);
    return answer(500, JSON.stringify({ error: 'The request failed on the server' }));
  }
}

/** One entry's answer; a load result's body is Cube's own bytes, not re-parsed. */
function runEntry(gateway: any, entry: Record<string, unknown>, context: object, maxQueryLimit: number): Promise<EntryAnswer> {
  const problem = batchEntryProblem(entry, maxQueryLimit);
  if (problem) return Promise.resolve(answer(400, JSON.stringify({ error: problem })));
  return new Promise<EntryAnswer>((resolve) => {
    let answered = false;
    const res = async (message: CubeMessage, opts: { status?: number } = {}) => {
      answered = true;
      const m = message as { isWrapper?: boolean; getFinalResult?: () => Promise<Uint8Array | string> };
      const final = m?.isWrapper && m.getFinalResult ? await m.getFinalResult() : undefined;
      const body =
        final === undefined ? JSON.stringify(message) : typeof final === 'string' ? final : Buffer.from(final).toString('utf8');
      resolve(answer(opts.status ?? 200, body));
    };
    const run: Promise<unknown> =
      entry.route === 'meta'
        ? gateway.meta({ context, res })
        : gateway.load({
            query: entry.query,
            context,
            res,
            queryType: entry.queryType,
            cacheMode: entry.cache,
          });
    // The gateway answers its own errors through res; one that escapes it is the server's fault, for this entry only.
    run.then(
      () => {
        if (!answered) resolve(answer(500, JSON.stringify({ error: 'The query failed on the server' })));
      },
      (e: unknown) => {
        console.error(`[revcycle] fault in a batch entry: ${(e as Error)?.stack ?? e}`);
        if (!answered) resolve(answer(500, JSON.stringify({ error: 'The query failed on the server' })));
      },
    );
  });
}

/**
 * The route, behind Cube's own middlewares (token, request context, logging), which come from the gateway: register
 * it after Cube's routes. `security/cube-routes.ts` has checked the body's form and charged the rate limit.
 */
export function registerBatchRoute(app: express.Express, gateway: any, basePath: string, maxQueryLimit: number): void {
  const middlewares = [
    gateway.checkAuth,
    gateway.requestContextMiddleware,
    gateway.contextRejectionMiddleware,
    gateway.logNetworkUsage,
    gateway.requestLoggerMiddleware,
  ];
  app.post(
    `${basePath}${CUBE_BATCH_PATH}`,
    middlewares,
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const found = batchEntries(req.body);
      if ('problem' in found) {
        res.status(400).json({ error: `Invalid batch: ${found.problem}` });
        return;
      }
      const base = (req as unknown as { context: { requestId: string } }).context;
      Promise.all(
        found.entries.map((entry, i) => {
          const requestId = `${base.requestId}-${i + 1}`;
          return isOwnBatchRoute(entry.route) && batchEntryProblem(entry, maxQueryLimit) === null
            ? runOwnEntry(req, entry, requestId)
            : runEntry(gateway, entry, { ...base, requestId }, maxQueryLimit);
        }),
      )
        .then((parts) => {
          const { text, header } = writeBatchAnswer(parts);
          res.type('application/json').set(BATCH_BODIES_HEADER, header).send(text);
        })
        .catch(next);
    },
  );
}
