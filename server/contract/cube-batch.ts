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
 *
 * The answer also says where each entry's body lies in its text (the header
 * BATCH_BODIES_HEADER): a client that hands each body on as text (Cube's
 * client parses it) slices it out instead of parsing the whole batch and
 * writing each body out again. The body is valid JSON either way.
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

/** The entry the dashboard's Cube client sends for a load of `query` (it always asks as `multi`). */
export const loadEntry = (query: unknown, cache?: string): CubeBatchEntry => ({
  route: 'load',
  query,
  queryType: 'multi',
  ...(cache !== undefined ? { cache } : {}),
});

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

/**
 * Response header: each result's status and where its body lies in the response's text, in UTF-16 code units (a
 * JavaScript string's indexes), then the text's length: `200 12 3456,400 3490 30;3522`.
 */
export const BATCH_BODIES_HEADER = 'Revcycle-Batch-Bodies';

/** One result's status and its body's place in the answer's text. */
export interface BatchBodySpan {
  status: number;
  start: number;
  length: number;
}

/** The answer's text for results whose bodies are JSON text, and the header that locates them in it. */
export function writeBatchAnswer(parts: { status: number; body: string }[]): { text: string; header: string } {
  let text = '{"results":[';
  const spans: BatchBodySpan[] = [];
  parts.forEach(({ status, body }, i) => {
    text += `${i ? ',' : ''}{"status":${status},"body":`;
    spans.push({ status, start: text.length, length: body.length });
    text += `${body}}`;
  });
  text += ']}';
  return { text, header: batchBodiesHeader(spans, text) };
}

/** BATCH_BODIES_HEADER's value for `spans` in `text`. */
const batchBodiesHeader = (spans: BatchBodySpan[], text: string) =>
  `${spans.map(({ status, start, length }) => `${status} ${start} ${length}`).join(',')};${text.length}`;

/**
 * A batch's answer set inside a larger JSON text (`prefix` + the batch's text + `suffix`): that text, and the header
 * that locates each body in it, as BATCH_BODIES_HEADER would for the batch alone. The session carries its first batch
 * so (server/api/session.ts).
 */
export function embedBatchAnswer(
  prefix: string,
  batch: { text: string; header: string },
  suffix: string,
): { text: string; header: string } | undefined {
  const spans = readBatchSpans(batch.header, batch.text);
  if (!spans) return undefined;
  const text = prefix + batch.text + suffix;
  return {
    text,
    header: batchBodiesHeader(
      spans.map((span) => ({ ...span, start: span.start + prefix.length })),
      text,
    ),
  };
}

/**
 * The spans BATCH_BODIES_HEADER gives for `text`, or undefined when the header is absent or does not fit the text (a
 * proxy that rewrote the body): the caller then parses the text as a whole.
 */
export function readBatchSpans(header: string | null, text: string): BatchBodySpan[] | undefined {
  const [list, total] = header?.split(';') ?? [];
  if (list === undefined || Number(total) !== text.length) return undefined;
  const spans = list.split(',').map((s) => {
    const [status, start, length] = s.split(' ').map(Number) as [number, number, number];
    return { status, start, length };
  });
  // Each body follows its `"body":` and is followed by its result's `}`.
  const fits = ({ status, start, length }: BatchBodySpan) =>
    [status, start, length].every(Number.isInteger) && start > 0 && text[start - 1] === ':' && text[start + length] === '}';
  return spans.every(fits) ? spans : undefined;
}
