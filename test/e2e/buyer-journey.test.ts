/*
 * The buyer's process on the dashboard (docs/metrics.md definitions 19–20),
 * in a real browser, in Japanese and English, on the bundled data:
 * - (August 2025, last-touch model) the content map's buyer-step axis (stage pair × buyer-journey step) and
 *   persona axis (step × persona): every cell shows the content_coverage
 *   view's credit, formatted as the dashboard formats it, and the cells the
 *   view flags unserved read "no content" in the page's language;
 * - (FY2025) the buying-group card split by company size: each band's engaged and
 *   missing executive win rates, counts and intervals are the
 *   persona_coverage view's.
 * Screenshots: test/e2e/artifacts/buyer-journey-<axis>-<locale>.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../dashboard/src/i18n/messages';
import { formatCount, formatNumber, formatPercent, type Locale } from '../../dashboard/src/lib/format';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';
import { waitForCards } from '../../bench/dashboard-pages';
import { eq } from '../semantic/semantic-server';

const FY2025: [string, string] = ['2025-04-01', '2026-03-31'];
// A month under the last-touch model: over a whole year every step reaches every persona on the bundled data,
// while in August 2025 some cells go without content, so the page has both kinds to show.
const MONTH = '2025-08';
const MONTH_RANGE: [string, string] = ['2025-08-01', '2025-08-31'];
const MODEL = 'last_touch';
let env: DashboardEnv;
let browser: Browser;

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);

async function rows(query: Record<string, unknown>): Promise<Record<string, string | boolean>[]> {
  const res = await env.t.load({ timezone: 'Asia/Tokyo', ...query });
  if (res.status !== 200) throw new Error(`query failed ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.data;
}

async function open(path: string, locale: Locale): Promise<{ page: Page; close(): Promise<void> }> {
  const { context, page } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
  await context.setExtraHTTPHeaders({ authorization: `Bearer ${env.t.token({ role: 'executive' })}` });
  await page.goto(env.t.url + path);
  await waitForCards(page, 120_000);
  return { page, close: () => context.close() };
}

beforeAll(async () => {
  env = await sharedDashboardEnv(); // the run's shared server: this file only opens pages and asks
  browser = await launchBrowser();
}, 1_500_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const AXES = {
  journey_step: { row: 'content_coverage.stage_pair', column: 'content_coverage.buyer_journey_step' },
  persona: { row: 'content_coverage.buyer_journey_step', column: 'content_coverage.persona' },
} as const;

describe('content map by the buyer process (definition 20)', () => {
  for (const axis of ['journey_step', 'persona'] as const) {
    for (const locale of ['ja', 'en'] as const) {
      it(`draws ${axis} cells as content_coverage answers, marking the unserved ones (${locale})`, async () => {
        const m = messages[locale];
        const { row, column } = AXES[axis];
        const api = await rows({
          measures: ['content_coverage.content_credit', 'content_coverage.unserved'],
          dimensions: [row, column],
          filters: [eq('content_coverage.model', MODEL)],
          timeDimensions: [{ dimension: 'content_coverage.month', dateRange: MONTH_RANGE }],
        });
        const unserved = api.filter((r) => Number(r['content_coverage.unserved']) === 1);
        const served = api.filter((r) => Number(r['content_coverage.content_credit']) > 0);
        // the month has cells without content and cells with
        expect(unserved.length).toBeGreaterThan(0);
        expect(served.length).toBeGreaterThan(0);

        const { page, close } = await open(`/channels?period=${MONTH}&model=${MODEL}&content=${axis}`, locale);
        try {
          const table = page.getByRole('table', { name: m[`contentCoverage.table.${axis}`] });
          await table.waitFor();
          for (const r of api) {
            const key = `${r[row]}|${r[column]}`;
            const cell = table.locator(`td[data-cell="${key}"]`);
            const credit = Number(r['content_coverage.content_credit']);
            if (String(r[column]) === 'unmapped' || String(r[row]) === 'unmapped') {
              // the unmapped column is drawn only where it has credit
              if ((await cell.count()) === 0) continue;
            }
            if (Number(r['content_coverage.unserved']) === 1) {
              expect(await cell.getAttribute('data-unserved'), key).toBe('true');
              expect((await cell.innerText()).trim(), key).toBe(m['contentCoverage.unserved']);
            } else {
              expect(await cell.getAttribute('data-unserved'), key).toBe('false');
              expect((await cell.innerText()).trim(), key).toBe(credit > 0 ? formatNumber(credit, locale, 1) : '·');
            }
          }
          await table.scrollIntoViewIfNeeded();
          await screenshot(page, `buyer-journey-${axis}-${locale}`);
        } finally {
          await close();
        }
      });
    }
  }
});

describe('buying-group card by company size (definition 19)', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`shows each band's executive comparison as persona_coverage answers (${locale})`, async () => {
      const m = messages[locale];
      const api = await rows({
        measures: [
          'persona_coverage.closed_deals',
          'persona_coverage.won_deals',
          'persona_coverage.win_rate',
          'persona_coverage.win_rate_low',
          'persona_coverage.win_rate_high',
        ],
        dimensions: ['persona_coverage.employee_band', 'persona_coverage.is_engaged'],
        timeDimensions: [{ dimension: 'persona_coverage.closed_at', dateRange: FY2025 }],
        filters: [eq('persona_coverage.deal_type', 'new'), eq('persona_coverage.persona', 'executive')],
      });
      expect(new Set(api.map((r) => r['persona_coverage.employee_band'])).size).toBeGreaterThan(1);
      const { page, close } = await open('/funnel?period=FY2025&buyers=band', locale);
      try {
        const persona = locale === 'ja' ? '経営層' : 'Executive';
        const table = page.getByRole('table', { name: fill(m['buyingGroup.bandTable'], { persona }) });
        await table.waitFor();
        for (const r of api) {
          const band = String(r['persona_coverage.employee_band']);
          const text = (await table.locator(`tr[data-band="${band}"]`).innerText()).replace(/\s+/g, ' ');
          expect(text, band).toContain(
            fill(m['buyingGroup.cell'], {
              rate: formatPercent(Number(r['persona_coverage.win_rate']), locale),
              won: formatCount(Number(r['persona_coverage.won_deals']), locale),
              closed: formatCount(Number(r['persona_coverage.closed_deals']), locale),
            }),
          );
          expect(text, band).toContain(
            fill(m['buyingGroup.interval'], {
              low: formatPercent(Number(r['persona_coverage.win_rate_low']), locale, 0),
              high: formatPercent(Number(r['persona_coverage.win_rate_high']), locale, 0),
            }),
          );
        }
        await table.scrollIntoViewIfNeeded();
        await screenshot(page, `buyer-journey-bands-${locale}`);
      } finally {
        await close();
      }
    });
  }
});
