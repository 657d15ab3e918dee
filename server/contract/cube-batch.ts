/*
 * The wire contract of POST /cubejs-api/v1/batch — several of Cube's REST
 * requests (load, meta) in one HTTP round trip — shared by the server route
 * (server/cube/batch-load.ts) and the dashboard's transport
 * (dashboard/src/api/batch-transport.ts). Browser-safe.
 *
 *   request   { "requests": [ { "route": "load", "query": {…}, "queryType": "multi" }, { "route": "meta" } ] }
 *   response  200 { "results": [ { "status": 200, "body": <what /v1/load answers> },
 *                                { "status": 400, "body": { "error": "…" } } ] }
 *
 * Each result is what the entry's own route would have answered (status and
 * body), in the order of the requests.
 *
 * Besides Cube's routes a batch carries the reads of revcycle's own API that
 * a page makes as it opens (OWN_BATCH_ROUTES): the action list
 * (`{"route": "actions"}`, GET /api/actions) and a reverse plan
 * (`{"route": "plan", "body": {…}}`, POST /api/plan), so those pages too
 * show their figures in the same few round trips. Such an entry is answered
 * by the route itself, with the batch's token: the same auth, scoping and
 * errors as a request of its own.
 */

/** Under Cube's base path (/cubejs-api). */
export const CUBE_BATCH_PATH = '/v1/batch';
/** At most this many requests in one batch (a dashboard page issues about 20 queries). */
export const MAX_CUBE_BATCH = 50;

/** revcycle's own routes a batch entry may stand for: the entry's route name → the request it makes. */
export const OWN_BATCH_ROUTES = {
  actions: { method: 'GET', path: '/api/actions' },
  plan: { method: 'POST', path: '/api/plan' },
} as const;
export type OwnBatchRoute = keyof typeof OWN_BATCH_ROUTES;

export type CubeBatchEntry =
  | { route: 'load'; query: unknown; queryType?: 'multi'; cache?: string }
  | { route: 'meta' }
  | { route: 'actions' }
  | { route: 'plan'; body: unknown };

export const isOwnBatchRoute = (route: unknown): route is OwnBatchRoute =>
  typeof route === 'string' && Object.hasOwn(OWN_BATCH_ROUTES, route);

export interface CubeBatchRequest {
  requests: CubeBatchEntry[];
}

export interface CubeBatchResult {
  status: number;
  body: unknown;
}

export interface CubeBatchResponse {
  results: CubeBatchResult[];
}
