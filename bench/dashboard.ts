/*
 * Dashboard benchmark (not a test): time from navigation to all figures
 * shown, per page, in Debian's Chromium through playwright-core — and the
 * requests each page sends, which are the dashboard queries the rest of the
 * benchmark measures (taken from the real cards, so they cannot drift from
 * what the dashboard sends).
 *
 * "All figures shown" = every card ([data-card-state]) has left its loading
 * state and its charts are drawn (see bench/dashboard-pages.ts). Each visit counts the HTTP requests
 * the page sent to the APIs (its round trips: session, the Cube batches,
 * revcycle's /api) and the requests they carried: a batch
 * (POST /cubejs-api/v1/batch) carries several loads and /meta, each
 * captured as its own request (so does the first batch the session request
 * carries), and where the visit's time went (the APIs
 * in flight, the last answer, the page's main thread: `VisitPhases`). Each page is opened in a fresh
 * browser context (no client cache, a new session token) `runs` times after
 * one first visit that is timed apart (`coldMs`: the server's query cache
 * does not hold the page's queries yet); the median is reported.
 *
 *   benchDashboard(url)            used by `npm run bench` (bench/run.ts)
 *   npx tsx bench/dashboard.ts URL run on its own against a running server
 *                                  (default http://localhost:4000)
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type CDPSession, type Page, type Request } from 'playwright-core';
import { PAGES, waitForCards } from './dashboard-pages';
import { median, percentiles } from './stats';

/**
 * Debian's Chromium with the flags of test/support/browser.ts. That module
 * is not imported: it uses __dirname, which is undefined when tsx runs this
 * file as an ES module (`npm run bench`).
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One request a page sent to the server's APIs (static assets excluded). */
export type CapturedRequest =
  /** A Cube query: the `query` of /cubejs-api/v1/load (one query or a blended array) and its queryType. */
  | { kind: 'cube'; page: string; query: unknown; queryType?: string }
  /** revcycle's own API (/api/plan, /api/actions), replayed as sent. */
  | { kind: 'api'; page: string; method: string; path: string; body?: string }
  /** Everything else the page needs before its queries (session, /meta): counted only. */
  | { kind: 'other'; page: string; method: string; path: string };

export interface PageTiming {
  page: string;
  /** Median over the measured runs, ms. */
  ms: number;
  p95: number;
  /** The first visit, before the server's cache held the page's queries, ms. */
  coldMs: number;
  runs: number[];
  cards: number;
  /** Cards whose state is 'error' or 'missing', or a visit that timed out (any fails the run). */
  failedCards: string[];
  /** HTTP requests of one visit to the APIs (session, Cube's routes and batches, /api): the page's round trips. */
  roundTrips: number;
  /** The requests they carried (each load and /meta of a batch counted on its own). */
  queries: number;
  /** Where a visit's time went (medians over the measured visits, ms): see `VisitPhases`. */
  phases: VisitPhases;
}

/**
 * One visit's time, taken apart in the browser (its performance timeline and Chromium's own counters):
 * - apiMs: while at least one request to the APIs was in flight (session, batches, /api), from navigation;
 * - lastAnswerMs: when the last of them had answered; the rest of the visit (ms − lastAnswerMs) is the cards
 *   rendering what came back;
 * - mainThreadMs: the page's main thread busy (Chromium's TaskDuration: parsing and running the code, React,
 *   style and layout), whatever it waited for: wall-clock time, which another process's load on the machine stretches;
 * - mainThreadCpuMs: the CPU time of that thread (Chromium's ThreadTime) over the same visit, which the load of a
 *   shared machine stretches far less (at a load of 20 on 2 cores: TaskDuration 3.0 s, ThreadTime 0.55 s).
 */
export interface VisitPhases {
  apiMs: number;
  lastAnswerMs: number;
  mainThreadMs: number;
  mainThreadCpuMs: number;
}

/** The visit's API time, last answer (from the page's resource timings) and main-thread time (CDP Performance). */
export async function visitPhases(page: Page, cdp: CDPSession): Promise<VisitPhases> {
  const spans = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((r) => /^\/(cubejs-api|api)\//.test(new URL(r.name).pathname))
      .map((r) => [r.startTime, r.responseEnd] as [number, number]),
  );
  let apiMs = 0;
  let reached = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    apiMs += Math.max(0, end - Math.max(start, reached));
    reached = Math.max(reached, end);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  const seconds = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    apiMs: Math.round(apiMs),
    lastAnswerMs: Math.round(reached),
    mainThreadMs: Math.round(seconds('TaskDuration') * 1000),
    mainThreadCpuMs: Math.round(seconds('ThreadTime') * 1000),
  };
}

/** A batch's entries, each captured on its own (a load as the query it carries). */
const batchCaptures = (page: string, requests: Record<string, unknown>[] = []): CapturedRequest[] =>
  requests.map((e): CapturedRequest =>
    e.route === 'load'
      ? { kind: 'cube', page, query: e.query, ...(typeof e.queryType === 'string' ? { queryType: e.queryType } : {}) }
      : { kind: 'other', page, method: 'GET', path: `/cubejs-api/v1/${String(e.route)}` },
  );

