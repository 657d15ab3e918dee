/*
 * The Cube client's transport, batching: every `load` and `meta` request
 * issued in the same task (the cards of a page mount or re-render together)
 * goes to the server in one POST /cubejs-api/v1/batch
 * (server/contract/cube-batch.ts), and each caller gets back its own answer
 * as its own request would have given it (status and body). So
 * @cubejs-client/core and useCubeQuery work unchanged, per card: its own
 * loading state, its own error (a bad query's 4xx is its entry's, not the
 * batch's), and Cube's "Continue wait" (the client sends that entry again,
 * in the next batch). Each body is handed on as its slice of the batch's
 * text (the answer's BATCH_BODIES_HEADER says where), so it is parsed once,
 * by Cube's client, not also here as part of the whole batch.
 *
 * Everything else (sql, dry-run, subscribe, cubesql streams) and a failed
 * batch as a whole behave as Cube's HttpTransport: the batch's own error
 * status or network error reaches every caller in it.
 * The same request asked twice for one batch goes once, its answer to both.
 * A request whose answer came with the session (api/first-batch.ts,
 * `giveFirstAnswers`) is answered from it, once, and not sent.
 * Limits: at most MAX_CUBE_BATCH requests per POST (more are split).
 * While a page loads (holdBatches, lazy-page.ts), a batch without /meta
 * waits for it, so the shell's queries go out with the page's cards.
 *
 * revcycle's own reads that a page makes as it opens (the action list, the
 * baseline reverse plan) go in a batch too (`batchedRequest`, entries
 * `actions` and `plan`): such an entry rides with the next batch that
 * carries Cube requests, so it costs no round trip of its own; if none
 * comes within RIDE_MAX_MS it goes alone.
 */
import { HttpTransport, type ITransport, type ITransportResponse, type TransportOptions } from '@cubejs-client/core';
import {
  BATCH_BODIES_HEADER,
  CUBE_BATCH_PATH,
  loadEntry,
  MAX_CUBE_BATCH,
  type OwnBatchRoute,
  type CubeBatchEntry,
  type CubeBatchResponse,
  readBatchSpans,
} from '../../../server/contract/cube-batch';

/** What @cubejs-client/core reads from an answer: its status and text (a fetch Response has both). */
interface Answer {
  status: number;
  text(): Promise<string>;
}

interface Pending {
  entry: CubeBatchEntry;
  signal?: AbortSignal;
  /** Waits for a batch with Cube requests to go with (own routes' entries). */
  rides?: boolean;
  deliver(answer: Answer | { error: string }): void;
}

/** How long an own route's entry waits for Cube requests to ride with before it goes alone. */
export const RIDE_MAX_MS = 1500;

/** The transport the dashboard's Cube client uses (the last one made): `batchedRequest` queues into it. */
let shared: BatchTransport | null = null;

/**
 * One of revcycle's own requests (OWN_BATCH_ROUTES) sent in the next batch with Cube requests: its status and JSON
 * body as the route answered. Without a transport (no Cube client yet) it is refused as a network error would be.
 */
export async function batchedRequest(
  entry: Extract<CubeBatchEntry, { route: OwnBatchRoute }>,
  token: string,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  if (!shared) throw new Error('network Error: no batch transport');
  shared.authorization = token;
  const got = await shared.enqueue({ entry, signal, rides: true });
  if ('error' in got) throw new Error(got.error);
  const text = await got.text();
  return { status: got.status, body: text ? JSON.parse(text) : {} };
}

const answer = (status: number, body: unknown): Answer => ({ status, text: async () => JSON.stringify(body) });

/** Answers given before their request was made (the session's first batch, cube-client.ts), by entry. */
const given = new Map<string, Answer>();

/**
 * Answers to `entries` the server gave with the session (api/first-batch.ts, cube-client.ts), in their order: each
 * is handed to the first request for its entry instead of sending it; a request asked again after that (Cube's
 * "Continue wait") goes to the server.
 */
export function giveFirstAnswers(entries: CubeBatchEntry[], answers: { status: number; body: string }[]): void {
  entries.forEach((entry, i) => {
    const one = answers[i];
    if (one) given.set(JSON.stringify(entry), { status: one.status, text: async () => one.body });
  });
}

/** Pages being loaded (lazy-page.ts): the queries issued meanwhile (the shell's) wait to go with the page's cards. */
let loadingPages = 0;
const waitingForPages = new Set<() => void>();

/** Holds batches without /meta until the returned release is called (once; later calls do nothing). */
export function holdBatches(): () => void {
  loadingPages++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--loadingPages > 0) return;
    for (const go of [...waitingForPages]) go();
    waitingForPages.clear();
  };
}

