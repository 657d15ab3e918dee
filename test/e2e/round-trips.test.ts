/*
 * How many HTTP requests a dashboard page sends to the APIs on a first
 * visit, in a real browser against the real server (bundled seeds): the
 * cards' queries and /meta go out batched (dashboard/src/api/batch-transport.ts,
 * POST /cubejs-api/v1/batch), so each page shows all its Cube figures in at
 * most three requests (the session, /meta with the settings' queries, the
 * cards' queries); revcycle's own /api/plan and /api/actions are one more
 * on the plan and review pages. Batching keeps each card its own: an entry
 * Cube answers "Continue wait" is sent again, alone, and its card then shows
 * figures. (A refused entry is its own 400 beside the others' answers:
 * test/api/batch.test.ts; the browser case of one card's error among the
 * figures is not written yet.) Every query a batch carried on a view with
 * figures was answered from a pre-aggregation, as a single /v1/load is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request, Route } from 'playwright-core';
import { launchBrowser, openPage } from '../support/browser';
import { referenceViews } from '../support/reference-views';
import { PAGES, waitForCards } from '../../bench/dashboard-pages';
import { viewsOf } from '../../bench/queries';
import { startDashboardEnv, type DashboardEnv } from './dashboard-fixture';

const MAX_REQUESTS_PER_PAGE = 3;
/**
 * revcycle's own routes are not batched: the plan page's what-if card asks POST /api/plan once its targets are in,
 * the review page's action log GET /api/actions. Each is one request more.
 */
const OWN_API_REQUESTS: Record<string, number> = { plan: 1, review: 1 };
const BATCH = '/cubejs-api/v1/batch';

let env: DashboardEnv;
let browser: Browser;

beforeAll(async () => {
  env = await startDashboardEnv();
  browser = await launchBrowser();
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const isApi = (req: Request) => /^\/(cubejs-api|api)\//.test(new URL(req.url()).pathname);
const isBatch = (req: Request) => new URL(req.url()).pathname === BATCH;

interface BatchEntry {
  route: string;
  query?: unknown;
}
const entriesOf = (req: Request) => (JSON.parse(req.postData() ?? '{}') as { requests: BatchEntry[] }).requests;

async function visit(path: string, onPage?: (page: Page) => Promise<unknown>) {
  const { context, page, problems } = await openPage(browser);
  const requests: Request[] = [];
  page.on('request', (req) => {
    if (isApi(req)) requests.push(req);
  });
  await onPage?.(page);
  await page.goto(env.t.url + path);
  const cards = await waitForCards(page);
  return { page, problems, requests, cards, close: () => context.close() };
}

describe('requests per page on a first visit', () => {
  for (const p of PAGES) {
    it(`${p.name}: all Cube figures in at most ${MAX_REQUESTS_PER_PAGE} requests, rollups serving every figure`, async () => {
      const v = await visit(p.path);
      try {
        const sent = v.requests.map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
        const own = sent.filter((r) => / \/api\/(?!session)/.test(r));
        expect(own.length, own.join('\n')).toBe(OWN_API_REQUESTS[p.name] ?? 0);
        expect(sent.length - own.length, sent.join('\n')).toBeLessThanOrEqual(MAX_REQUESTS_PER_PAGE);
        expect(v.cards.filter((c) => c.state !== 'ready').map((c) => `${c.title}: ${c.state} ${c.text}`)).toEqual([]);
        expect(v.problems).toEqual([]);

        // Each load a batch carried was answered on its own, from a rollup unless it reads a reference view.
        const reference = referenceViews();
        const answered: { views: string[]; status: number; rollups: number }[] = [];
        for (const req of v.requests.filter(isBatch)) {
          const res = await req.response();
          const { results } = (await res!.json()) as { results: { status: number; body: any }[] };
          entriesOf(req).forEach((entry, i) => {
            if (entry.route !== 'load') return;
            const body = results[i]!.body;
            const parts: { usedPreAggregations?: object }[] = body.results ?? [body];
            for (const [j, part] of parts.entries()) {
              const query = Array.isArray(entry.query) ? entry.query[j] : entry.query;
              answered.push({
                views: viewsOf(query),
                status: results[i]!.status,
                rollups: Object.keys(part.usedPreAggregations ?? {}).length,
              });
            }
          });
        }
        expect(answered.length).toBeGreaterThan(v.cards.length - 1);
        expect(answered.filter((a) => a.status !== 200)).toEqual([]);
        expect(answered.filter((a) => a.rollups === 0 && a.views.some((view) => !reference.has(view)))).toEqual([]);
      } finally {
        await v.close();
      }
    }, 120_000);
  }
});

/** Rewrites the first batch of the cards' queries (the one without /meta) with `change` before the server sees it. */
function onCardBatch(page: Page, change: (route: Route, entries: BatchEntry[]) => Promise<void>) {
  let done = false;
  return page.route(`**${BATCH}`, async (route) => {
    const entries = entriesOf(route.request());
    if (done || entries.some((e) => e.route === 'meta')) return route.continue();
    done = true;
    await change(route, entries);
  });
}

describe('each card keeps its own state', () => {
  it('sends an entry answered "Continue wait" again, and its card then shows figures', async () => {
    let waited: unknown;
    const v = await visit('/funnel', (page) =>
      onCardBatch(page, async (route, entries) => {
        const res = await route.fetch();
        const body = (await res.json()) as { results: { status: number; body: unknown }[] };
        const i = entries.findIndex((e) => e.route === 'load');
        waited = entries[i]!.query;
        // What Cube answers for a query still running after its wait (the client polls again).
        body.results[i] = {
          status: 200,
          body: { error: 'Continue wait', stage: { stage: 'Executing query', timeElapsed: 5000 } },
        };
        await route.fulfill({ response: res, json: body });
      }),
    );
    try {
      const batches = v.requests.filter(isBatch).map(entriesOf);
      const again = batches.filter((b) => b.some((e) => JSON.stringify(e.query) === JSON.stringify(waited)));
      expect(again).toHaveLength(2);
      expect(again[1]).toHaveLength(1);
      expect(v.cards.filter((c) => c.state !== 'ready').map((c) => `${c.title}: ${c.state} ${c.text}`)).toEqual([]);
    } finally {
      await v.close();
    }
  }, 120_000);
});
