/*
 * The dashboard's Cube client. It never holds the API secret: it asks the
 * revcycle server for a short-lived token (POST /api/session) and asks again
 * shortly before the token expires; callers asking at once share one
 * request. The first is asked by index.html as the page is parsed (or, where
 * it was not, as this module loads: see below), carrying the page's first
 * batch (api/first-batch.ts): the answers that come with the session are
 * handed to the client's first asks (batch-transport.ts). Loads and
 * /meta go out batched (batch-transport.ts): the cards of a page share a
 * round trip.
 */
import cube, { type CubeApi } from '@cubejs-client/core';
import { BATCH_BODIES_HEADER, readBatchSpans, type CubeBatchResponse } from '../../../server/contract/cube-batch';
import { BatchTransport, giveFirstAnswers } from './batch-transport';
import { FIRST_BATCH } from './first-batch';

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
  const text = await res.text();
  const { token, expiresIn, first } = JSON.parse(text) as { token: string; expiresIn: number; first?: CubeBatchResponse };
  if (first) {
    // each body as its slice of the text (Cube's client parses it), written anew only where the header does not fit
    const spans = readBatchSpans(res.headers.get(BATCH_BODIES_HEADER), text);
    const answers =
      spans?.map(({ status, start, length }) => ({ status, body: text.slice(start, start + length) })) ??
      first.results?.map((r) => ({ status: r.status, body: JSON.stringify(r.body) }));
    if (answers?.length === FIRST_BATCH.length) giveFirstAnswers(FIRST_BATCH, answers);
  }
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
