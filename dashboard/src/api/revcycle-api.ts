/*
 * revcycle's own HTTP API beside Cube (server/api): the what-if reverse plan
 * (POST /api/plan) and the PDCA action log (/api/actions). Requests carry
 * the same short-lived session token as Cube queries. Field-named errors
 * from a 400 are kept (`ApiError.fields`) so a form can show them where the
 * value was typed.
 */
import { OWN_BATCH_ROUTES, type CubeBatchEntry, type OwnBatchRoute } from '../../../server/contract/cube-batch';
import { batchedRequest } from './batch-transport';
import { sessionToken } from './cube-client';

export interface ApiFieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: ApiFieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function apiRequest<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const token = await sessionToken();
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: init.signal,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    /* not JSON: reported below by status */
  }
  return resultOf<T>(path, res.status, res.statusText, body);
}

/**
 * A read of revcycle's own API that a page makes as it opens (the action list, the baseline plan), sent with the
 * page's Cube requests in their batch (batch-transport.ts): no round trip of its own, the same answer and errors.
 */
export async function batchedApiRequest<T>(
  entry: Extract<CubeBatchEntry, { route: OwnBatchRoute }>,
  signal?: AbortSignal,
): Promise<T> {
  const { status, body } = await batchedRequest(entry, await sessionToken(), signal);
  return resultOf<T>(OWN_BATCH_ROUTES[entry.route].path, status, '', (body ?? {}) as Record<string, unknown>);
}

/** The body of a route's answer, or the ApiError its status and body stand for. */
function resultOf<T>(path: string, status: number, statusText: string, body: Record<string, unknown>): T {
  if (status < 200 || status > 299) {
    const fields: ApiFieldError[] = Array.isArray(body.errors)
      ? (body.errors as ApiFieldError[])
      : typeof body.field === 'string'
        ? [{ field: body.field, message: String(body.error ?? '') }]
        : [];
    const detail =
      fields.length > 0 ? fields.map((f) => `${f.field}: ${f.message}`).join('; ') : String(body.error ?? statusText);
    throw new ApiError(status, `${path} ${status}: ${detail}`, fields);
  }
  return body as T;
}
