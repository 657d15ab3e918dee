/*
 * What the browser tests and the dashboard benchmark share: the pages, and
 * "all tiles rendered" — every card ([data-card-state]) has left the
 * loading state and every visible chart in it has drawn its svg. Cards
 * render their frame at once (skeletons), so counting them does not race
 * the data.
 */
import type { Page } from 'playwright-core';

export const PAGES = [
  { name: 'board', path: '/' },
  { name: 'funnel', path: '/funnel' },
  { name: 'backlog', path: '/backlog' },
  { name: 'channels', path: '/channels' },
  { name: 'plan', path: '/plan' },
  { name: 'review', path: '/review' },
  { name: 'definitions', path: '/definitions' },
] as const;

export type PageName = (typeof PAGES)[number]['name'];

export interface CardState {
  title: string;
  state: string;
  text: string;
}

/**
 * Resolves once every card on the page has left the loading state; returns each card's title and state.
 *
 * The wait runs in the page as one evaluation (a MutationObserver and the check it triggers), not as Playwright's
 * waitForFunction: that one first compiles Playwright's injected script in the page, on the page's main thread while
 * the dashboard loads (48-393 ms on a loaded 2-core machine in Chromium's trace), which no visitor's browser does.
 * A navigation while waiting (the evaluation's page replaced) waits again in the new page, until `timeout`.
 */
export async function waitForCards(page: Page, timeout = 60_000): Promise<CardState[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return (await page.evaluate(`(${CARDS_SHOWN})(${Math.max(1, deadline - Date.now())})`)) as CardState[];
    } catch (e) {
      const message = (e as Error).message;
      if (Date.now() >= deadline || !/context was destroyed|navigat/i.test(message)) throw e;
    }
  }
}

/**
 * In the page: the cards' states once none is loading (checked at each change of the document), or a timeout.
 * Source text, not a function: tsx (esbuild's keepNames) would wrap a function's inner names in a helper the page
 * does not have.
 */
const CARDS_SHOWN = `(timeout) => {
  const states = () =>
    [...document.querySelectorAll('[data-card-state]')].map((e) => ({
      title: e.querySelector('h3')?.textContent ?? '',
      state: e.getAttribute('data-card-state') ?? '',
      text: (e.textContent ?? '').slice(0, 400),
    }));
  // a visible chart counts as shown once its svg is there: the dashboard's charts draw it in the commit that takes
  // their card out of loading (dashboard/src/components/charts.tsx, test/e2e/charts-drawn.test.ts), a chart drawn
  // a render later (recharts' ResponsiveContainer on its own measures first) is waited for
  const undrawn = () =>
    [...document.querySelectorAll('[data-card-state] .recharts-responsive-container')].filter(
      (c) => c.getClientRects().length > 0 && !c.querySelector('svg.recharts-surface'),
    );
  const shown = () => {
    const cards = document.querySelectorAll('[data-card-state]');
    return cards.length > 0 && [...cards].every((c) => c.getAttribute('data-card-state') !== 'loading') && undrawn().length === 0;
  };
  return new Promise((resolve, reject) => {
    if (shown()) return resolve(states());
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(states());
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      const loading = states().filter((c) => c.state === 'loading').map((c) => c.title);
      const charts = undrawn().map((c) => c.closest('[data-card-state]')?.querySelector('h3')?.textContent ?? '?');
      const what = loading.length ? 'still loading: ' + loading.join(', ')
        : charts.length ? 'charts not drawn in: ' + charts.join(', ') : 'no card on the page';
      reject(new Error('waitForCards: ' + timeout + ' ms exceeded, ' + what));
    }, timeout);
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-card-state'] });
  });
}`;
