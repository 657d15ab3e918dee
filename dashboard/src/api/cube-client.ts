/*
 * The dashboard's Cube client. It never holds the API secret: it asks the
 * revcycle server for a short-lived token (POST /api/session) and asks again
 * shortly before the token expires; callers asking at once share one
 * request. The first is asked by index.html as the page is parsed (or, where
 * it was not, as this module loads: see below). Loads and
 * /meta go out batched (batch-transport.ts): the cards of a page share a
 * round trip.
 */
import cube, { type CubeApi } from '@cubejs-client/core';
import { BatchTransport } from './batch-transport';

let cached: { token: string; expiresAt: number } | undefined;
let asking: Promise<string> | undefined;

declare global {
  interface Window {
    /** The first session request, sent by index.html before the app's code arrives; taken once. */
    revcycleSession?: Promise<Response>;
  }
}

const requestSession = () => fetch('/api/session', { method: 'POST' });

/** index.html's request when it is still untaken (a failed one is asked again), else a new one. */
function takeSession(): Promise<Response> {
  const early = window.revcycleSession;
  window.revcycleSession = undefined;
  return early ? early.catch(requestSession) : requestSession();
}

async function askSession(): Promise<string> {
  const res = await takeSession();
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(`Session refused (${res.status}): ${body.error ?? res.statusText}`);
  }
  const { token, expiresIn } = (await res.json()) as { token: string; expiresIn: number };
  cached = { token, expiresAt: Date.now() + expiresIn * 1000 };
  return token;
}

export async function sessionToken(): Promise<string> {
  if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
  asking ??= askSession().finally(() => (asking = undefined));
  return asking;
}

// Asked now, while the page's code loads and React renders the shell, rather than when the first Cube request is
// made (after that render): the session's round trip then overlaps them instead of preceding /meta. A failure here
// is asked again by that first request.
sessionToken().catch(() => undefined);

const apiUrl = `${window.location.origin}/cubejs-api/v1`;
export const cubeApi: CubeApi = cube(sessionToken, { apiUrl, transport: new BatchTransport({ apiUrl }) });
