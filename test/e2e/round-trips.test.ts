/*
 * How many HTTP requests a dashboard page sends to the APIs on a first
 * visit, in a real browser against the real server (bundled seeds): the
 * cards' queries and /meta go out batched (dashboard/src/api/batch-transport.ts,
 * POST /cubejs-api/v1/batch), and so do revcycle's own reads a page makes as
 * it opens (the plan page's baseline POST /api/plan, the review page's GET
 * /api/actions ride in the cards' batch), so every page shows all its
 * figures in at most three requests (the session, which carries /meta and
 * the settings' queries as its first batch, then the cards' queries), none
 * carried twice. Batching keeps each card its own: a card
 * whose query the server refuses shows that reason while every other card
 * shows figures, and an entry Cube answers "Continue wait" is sent again,
 * alone, and its card then shows figures. Every query a batch carried on a
 * view with figures was answered from a pre-aggregation, as a single
 * /v1/load is. The page's code is preloaded by index.html, and each batch
 * answer's header locates every body in its text (the session's too). /meta
 * and the settings' queries leave with the session, as the HTML is parsed,
 * and React's first render draws the opened page with the shell (its cards'
 * frames included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request, Route } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { referenceViews } from '../support/reference-views';
import { PAGES, waitForCards } from '../../bench/dashboard-pages';
import { viewsOf } from '../../bench/queries';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';
import { BATCH_BODIES_HEADER, readBatchSpans } from '../../server/contract/cube-batch';

const MAX_REQUESTS_PER_PAGE = 3;
/** The own routes' entries a page's batches carry (the plan page's baseline plan, the review page's action list). */
const OWN_ENTRIES: Record<string, string[]> = { plan: ['plan'], review: ['actions'] };
const BATCH = '/cubejs-api/v1/batch';

let env: DashboardEnv;
let browser: Browser;

