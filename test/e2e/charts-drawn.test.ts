/*
 * A card's charts are drawn in the commit that takes the card out of its
 * loading state, never a render later: no chart first shows an empty box
 * and then draws itself after a measuring pass (recharts'
 * ResponsiveContainer renders nothing until an effect has measured it).
 *
 * In the page, before the dashboard's code runs, a MutationObserver notes
 * for each card, at the moment its `data-card-state` leaves 'loading' (or
 * the card appears already out of it), how many chart surfaces
 * (`svg.recharts-surface`) it holds. MutationObserver callbacks run after
 * the script that changed the DOM — React's whole commit, and the updates
 * its layout effects make — and before the browser paints or runs another
 * task, so a chart drawn by a later render (an effect, a ResizeObserver)
 * is not counted. Once every figure is shown, each card must hold the same
 * number of charts as at that moment, and the pages with charts must have
 * some (so the check cannot pass on a page that draws none). Narrowed to a
 * tablet's width, each chart is then redrawn at its box's new width.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGES, waitForCards } from '../../bench/dashboard-pages';
import { launchBrowser, openPage } from '../support/browser';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';

/** Pages whose cards draw charts (recharts), at 1440×960. */
const CHART_PAGES = ['board', 'funnel', 'backlog', 'channels', 'plan'];

/** Source text run in the page before its scripts (see bench/dashboard-pages.ts on why not a function). */
const RECORD_CHARTS_ON_LEAVING_LOADING = `(() => {
  const atReady = new Map();
  window.__chartsAtReady = atReady;
  const title = (card) => card.querySelector('h3')?.textContent ?? '?';
  const note = (card) => {
    if (card.getAttribute('data-card-state') === 'loading' || atReady.has(card)) return;
    atReady.set(card, { title: title(card), charts: card.querySelectorAll('svg.recharts-surface').length });
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') note(r.target);
      else for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches('[data-card-state]')) note(n);
        for (const c of n.querySelectorAll('[data-card-state]')) note(c);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-card-state'] });
})()`;

let env: DashboardEnv;
let browser: Browser;

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('charts drawn with their data', () => {
  for (const p of PAGES) {
    it(`${p.name}: every chart is in the DOM when its card leaves loading`, async () => {
      const { context, page, problems } = await openPage(browser);
      try {
        await page.addInitScript(RECORD_CHARTS_ON_LEAVING_LOADING);
        await page.goto(env.t.url + p.path);
        await waitForCards(page);
        // a chart that waits for a measuring effect or a ResizeObserver draws within a few frames of its card
        await page.waitForTimeout(300);
        const cards = (await page.evaluate(`[...document.querySelectorAll('[data-card-state]')].map((c) => ({
          title: c.querySelector('h3')?.textContent ?? '?',
          charts: c.querySelectorAll('svg.recharts-surface').length,
          atReady: window.__chartsAtReady.get(c)?.charts ?? null,
        }))`)) as { title: string; charts: number; atReady: number | null }[];
        const late = cards.filter((c) => c.atReady !== c.charts).map((c) => `${c.title}: ${c.atReady} of ${c.charts} drawn`);
        expect(late, 'charts drawn after their card left loading').toEqual([]);
        const charts = cards.reduce((n, c) => n + c.charts, 0);
        if (CHART_PAGES.includes(p.name)) expect(charts).toBeGreaterThan(0);
        else expect(charts).toBe(0);
        // drawn at a size known up front, the charts still follow their box when the window narrows
        await page.setViewportSize({ width: 768, height: 960 });
        const SIZES = `[...document.querySelectorAll('.recharts-responsive-container')].map((c) => ({
          box: Math.round(c.getBoundingClientRect().width),
          svg: Number(c.querySelector('svg.recharts-surface')?.getAttribute('width')),
        }))`;
        // the redraw follows a ResizeObserver callback: wait for it (a loaded machine may take a while), then check
        await page.waitForFunction(`${SIZES}.every((s) => s.svg === s.box)`, null, { timeout: 5_000 }).catch(() => {});
        const sizes = (await page.evaluate(SIZES)) as { box: number; svg: number }[];
        expect(sizes.length).toBe(charts);
        for (const s of sizes) expect(s.box).toBeLessThan(768);
        expect(sizes.filter((s) => s.svg !== s.box)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
