/*
 * The board's, plan's and review's figures (definitions 11 and 12) in a real browser, in both languages, checked against
 * the API (Cube REST and POST /api/plan) on the bundled data:
 * - board: the fiscal year's attainment reads "x% of target" / 目標比 x%,
 *   from the deals and targets views; the forecast is an attainment with a
 *   signed gap, never an arrow badge;
 * - plan: revenue target, recurring forecast and new-business target (the
 *   plan's own line, definition 11) and the wins it requires equal POST
 *   /api/plan with the page's body;
 * - review: the KPI tree's new-business and recurring branches equal the
 *   kpi_tree view, and the velocity factor explains itself;
 * - on every tile of the three pages: a percentage of target or plan is
 *   never signed, and a change (a delta badge) always is and never names a
 *   target — the two are never printed the same way.
 * Screenshots: test/e2e/artifacts/figures-<page>-<locale>.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAttainment, formatCount, formatYen, type Locale } from '../../dashboard/src/lib/format';
import { currentFiscalYearKey, resolvePeriod } from '../../dashboard/src/lib/resolve-period';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { cubeRows, sharedDashboardEnv, type DashboardEnv, planMonths } from './dashboard-fixture';
import { waitForCards } from '../../bench/dashboard-pages';

const LOCALES = ['ja', 'en'] as const;

let env: DashboardEnv;
let browser: Browser;
let fy: ReturnType<typeof resolvePeriod>;

const rows = (query: Record<string, unknown>) => cubeRows(env.t, query);

async function open(path: string, locale: Locale): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
  await page.goto(env.t.url + path);
  await waitForCards(page);
  return { page, problems, close: () => context.close() };
}

const text = async (page: Page, name: string) => (await page.locator(`[data-figure="${name}"]`).first().textContent())?.trim();

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
  const latest = await rows({
    measures: ['stage_reach.leads'],
    timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'day' }],
    order: { 'stage_reach.reached_at': 'desc' },
    limit: 1,
  });
  fy = resolvePeriod(currentFiscalYearKey(String(latest[0]!['stage_reach.reached_at.day']).slice(0, 10)));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

/** Every percentage in the page's tiles, with whether it is signed and whether it names a target or plan. */
async function percentages(page: Page): Promise<{ token: string; signed: boolean; ofTarget: boolean }[]> {
  const texts = await page.$$eval('[data-card-state]', (els) => els.map((e) => (e as HTMLElement).innerText));
  const out: { token: string; signed: boolean; ofTarget: boolean }[] = [];
  const re = /(目標比|計画比)?\s*([+−±-]?)(\d[\d,]*(?:\.\d+)?)%(pt)?(\s+of\s+(?:target|plan))?/g;
  for (const t of texts) {
    for (const m of t.matchAll(re)) out.push({ token: m[0].trim(), signed: m[2] !== '', ofTarget: !!(m[1] || m[5]) });
  }
  return out;
}

