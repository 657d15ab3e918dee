/*
 * What an error says to the caller, on every route (Cube's and revcycle's).
 *
 * - Request bodies: Cube's server parses JSON bodies before any route, so a
 *   malformed or oversized body fails before a route could answer. It gets a
 *   4xx naming the reason instead of Express's default page.
 * - Query errors (publicQueryError): the caller's mistakes are a 4xx with a
 *   stable message and no internals — no stack, no JavaScript error name, no
 *   database text (which would show SQL and table names). Only a real fault
 *   of the server is a 5xx: its message is generic and carries the request
 *   id, and the details go to the server's log under that id.
 */
import type express from 'express';

interface BodyError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

export function requestErrorHandler(err: BodyError, req: express.Request, res: express.Response, next: express.NextFunction) {
  if (res.headersSent) {
    next(err);
    return;
  }
  const status = err.status ?? err.statusCode ?? 500;
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ error: `The request body is not valid JSON: ${err.message}` });
  } else if (err.type === 'entity.too.large') {
    res.status(413).json({ error: `The request body is larger than the ${err.limit} bytes allowed` });
  } else if (status >= 400 && status < 500) {
    res.status(status).json({ error: publicText(err.message) ?? 'The request is not valid' });
  } else {
    const requestId = req.get('x-request-id') ?? `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
    logFault(requestId, err);
    res.status(500).json({ error: `Internal error (request id ${requestId})`, requestId });
  }
}

/** Writes a server fault to the log under its request id (the caller sees only the id). */
export function logFault(requestId: string | undefined, e: unknown): void {
  const detail = e instanceof Error ? (e.stack ?? e.message) : JSON.stringify(e)?.slice(0, 4000);
  console.error(`[revcycle] fault, request ${requestId ?? '?'}: ${detail}`);
}

/** JavaScript's own error texts: a sign of a fault (or of input that slipped past the grammar), never for a caller. */
const INTERNALS =
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|EvalError)\b|is not a function|Cannot read propert|Cannot set propert|undefined \(reading|\n\s+at |\bat [\w.<>]+ \(/;
/** Database error classes (DuckDB, PostgreSQL): their text holds SQL, table and column names. */
const DATABASE_TEXT =
  /\b(Conversion|Invalid Input|Out of Range|Binder|Catalog|Parser|Constraint|IO|Internal|Out of Memory|INTERRUPT|Interrupt|Dependency|Serialization|Transaction|Not implemented|Invalid) Error\b|\bLINE \d+:|\bSELECT\b|\bselect\b.*\bfrom\b|\bduckdb\b|\bpostgres|syntax error at/i;

/** The first line of a message when it is fit for a caller, else undefined. */
export function publicText(message: unknown): string | undefined {
  if (typeof message !== 'string' || message === '') return undefined;
  if (INTERNALS.test(message) || DATABASE_TEXT.test(message)) return undefined;
  const line = message.split('\n')[0]!.trim();
  return line.length > 600 ? `${line.slice(0, 600)}…` : line;
}

export interface PublicError {
  status: number;
  error: string;
  /** True for a server fault: log it with the request id. */
  fault: boolean;
}

const NO_ROLLUP_YET =
  'No pre-aggregation is built yet for this query, and this API instance does not build them: the refresh worker builds them (check that it runs, in the same time zone as the query)';

const TOO_COSTLY =
  'The query needed more time or memory than the server allows: narrow it (a shorter date range, a coarser granularity, fewer dimensions) or try again later';

/**
 * What a Cube query error says to the caller. `e` is what Cube's gateway hands its error handler: a CubejsHandlerError
 * (status, message of ours or Cube's), a UserError (type 'UserError'), an orchestrator error ({ error }) carrying the
 * database's text, or any other Error (a fault).
 */
export function publicQueryError(e: unknown): PublicError {
  const err = (e ?? {}) as { status?: number; message?: string; type?: string; error?: unknown; name?: string };
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return { status: err.status, error: publicText(err.message) ?? 'The request is not valid', fault: false };
  }
  if (typeof err.status === 'number' && err.status >= 500 && err.status !== 500) {
    return {
      status: err.status,
      error: publicText(err.message) ?? 'The server cannot answer now; try again later',
      fault: false,
    };
  }
  // A cluster's API instance that builds no rollup (CUBEJS_PRE_AGGREGATIONS_BUILDER=false) asked for one the refresh
  // worker has not built: the deployment's state, not a fault of the query. Cube's text names the tables: logged only.
  const text = String((err.error as Error | undefined)?.message ?? err.error ?? err.message ?? '');
  if (/wasn't set up to build pre-aggregations/.test(text)) return { status: 503, error: NO_ROLLUP_YET, fault: true };
  if (err.type === 'UserError') {
    const text = publicText(err.message);
    return { status: 400, error: text ?? 'The query is not valid', fault: text === undefined };
  }
  if (err.error !== undefined) {
    const text = String((err.error as Error)?.message ?? err.error ?? err.message);
    if (/Conversion Error|Invalid Input Error|Out of Range Error|could not convert|invalid input syntax/i.test(text))
      return {
        status: 400,
        error: "A filter value does not fit its member's type (a number, a date or a boolean)",
        fault: false,
      };
    // the heavy lane is full (security/limits.ts): its message is ours and names the limits
    const busy = /too many heavy queries[^\n]*/.exec(text);
    if (busy) return { status: 503, error: `The server is busy: ${busy[0]}`, fault: false };
    if (/Out of Memory|INTERRUPT|Interrupted|cancel|timeout|timed out/i.test(text))
      return { status: 503, error: TOO_COSTLY, fault: false };
    return { status: 500, error: 'The query failed on the server', fault: true };
  }
  return { status: 500, error: 'The query failed on the server', fault: true };
}
