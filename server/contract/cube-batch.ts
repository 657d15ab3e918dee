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
 */

/** Under Cube's base path (/cubejs-api). */
export const CUBE_BATCH_PATH = '/v1/batch';
/** At most this many requests in one batch (a dashboard page issues about 20 queries). */
export const MAX_CUBE_BATCH = 50;

export type CubeBatchEntry = { route: 'load'; query: unknown; queryType?: 'multi'; cache?: string } | { route: 'meta' };

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