export class BatchTransport implements ITransport<Answer> {
  private readonly http: HttpTransport;
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly options: { apiUrl: string; headers?: Record<string, string> }) {
    this.http = new HttpTransport({ apiUrl: options.apiUrl, headers: options.headers });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the one transport batchedRequest queues into
    shared = this;
  }

  /** The token, set by CubeApi before each request (it asks the session for a fresh one). */
  get authorization(): TransportOptions['authorization'] {
    return this.http.authorization;
  }

  set authorization(token: TransportOptions['authorization']) {
    this.http.authorization = token;
  }

  request(method: string, params: Record<string, unknown>): ITransportResponse<Answer> {
    const entry = toEntry(method, params);
    if (!entry) return this.http.request(method, params) as unknown as ITransportResponse<Answer>;
    const signal = params.signal as AbortSignal | undefined;
    const key = JSON.stringify(entry);
    // An answer the session gave is handed on once; asked again ("Continue wait"), the entry goes to the server.
    let early = given.get(key);
    given.delete(key);
    const enqueue = (): Promise<Answer | { error: string }> => {
      const answered = early;
      early = undefined;
      return answered ? Promise.resolve(answered) : this.enqueue({ entry, signal });
    };
    return {
      // `resubscribe` sends the same entry again (Cube's "Continue wait"), in a later batch.
      async subscribe(callback) {
        return callback(await enqueue(), () => this.subscribe(callback));
      },
    };
  }

  /** Queues an entry for the next batch; an entry that `rides` goes alone after RIDE_MAX_MS at the latest. */
  enqueue(p: Omit<Pending, 'deliver'>): Promise<Answer | { error: string }> {
    return new Promise((deliver) => {
      const pending: Pending = { ...p, deliver };
      this.queue.push(pending);
      if (pending.rides)
        setTimeout(() => {
          if (this.queue.includes(pending)) this.flush();
        }, RIDE_MAX_MS);
      this.schedule();
    });
  }

  /**
   * Sends what was queued once the current task has issued all it will (a macrotask later). While a page's chunk
   * loads, a batch without /meta waits for it: the shell's queries then go with the page's cards, in one request.
   */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      // Only riders queued: they wait for Cube requests to go with (or for their own timer).
      if (this.queue.every((p) => p.rides)) {
        this.scheduled = false;
        return;
      }
      if (loadingPages > 0 && !this.queue.some((p) => p.entry.route === 'meta')) {
        waitingForPages.add(() => setTimeout(() => this.flush(), 0));
        return;
      }
      this.flush();
    }, 0);
  }

  private flush() {
    this.scheduled = false;
    {
      const queued = this.queue.filter((p) => {
        if (!p.signal?.aborted) return true;
        p.deliver({ error: 'aborted' });
        return false;
      });
      this.queue = [];
      for (let i = 0; i < queued.length; i += MAX_CUBE_BATCH) void this.send(queued.slice(i, i + MAX_CUBE_BATCH));
    }
  }

  private async send(queued: Pending[]) {
    // Requests asked twice before a batch leaves (two cards with one query; React's development StrictMode runs each
    // effect twice) go once: each caller gets the one answer.
    const byEntry = new Map<string, Pending[]>();
    for (const p of queued) {
      const key = JSON.stringify(p.entry);
      byEntry.set(key, [...(byEntry.get(key) ?? []), p]);
    }
    const callers = [...byEntry.values()];
    const batch: Pending[] = callers.map((same) => ({ ...same[0]!, deliver: (a) => same.forEach((p) => p.deliver(a)) }));
    let res: Response;
    try {
      res = await fetch(`${this.options.apiUrl}${CUBE_BATCH_PATH.replace(/^\/v1/, '')}`, {
        method: 'POST',
        headers: {
          ...this.options.headers,
          'Content-Type': 'application/json',
          ...(this.authorization ? { Authorization: this.authorization } : {}),
        },
        body: JSON.stringify({ requests: batch.map((p) => p.entry) }),
      });
    } catch {
      for (const p of batch) p.deliver({ error: 'network Error' });
      return;
    }
    const text = await res.text().catch(() => '');
    // Each body handed on as its slice of the text (Cube's client parses it), not parsed here as part of the whole.
    const spans = res.status === 200 ? readBatchSpans(res.headers.get(BATCH_BODIES_HEADER), text) : undefined;
    if (spans?.length === batch.length) {
      batch.forEach((p, i) => {
        const { status, start, length } = spans[i]!;
        const body = text.slice(start, start + length);
        p.deliver({ status, text: async () => body });
      });
      return;
    }
    let body: Partial<CubeBatchResponse> & { error?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: text || res.statusText };
    }
    const results = res.status === 200 && Array.isArray(body.results) ? body.results : undefined;
    batch.forEach((p, i) => {
      const r = results?.[i];
      if (r) p.deliver(answer(r.status, r.body));
      // The batch as a whole was refused (401, 429, 400 …): each caller sees that status and reason.
      else p.deliver(answer(res.status === 200 ? 500 : res.status, { error: body.error ?? 'The batch was not answered' }));
    });
  }
}

/** The batch entry of a request, or undefined for one the batch does not carry. */
function toEntry(method: string, params: Record<string, unknown>): CubeBatchEntry | undefined {
  if (method === 'meta' && !params.onlyViews) return { route: 'meta' };
  if (method !== 'load') return undefined;
  const cache = typeof params.cache === 'string' ? params.cache : undefined;
  if (params.queryType === 'multi') return loadEntry(params.query, cache);
  return { route: 'load', query: params.query, ...(cache !== undefined ? { cache } : {}) };
}
