/*
 * What the browser tests and the dashboard benchmark share: the pages, and
 * "all tiles rendered" — every card ([data-card-state]) has left the
 * loading state. Cards render their frame at once (skeletons), so counting
 * them does not race the data.
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

/** Resolves once every card on the page has left the loading state; returns each card's title and state. */
export async function waitForCards(page: Page, timeout = 60_000): Promise<{ title: string; state: string; text: string }[]> {
  await page.waitForFunction(
    () => {
      const cards = [...document.querySelectorAll('[data-card-state]')];
      return cards.length > 0 && cards.every((c) => c.getAttribute('data-card-state') !== 'loading');
    },
    null,
    { timeout, polling: 50 },
  );
  return page.$$eval('[data-card-state]', (els) =>
    els.map((e) => ({
      title: e.querySelector('h3')?.textContent ?? '',
      state: e.getAttribute('data-card-state') ?? '',
      text: (e.textContent ?? '').slice(0, 400),
    })),
  );
}
