/*
 * Dashboard benchmark (not a test): time from navigation to all tiles
 * rendered, per page, in Debian's Chromium through playwright-core.
 *
 * "All tiles rendered" = every card ([data-card-state]) has left its
 * loading state (see test/e2e/dashboard-pages.ts). Each page is opened in a
 * fresh browser context (no client cache, a new session token) `runs` times
 * after one warm-up visit that is not counted (it warms the server's query
 * cache the way a second visitor would find it); the median is reported,
 * with the first (cold) visit beside it.
 *
 *   benchDashboard(url)            used by `npm run bench` (bench/run.ts)
 *   npx tsx bench/dashboard.ts URL run on its own against a running server
 *                                  (default http://localhost:4000)
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { PAGES, waitForCards } from '../test/e2e/dashboard-pages';

/**
 * Debian's Chromium with the flags of test/support/browser.ts. That module
 * is not imported: it uses __dirname, which is undefined when tsx runs this
 * file as an ES module (`npm run bench`).
 */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageTiming {
  page: string;
  /** Median over the measured runs, ms. */
  ms: number;
  /** The first visit, before the server's cache held the page's queries, ms. */
  coldMs: number;
  runs: number[];
  cards: number;
}

export async function benchDashboard(url: string, options: { runs?: number; locale?: string } = {}): Promise<PageTiming[]> {
  const runs = options.runs ?? 3;
  const browser = await launchBrowser();
  const out: PageTiming[] = [];
  try {
    for (const p of PAGES) {
      const times: number[] = [];
      let cards = 0;
      for (let i = 0; i <= runs; i++) {
        const context = await browser.newContext({ locale: options.locale ?? 'ja-JP', viewport: { width: 1440, height: 960 } });
        const page = await context.newPage();
        const started = performance.now();
        await page.goto(url.replace(/\/$/, '') + p.path);
        const states = await waitForCards(page, 120_000);
        times.push(performance.now() - started);
        cards = states.length;
        await context.close();
      }
      const measured = times.slice(1);
      const sorted = [...measured].sort((a, b) => a - b);
      out.push({ page: p.name, ms: sorted[Math.floor(sorted.length / 2)]!, coldMs: times[0]!, runs: measured, cards });
    }
  } finally {
    await browser.close();
  }
  return out;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const url = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 4000}`;
  benchDashboard(url)
    .then((pages) => {
      console.log(`dashboard at ${url}: navigation → all tiles rendered (median of 3 after a warm-up)`);
      for (const p of pages) console.log(`  ${p.page.padEnd(10)} ${p.ms.toFixed(0).padStart(6)} ms   cold ${p.coldMs.toFixed(0).padStart(6)} ms   ${p.cards} cards`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