beforeAll(async () => {
  env = await sharedDashboardEnv(); // the run's shared server: this file only opens pages and asks
  browser = await launchBrowser();
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const isApi = (req: Request) => /^\/(cubejs-api|api)\//.test(new URL(req.url()).pathname);
const isBatch = (req: Request) => new URL(req.url()).pathname === BATCH;
const isSession = (req: Request) => new URL(req.url()).pathname === '/api/session';

interface BatchEntry {
  route: string;
  query?: unknown;
  body?: unknown;
}
type Carried = { requests?: BatchEntry[]; first?: { requests: BatchEntry[] } };
/** A batch's entries, or the first batch a session request carries (server/api/session.ts). */
const entriesOf = (req: Request) => {
  const body = JSON.parse(req.postData() ?? '{}') as Carried;
  return (isSession(req) ? body.first?.requests : body.requests) ?? [];
};
/** The requests that carry batch entries: the batches, and the session with its first batch. */
const carriers = (requests: Request[]) => requests.filter((r) => isBatch(r) || (isSession(r) && entriesOf(r).length > 0));
/** A carrier's answer: its text, each entry's result, and the results' bodies as the header locates them. */
async function answerOf(req: Request) {
  const res = (await req.response())!;
  const text = await res.text();
  const body = JSON.parse(text) as {
    results?: { status: number; body: any }[];
    first?: { results: { status: number; body: any }[] };
  };
  const results = (isSession(req) ? body.first?.results : body.results) ?? [];
  const spans = readBatchSpans(res.headers()[BATCH_BODIES_HEADER.toLowerCase()] ?? null, text);
  return { results, located: spans?.map((s) => [s.status, JSON.parse(text.slice(s.start, s.start + s.length))]) };
}

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
    it(`${p.name}: all figures in at most ${MAX_REQUESTS_PER_PAGE} requests, rollups serving every Cube figure`, async () => {
      const v = await visit(p.path);
      try {
        const sent = v.requests.map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
        expect(sent.length, sent.join('\n')).toBeLessThanOrEqual(MAX_REQUESTS_PER_PAGE);
        // The session first (asked as the dashboard's code loads), and no request carried twice in a visit: the
        // shell's reference queries and /meta once, each card's query once.
        expect(sent[0]).toBe('POST /api/session');
        // (An entry Cube answered "Continue wait" is sent again, by design: not counted.)
        // The session carries /meta and the settings' queries (the first batch, dashboard/src/api/first-batch.ts).
        expect(entriesOf(v.requests[0]!).map((e) => e.route)).toContain('meta');
        const carried: string[] = [];
        for (const req of carriers(v.requests)) {
          const { results } = await answerOf(req);
          entriesOf(req).forEach((e, i) => {
            if (results[i]?.body?.error !== 'Continue wait') carried.push(JSON.stringify(e));
          });
        }
        expect(carried.filter((e, i) => carried.indexOf(e) !== i)).toEqual([]);
        expect(v.cards.filter((c) => c.state !== 'ready').map((c) => `${c.title}: ${c.state} ${c.text}`)).toEqual([]);
        expect(v.problems).toEqual([]);

        // The page's code came with the entry: index.html preloads the opened page's chunks (the build's map of
        // dashboard/src/routes.ts) as it is parsed, so every script of the visit was asked for before the document
        // was parsed, not once the entry ran (a module script runs after parsing; so would Vite's own preloading).
        const scripts = (await v.page.evaluate(`(() => {
          const parsed = performance.getEntriesByType('navigation')[0].domInteractive;
          return performance.getEntriesByType('resource')
            .filter((r) => new URL(r.name).pathname.endsWith('.js'))
            .map((r) => ({ path: new URL(r.name).pathname, late: r.startTime >= parsed }));
        })()`)) as { path: string; late: boolean }[];
        expect(scripts.length).toBeGreaterThan(1);
        expect(scripts.filter((s) => s.late).map((s) => s.path)).toEqual([]);

        // Each load a batch carried was answered on its own, from a rollup unless it reads a reference view.
        const reference = referenceViews();
        const answered: { views: string[]; status: number; rollups: number }[] = [];
        const own: { route: string; status: number }[] = [];
        const plans: { body: { fiscalPeriod: { start: string; end: string } }; answer: unknown }[] = [];
        for (const req of carriers(v.requests)) {
          const { results, located } = await answerOf(req);
          // The header locates each result's body in the text: the dashboard hands those slices to Cube's client.
          expect(located).toEqual(results.map((r) => [r.status, r.body]));
          entriesOf(req).forEach((entry, i) => {
            if (entry.route !== 'load' && entry.route !== 'meta') own.push({ route: entry.route, status: results[i]!.status });
            if (entry.route === 'plan')
              plans.push({ body: entry.body as (typeof plans)[number]['body'], answer: results[i]!.body });
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
        expect(own).toEqual((OWN_ENTRIES[p.name] ?? []).map((route) => ({ route, status: 200 })));
        for (const plan of plans) {
          // The first plan, asked by period, is the plan of the months the `targets` view gives for that period.
          const { start, end } = plan.body.fiscalPeriod;
          const targets = await env.t.load({
            measures: ['targets.target'],
            dimensions: ['targets.metric'],
            timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: [start, end] }],
            filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue', 'new_revenue'] }],
          });
          const months = new Map<string, { month: string; revenueTarget: number; newRevenueTarget?: number }>();
          for (const r of targets.body.data as Record<string, string>[]) {
            const month = `${r['targets.fiscal_month.month']!.slice(0, 7)}-01`;
            const m = months.get(month) ?? { month, revenueTarget: 0 };
            if (r['targets.metric'] === 'revenue') m.revenueTarget = Number(r['targets.target']);
            else m.newRevenueTarget = Number(r['targets.target']);
            months.set(month, m);
          }
          expect(months.size).toBeGreaterThan(0);
          const byMonths = await env.t.request('/api/plan', {
            method: 'POST',
            body: JSON.stringify({ fiscalMonths: [...months.values()].sort((a, b) => a.month.localeCompare(b.month)) }),
          });
          expect(byMonths.status).toBe(200);
          expect(plan.answer).toEqual(byMonths.body);
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

describe('the opening of a page', () => {
  it("asks /meta and the settings' queries with the session, and React's first render draws the page with the shell", async () => {
    // The page's own chunk comes 100 ms late (its other chunks and the entry as usual): React's first render waits
    // for it (dashboard/src/main.tsx, up to 500 ms), while /meta and the settings' queries, answered with the session
    // (asked as the HTML is parsed), come in. Beside the whole suite the chunk's evaluation can take the rest of the 500 ms, and the shell then renders
    // alone, as it should (the mark 'revcycle:first-render' says 'timeout'): the visit is made again, up to 3 times,
    // and the page must come with the shell in one of them.
    let withPage = 0;
    for (let attempt = 0; attempt < 3 && withPage === 0; attempt++) {
      const v = await visit('/funnel', async (page) => {
        await page.addInitScript(`new MutationObserver((_, observer) => {
          const root = document.getElementById('root');
          if (!root || !root.firstChild) return;
          observer.disconnect();
          window.firstRender = { at: performance.now(), cards: root.querySelectorAll('[data-card-state]').length };
        }).observe(document, { subtree: true, childList: true })`);
        await page.route(/\/assets\/funnel-page-[^/]*\.js$/, async (route) => {
          await new Promise((done) => setTimeout(done, 100));
          await route.continue();
        });
      });
      try {
        // The first batch rides with the session: its answers are handed to the client's asks, none sent again.
        const session = v.requests.find(isSession)!;
        const firstBatch = entriesOf(session);
        expect(firstBatch.map((e) => e.route)).toContain('meta');
        expect(firstBatch.filter((e) => e.route === 'load').length).toBeGreaterThan(2);
        const sentAgain = v.requests
          .filter(isBatch)
          .flatMap(entriesOf)
          .filter((e) => firstBatch.some((f) => JSON.stringify(f) === JSON.stringify(e)));
        expect(sentAgain).toEqual([]);
        const { firstRender, first } = (await v.page.evaluate(`({
          firstRender: window.firstRender,
          first: performance.getEntriesByName('revcycle:first-render')[0]?.detail,
        })`)) as { firstRender: { at: number; cards: number }; first: string };
        expect(['page', 'timeout']).toContain(first);
        if (first === 'page') {
          expect(firstRender.cards).toBe(v.cards.length);
          withPage++;
        }
        expect(v.cards.filter((c) => c.state !== 'ready').map((c) => `${c.title}: ${c.state} ${c.text}`)).toEqual([]);
      } finally {
        await v.close();
      }
    }
    expect(withPage, "the page's code never came within the first render's wait in 3 visits").toBe(1);
  }, 120_000);
});

/** A query cut to a date range: a card's, not one of the filter bar's option lists. */
const inPeriod = (query: unknown) =>
  ((query as { timeDimensions?: { dateRange?: unknown }[] }).timeDimensions ?? []).some((td) => td.dateRange !== undefined);

/** Rewrites the first batch of the cards' queries (/meta rides with the session) with `change` before the server sees it. */
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
  it("shows one card's refused query as that card's error, and every other card's figures", async () => {
    let broken = '';
    let measures = '';
    const v = await visit('/', (page) =>
      // The first card query of the page (the filter bar's option lists have no period and show no card) gets a
      // measure the model lacks, and so does every later query with its measures: a card that asks again (its
      // period settled) is refused again.
      page.route(`**${BATCH}`, async (route) => {
        const entries = entriesOf(route.request());
        const plain = (e: BatchEntry): e is BatchEntry & { query: { measures?: string[] } } =>
          e.route === 'load' && !!e.query && !Array.isArray(e.query);
        if (!measures) {
          const first = entries.find((e) => plain(e) && inPeriod(e.query));
          if (!first) return route.continue();
          const query = first.query as { measures?: string[] };
          measures = JSON.stringify(query.measures ?? []);
          broken = `${viewsOf(query)[0]}.no_such_measure`;
        }
        const changed = entries.map((e) =>
          plain(e) && JSON.stringify(e.query.measures ?? []) === measures
            ? { ...e, query: { ...e.query, measures: [...(e.query.measures ?? []), broken] } }
            : e,
        );
        await route.continue({ postData: JSON.stringify({ requests: changed }) });
      }),
    );
    try {
      await screenshot(v.page, 'round-trips-one-card-failed');
      expect(broken).not.toBe('');
      const failed = v.cards.filter((c) => c.state === 'error');
      expect(failed.length).toBeGreaterThan(0);
      for (const card of failed) expect(card.text).toContain(broken);
      const others = v.cards.filter((c) => c.state !== 'error');
      expect(others.length).toBeGreaterThan(2);
      expect(others.filter((c) => c.state !== 'ready').map((c) => `${c.title}: ${c.state}`)).toEqual([]);
    } finally {
      await v.close();
    }
  }, 120_000);

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
