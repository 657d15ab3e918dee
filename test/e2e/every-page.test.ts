/*
 * Every page at the desktop width, on a phone (390×844) and a tablet
 * (768×1024), and for everyone, in Japanese and English, in a real browser
 * against the real server.
 *
 * - Layout: every visible element's bounding box ends inside the viewport,
 *   unless it sits in a box that scrolls sideways (a wide table in a
 *   focusable region), and the page does not scroll sideways. The page's
 *   scroll width alone would miss content clipped by an `overflow: hidden`
 *   ancestor, so each element is measured too.
 * - Navigation below the `lg` breakpoint is a menu button that opens the
 *   page list (each link on one line), and the board's KGI (revenue against
 *   target) is its first card, within the phone's first screen.
 * - Accessibility: axe-core (injected from node_modules) finds no serious or
 *   critical violation on any page, at the phone and at the desktop width.
 *   No rule is turned off.
 * - While the first figures load, the header shows no date; the data's
 *   as-of day once it is known.
 *
 * - Every page of the navigation, at the desktop width, in both languages:
 *   every card out of its loading state with data, the page's language, the
 *   navigation's links, and no console error, page error or HTTP error.
 *
 * Screenshots of every page: test/e2e/artifacts/<page>-<locale>.png at the
 * desktop width, phone-<page>-<locale>.png at 390 px.
 * One server, one browser. Each page is loaded once per language, checked at
 * the desktop width, then narrowed to the tablet and the phone: the layout is
 * CSS alone (no script of the dashboard reads the width), so a narrowed page
 * lays out as one opened at that width, and the charts follow their box
 * (ResizeObserver). One load instead of three per page and language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { messages } from '../../dashboard/src/i18n/messages';
import { formatDate } from '../../dashboard/src/lib/format';
import { PAGES, waitForCards } from '../../bench/dashboard-pages';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';

const LOCALES = ['ja', 'en'] as const;
type Locale = (typeof LOCALES)[number];
const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  tablet: { width: 768, height: 1024 },
  desktop: { width: 1440, height: 960 },
} as const;
type Viewport = keyof typeof VIEWPORTS;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The pages of the navigation, the Data page and one lead's journey (its id is read from the backlog's stuck list). */
let pages: { name: string; path: string }[] = [...PAGES, { name: 'data', path: '/data' }];

let env: DashboardEnv;
let browser: Browser;
const tabs = new Map<string, { context: BrowserContext; page: Page; problems: string[] }>();

async function tab(viewport: Viewport, locale: Locale): Promise<{ page: Page; problems: string[] }> {
  const key = `${viewport}-${locale}`;
  const open = tabs.get(key);
  if (open) return open;
  const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
  await page.setViewportSize(VIEWPORTS[viewport]);
  // Signed in as an executive, as an authenticating proxy would send it: the anonymous local session only reads.
  await context.setExtraHTTPHeaders({ authorization: `Bearer ${env.t.token({ role: 'executive' })}` });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  const made = { context, page, problems };
  tabs.set(key, made);
  return made;
}

async function visit(viewport: Viewport, locale: Locale, path: string): Promise<Page> {
  const { page } = await tab(viewport, locale);
  await page.goto(env.t.url + path);
  await waitForCards(page);
  return page;
}