describe('figures that read right (definitions 11, 12), board, plan and review in both languages', () => {
  for (const locale of LOCALES) {
    it(`board (${locale}): the year's attainment and forecast read as a share of target`, async () => {
      const [won] = await rows({
        measures: ['deals.won_amount'],
        timeDimensions: [{ dimension: 'deals.closed_at', dateRange: [fy.start, fy.end] }],
      });
      const [target] = await rows({
        measures: ['targets.target'],
        filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue'] }],
        timeDimensions: [{ dimension: 'targets.fiscal_month', dateRange: [fy.start, fy.end] }],
      });
      const attainment = Number(won!['deals.won_amount']) / Number(target!['targets.target']);
      // the running year's forecast is the landing forecast of definition 18, not the straight-line pace
      const [landing] = await rows({
        measures: ['landing_forecast.forecast', 'landing_forecast.pace'],
        filters: [
          { member: 'landing_forecast.metric', operator: 'equals', values: ['revenue'] },
          { member: 'landing_forecast.period_type', operator: 'equals', values: ['fiscal_year'] },
        ],
      });
      const landed = Number(landing!['landing_forecast.forecast']);
      expect(landed).not.toBe(Number(landing!['landing_forecast.pace']));
      const { page, problems, close } = await open('/', locale);
      try {
        expect(await text(page, 'attainment-year')).toBe(formatAttainment(attainment, locale));
        expect(await text(page, 'landing-year')).toBe(formatYen(landed, locale));
        expect(await text(page, 'forecast-attainment-year')).toContain(
          formatAttainment(landed / Number(target!['targets.target']), locale),
        );
        const basis = locale === 'ja' ? /^目標比 \d+%$/ : /^\d+% of target$/;
        expect(await text(page, 'forecast-attainment-year')).toMatch(basis);
        expect(await text(page, 'forecast-gap-year')).toMatch(locale === 'ja' ? /^目標差 [+−±]/ : /^gap to target [+−±]/);
        await screenshot(page, `figures-board-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });

    it(`plan (${locale}): the new-business target, recurring forecast and wins equal POST /api/plan`, async () => {
      const fiscalMonths = await planMonths(env.t, fy);
      expect(fiscalMonths.every((m) => m.newRevenueTarget !== undefined)).toBe(true);
      const res = await env.t.request('/api/plan', { method: 'POST', body: JSON.stringify({ fiscalMonths }) });
      expect(res.status).toBe(200);
      const totals = res.body.plan.totals;
      expect(totals.newBusinessTarget).toBeLessThan(totals.revenueTarget);
      const { page, problems, close } = await open('/plan', locale);
      try {
        await expect.poll(() => text(page, 'plan-new-business-target')).toBe(formatYen(totals.newBusinessTarget, locale));
        expect(await text(page, 'plan-revenue-target')).toBe(formatYen(totals.revenueTarget, locale));
        expect(await text(page, 'plan-recurring-forecast')).toBe(formatYen(totals.recurringForecast, locale));
        expect(await text(page, 'required-won')).toBe(formatCount(totals.byStage.won.requiredDisplay, locale));
        await screenshot(page, `figures-plan-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });

    it(`review (${locale}): new-business and recurring branches from the kpi_tree view; the velocity factor explained`, async () => {
      const nodes = await rows({
        dimensions: ['kpi_tree.node'],
        measures: ['kpi_tree.actual', 'kpi_tree.plan'],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
          { member: 'kpi_tree.node', operator: 'equals', values: ['new_business_revenue', 'recurring_revenue'] },
        ],
        timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', dateRange: [fy.start, fy.start] }],
      });
      expect(nodes).toHaveLength(2);
      const { page, problems, close } = await open('/review', locale);
      try {
        for (const n of nodes) {
          const row = await page.locator(`tr[data-node="${n['kpi_tree.node']}"]`).first().textContent();
          expect(row).toContain(formatYen(Number(n['kpi_tree.actual']), locale));
          expect(row).toContain(formatYen(Number(n['kpi_tree.plan']), locale));
        }
        const note = await page.locator('[data-note="velocity"]').first().textContent();
        expect(note).toMatch(locale === 'ja' ? /転換率ではない/ : /Not a conversion/);
        await screenshot(page, `figures-review-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  for (const path of ['/', '/plan', '/review']) {
    for (const locale of LOCALES) {
      it(`${path} (${locale}): a percentage of target is never signed, a change always is`, async () => {
        const { page, close } = await open(path, locale);
        try {
          const found = await percentages(page);
          expect(found.length).toBeGreaterThan(0);
          for (const p of found.filter((x) => x.ofTarget)) expect(p.signed, p.token).toBe(false);
          const changes = await page.$$eval('[data-change]', (els) => els.map((e) => (e.textContent ?? '').trim()));
          for (const c of changes) {
            expect(c, c).toMatch(/^([+−±]|–$)/);
            expect(c, c).not.toMatch(/目標比|計画比|of target|of plan/);
          }
          if (path === '/') expect(found.filter((x) => x.ofTarget).length).toBeGreaterThanOrEqual(6);
        } finally {
          await close();
        }
      });
    }
  }
});
