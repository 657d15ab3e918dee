/*
 * One error handler for request bodies on every route (Cube's and
 * revcycle's): Cube's server parses JSON bodies before any route, so a
 * malformed or oversized body fails before a route could answer. It gets a
 * 4xx naming the reason instead of Express's default page; any other error
 * that reaches it is a 500 with a JSON body, never a stack.
 */
import type express from 'express';

interface BodyError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

export function requestErrorHandler(err: BodyError, _req: express.Request, res: express.Response, next: express.NextFunction) {
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
    res.status(status).json({ error: err.message });
  } else {
    res.status(500).json({ error: 'Internal error' });
  }
}