/**
 * The requests one HTTP request carried: a batch's entries each on their own (also the first batch a session request
 * carries, server/api/session.ts, beside the session itself), else the request itself (or none).
 */
function capture(page: string, req: Request): CapturedRequest[] {
  const url = new URL(req.url());
  const body = () =>
    JSON.parse(req.postData() ?? '{}') as {
      requests?: Record<string, unknown>[];
      first?: { requests?: Record<string, unknown>[] };
    };
  if (url.pathname === '/cubejs-api/v1/batch') return batchCaptures(page, body().requests);
  const one = captureOne(page, req, url);
  if (url.pathname === '/api/session') return [...(one ? [one] : []), ...batchCaptures(page, body().first?.requests)];
  return one ? [one] : [];
}

function captureOne(page: string, req: Request, url: URL): CapturedRequest | null {
  if (url.pathname === '/cubejs-api/v1/load') {
    const raw =
      req.method() === 'GET'
        ? { query: url.searchParams.get('query'), queryType: url.searchParams.get('queryType') ?? undefined }
        : (JSON.parse(req.postData() ?? '{}') as { query: unknown; queryType?: string });
    const query = typeof raw.query === 'string' ? JSON.parse(raw.query) : raw.query;
    return { kind: 'cube', page, query, ...(raw.queryType ? { queryType: raw.queryType } : {}) };
  }
  if (url.pathname.startsWith('/api/') && url.pathname !== '/api/session') {
    return {
      kind: 'api',
      page,
      method: req.method(),
      path: url.pathname + url.search,
      ...(req.postData() ? { body: req.postData()! } : {}),
    };
  }
  if (url.pathname.startsWith('/cubejs-api/') || url.pathname.startsWith('/api/'))
    return { kind: 'other', page, method: req.method(), path: url.pathname };
  return null;
}

export async function benchDashboard(
  url: string,
  options: { runs?: number; locale?: string; timeoutMs?: number } = {},
): Promise<{ pages: PageTiming[]; requests: CapturedRequest[] }> {
  const runs = options.runs ?? 3;
  const browser = await launchBrowser();
  const pages: PageTiming[] = [];
  const requests: CapturedRequest[] = [];
  try {
    for (const p of PAGES) {
      const times: number[] = [];
      const phases: VisitPhases[] = [];
      let cards = 0;
      let failedCards: string[] = [];
      let roundTrips = 0;
      let queries = 0;
      for (let i = 0; i <= runs; i++) {
        const context = await browser.newContext({ locale: options.locale ?? 'ja-JP', viewport: { width: 1440, height: 960 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const seen: CapturedRequest[] = [];
        let sent = 0;
        page.on('request', (req) => {
          const c = capture(p.name, req);
          if (c.length) sent++;
          seen.push(...c);
        });
        const started = performance.now();
        try {
          await page.goto(url.replace(/\/$/, '') + p.path);
          const states = await waitForCards(page, options.timeoutMs ?? 120_000);
          times.push(performance.now() - started);
          phases.push(await visitPhases(page, cdp));
          cards = states.length;
          failedCards = states
            .filter((s) => s.state === 'error' || s.state === 'missing')
            .map((s) => `${s.title}: ${s.text.slice(0, 200)}`);
        } catch (e) {
          // A page that never shows its figures is a failure of the run, not the end of it.
          failedCards = [`visit ${i + 1} not shown: ${(e as Error).message.split('\n')[0]}`];
        }
        roundTrips = sent;
        queries = seen.length;
        if (i === 0) requests.push(...seen);
        await context.close();
        if (failedCards.length > 0) break;
      }
      const measured = times.slice(1);
      const stats = percentiles(measured);
      const phase = (key: keyof VisitPhases) => Math.round(median(phases.slice(1).map((v) => v[key])));
      pages.push({
        page: p.name,
        ms: stats.p50,
        p95: stats.p95,
        coldMs: Math.round(times[0] ?? 0),
        runs: measured.map(Math.round),
        cards,
        failedCards,
        roundTrips,
        queries,
        phases: {
          apiMs: phase('apiMs'),
          lastAnswerMs: phase('lastAnswerMs'),
          mainThreadMs: phase('mainThreadMs'),
          mainThreadCpuMs: phase('mainThreadCpuMs'),
        },
      });
    }
  } finally {
    await browser.close();
  }
  return { pages, requests };
}

/** A page's phases as one line of text. */
export const phasesText = (f: VisitPhases) =>
  `APIs in flight ${f.apiMs} ms, last answer at ${f.lastAnswerMs} ms, main thread busy ${f.mainThreadMs} ms (CPU ${f.mainThreadCpuMs} ms)`;

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const url = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 4000}`;
  benchDashboard(url)
    .then(({ pages }) => {
      console.log(`dashboard at ${url}: navigation → all figures shown (median of 3 after a first visit)`);
      for (const p of pages)
        console.log(
          `  ${p.page.padEnd(10)} ${p.ms.toFixed(0).padStart(6)} ms   cold ${p.coldMs.toFixed(0).padStart(6)} ms   ${p.cards} cards   ${p.roundTrips} requests carrying ${p.queries}   ${phasesText(p.phases)}`,
        );
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