/** Sets the page's viewport and waits for two frames: the layout, the charts' ResizeObserver and their redraw. */
async function narrow(page: Page, viewport: Viewport): Promise<void> {
  await page.setViewportSize(VIEWPORTS[viewport]);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

type Failures = Record<Viewport, string[]> & {
  /** Per page of the navigation at the desktop width: cards not ready, wrong language or links, console or HTTP errors. */
  pages: Record<string, string[]>;
};
const sweeps = new Map<Locale, Promise<Failures>>();

/**
 * Every page in one language: axe at the desktop width; the menu and the
 * layout at the tablet's; the menu, the layout, axe and a screenshot at the
 * phone's. Run once per language, read by the three viewports' tests.
 */
function sweep(locale: Locale): Promise<Failures> {
  let run = sweeps.get(locale);
  if (!run) sweeps.set(locale, (run = sweepPages(locale)));
  return run;
}

async function sweepPages(locale: Locale): Promise<Failures> {
  const failures: Failures = { phone: [], tablet: [], desktop: [], pages: {} };
  const { page, problems } = await tab('desktop', locale);
  for (const p of pages) {
    await narrow(page, 'desktop');
    const seen = problems.length;
    await page.goto(env.t.url + p.path);
    const cards = await waitForCards(page);
    if (PAGES.some((n) => n.name === p.name)) {
      const out: string[] = (failures.pages[p.name] = []);
      for (const c of cards.filter((card) => card.state !== 'ready')) out.push(`card not ready: ${JSON.stringify(c)}`);
      const lang = await page.evaluate(() => document.documentElement.lang);
      if (lang !== locale) out.push(`lang ${lang}`);
      // the analysis pages and Data (/data, test/import/data-page.test.ts)
      const links = await page.getByRole('navigation').getByRole('link').count();
      if (links !== PAGES.length + 1) out.push(`${links} navigation links`);
      await page.waitForTimeout(300); // let charts finish their first layout
      await screenshot(page, `${p.name}-${locale}`);
      out.push(...problems.slice(seen));
    }
    for (const v of await seriousViolations(page)) failures.desktop.push(`${p.name}: ${v}`);
    for (const viewport of ['tablet', 'phone'] as const) {
      await narrow(page, viewport);
      const out = failures[viewport];
      if (viewport === 'phone' && p.name === 'board') {
        await checkMenu(page, locale).catch((e: Error) => out.push(`${p.name}: menu: ${e.message}`));
      } else if (!(await menuButton(page, locale).isVisible())) out.push(`${p.name}: no menu button`);
      for (const o of await overflowingElements(page)) out.push(`${p.name}: ${o.element} spans ${o.left}..${o.right}`);
      if (viewport !== 'phone') continue;
      for (const v of await seriousViolations(page)) out.push(`${p.name}: ${v}`);
      await screenshot(page, `phone-${p.name}-${locale}`);
    }
  }
  await narrow(page, 'desktop');
  return failures;
}

interface Overflow {
  element: string;
  left: number;
  right: number;
}

/**
 * Visible elements that reach past the viewport's left or right edge and are
 * not inside a box that scrolls sideways (outermost offenders only).
 * Written without named inner functions: the test runner's transform would
 * wrap those in a helper that does not exist in the page.
 */
function overflowingElements(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: { element: string; left: number; right: number }[] = [];
    const beyond = new Set<Element>();
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'contents') continue;
      if (r.right <= vw + 1 && r.left >= -1) continue;
      let scrolled = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === 'auto' || ox === 'scroll') {
          scrolled = true;
          break;
        }
      }
      if (scrolled) continue;
      beyond.add(el);
      if (el.parentElement && beyond.has(el.parentElement)) continue;
      const cls = typeof el.className === 'string' ? el.className : '';
      out.push({
        element: `${el.tagName.toLowerCase()}${cls ? `.${cls.split(/\s+/).slice(0, 4).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`,
        left: Math.round(r.left),
        right: Math.round(r.right),
      });
    }
    // an absolutely placed element whose containing block is outside a scrolling box escapes it
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > vw) out.push({ element: `the page (scroll width ${scrollWidth})`, left: 0, right: scrollWidth });
    return out;
  });
}

/** axe-core's serious and critical violations on the page as it is: rule, impact, count and the first targets. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  )) as { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id} ×${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

const menuButton = (page: Page, locale: Locale) =>
  page
    .getByRole('navigation', { name: messages[locale]['nav.label'], exact: true })
    .getByRole('button', { name: messages[locale]['nav.menu'] });

/** The navigation below `lg`: a menu button; the list opens on it, each link on one line, and Esc closes it. */
async function checkMenu(page: Page, locale: Locale): Promise<void> {
  const t = messages[locale];
  const nav = page.getByRole('navigation', { name: t['nav.label'], exact: true });
  const button = menuButton(page, locale);
  expect(await button.isVisible()).toBe(true);
  const links = nav.getByRole('link');
  expect(await links.first().isVisible()).toBe(false);
  await button.click();
  expect(await button.getAttribute('aria-expanded')).toBe('true');
  const boxes = await links.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(e).lineHeight);
      return { text: e.textContent, left: r.left, right: r.right, lines: Math.round((r.height - 16) / lineHeight) };
    }),
  );
  expect(boxes.map((b) => b.text)).toEqual(
    ['nav.board', 'nav.funnel', 'nav.backlog', 'nav.channels', 'nav.plan', 'nav.review', 'nav.data', 'nav.definitions'].map(
      (k) => t[k as keyof typeof t],
    ),
  );
  for (const b of boxes) {
    expect(b.lines, `${b.text} on one line`).toBe(1);
    expect(b.left).toBeGreaterThanOrEqual(0);
    expect(b.right).toBeLessThanOrEqual(VIEWPORTS.phone.width);
  }
  await page.keyboard.press('Escape');
  expect(await links.first().isVisible()).toBe(false);
}

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
  // A lead's journey: the first lead of the stuck list on the backlog page.
  const page = await visit('desktop', 'ja', '/backlog');
  const href = await page.locator('a[href^="/leads/"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  pages = [...pages, { name: 'journey', path: new URL(env.t.url + href!).pathname }];
}, 600_000);

afterAll(async () => {
  for (const { context } of tabs.values()) await context.close();
  await browser?.close();
  await env?.close();
});

describe('every page, in both languages', () => {
  for (const p of PAGES) {
    for (const locale of LOCALES) {
      it(`${p.name} (${locale}) shows data on every card, without console errors`, async () => {
        expect((await sweep(locale)).pages[p.name]).toEqual([]);
      }, 300_000);
    }
  }
});

describe('on a 390 px phone', () => {
  for (const locale of LOCALES) {
    it(`every page fits, the navigation is a menu, axe finds nothing serious (${locale})`, async () => {
      const { problems } = await tab('desktop', locale);
      expect((await sweep(locale)).phone).toEqual([]);
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it("the board's KGI comes first, within the first screen", async () => {
    const page = await visit('phone', 'ja', '/');
    const first = page.locator('section[data-card-state]').first();
    expect(await first.locator('h3').textContent()).toBe(messages.ja['board.revenue.title']);
    const box = (await page.locator('[data-figure="revenue-month"]').boundingBox())!;
    expect(box.y + box.height).toBeLessThan(VIEWPORTS.phone.height);
  });
});

describe('on a 768 px tablet', () => {
  for (const locale of LOCALES) {
    it(`every page fits and the navigation is a menu (${locale})`, async () => {
      expect((await sweep(locale)).tablet).toEqual([]);
    }, 300_000);
  }
});

describe('on a desktop', () => {
  for (const locale of LOCALES) {
    it(`axe finds nothing serious on any page (${locale})`, async () => {
      expect((await sweep(locale)).desktop).toEqual([]);
    }, 300_000);
  }
});

describe('the header while the first figures load', () => {
  it("shows no date until the data's as-of day is known", async () => {
    const { page } = await tab('phone', 'en');
    // Hold every semantic-layer answer until the header has been read: the session's too, which carries /meta and
    // the settings' queries (server/api/session.ts).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/(cubejs-api\/v1\/|api\/session$)/, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(env.t.url + '/');
      const asOf = page.locator('[data-as-of]');
      await asOf.waitFor();
      expect(await asOf.getAttribute('data-as-of')).toBe('pending');
      expect(await asOf.textContent()).toBe(messages.en['app.asOfPending']);
      // the header's top row (logo, page list, as-of, language): no day at all, neither today's nor another
      expect(await page.locator('header > div').first().textContent()).not.toMatch(/\d{4}|\b[A-Z][a-z]{2} \d{1,2}\b/);
    } finally {
      release();
      // let the held requests go on before the route is removed (removing it first answers them twice)
      await page.unrouteAll({ behavior: 'wait' });
    }
    await waitForCards(page);
    await page.waitForFunction(() => document.querySelector('[data-as-of]')?.getAttribute('data-as-of') !== 'pending');
    // the data's day: the as_of setting the semantic layer publishes (the bundled data has one)
    const settings = await env.t.load({ dimensions: ['settings.key', 'settings.value'] });
    const setting = (settings.body.data as Record<string, string>[]).find((r) => r['settings.key'] === 'as_of');
    const day = setting!['settings.value'].slice(0, 10);
    expect(await page.locator('[data-as-of]').getAttribute('data-as-of')).toBe(day);
    expect(await page.locator('[data-as-of]').textContent()).toBe(
      messages.en['app.asOf'].replace('{date}', formatDate(day, 'en')),
    );
  });
});
