/*
 * The landing forecast card on the plan page in a real browser, in Japanese
 * and English: the fiscal year's revenue forecast, its 80 % interval and the
 * straight-line pace equal what the API answers (formatted with the
 * dashboard's own formatters), and the backtest table shows a row per
 * months remaining with the forecast's error next to the pace's.
 * Screenshots: test/e2e/artifacts/plan-forecast-{ja,en}.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { formatPercent, formatYen } from '../../dashboard/src/lib/format';
import { messages } from '../../dashboard/src/i18n/messages';
import { waitForCards } from '../../bench/dashboard-pages';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';

let env: DashboardEnv;
let browser: Browser;

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function api(query: Record<string, unknown>): Promise<Record<string, string | number | null>[]> {
  const res = await env.t.load({ timezone: 'Asia/Tokyo', ...query });
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('the landing forecast card', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`shows the forecast, its interval, the pace and the backtest (${locale})`, async () => {
      const [year] = await api({
        measures: [
          'landing_forecast.forecast',
          'landing_forecast.forecast_low',
          'landing_forecast.forecast_high',
          'landing_forecast.pace',
        ],
        filters: [
          { member: 'landing_forecast.period_type', operator: 'equals', values: ['fiscal_year'] },
          { member: 'landing_forecast.metric', operator: 'equals', values: ['revenue'] },
        ],
      });
      const backtest = await api({
        measures: ['forecast_backtest.forecast_mape', 'forecast_backtest.pace_mape'],
        dimensions: ['forecast_backtest.months_remaining'],
        filters: [{ member: 'forecast_backtest.metric', operator: 'equals', values: ['revenue'] }],
      });
      const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      try {
        await page.goto(`${env.t.url}/plan`);
        await waitForCards(page);
        const card = page.locator('section[data-card-state]', {
          has: page.locator(`h3:text-is("${messages[locale]['plan.forecast.title']}")`),
        });
        expect(await card.getAttribute('data-card-state')).toBe('ready');
        expect(await card.locator('[data-figure="forecast-revenue"]').textContent()).toBe(
          formatYen(year!['landing_forecast.forecast'], locale),
        );
        const interval = await card.locator('[data-figure="forecast-revenue-interval"]').textContent();
        expect(interval).toContain(formatYen(year!['landing_forecast.forecast_low'], locale));
        expect(interval).toContain(formatYen(year!['landing_forecast.forecast_high'], locale));
        expect(interval).toContain(formatYen(year!['landing_forecast.pace'], locale));
        const six = backtest.find((r) => Number(r['forecast_backtest.months_remaining']) === 6)!;
        const row = card.locator('tr[data-months-remaining="6"]');
        expect(await row.textContent()).toContain(formatPercent(six['forecast_backtest.forecast_mape'], locale));
        expect(await row.textContent()).toContain(formatPercent(six['forecast_backtest.pace_mape'], locale));
        expect(await card.locator('tr[data-months-remaining]').count()).toBe(backtest.length);
        await card.scrollIntoViewIfNeeded();
        await screenshot(page, `plan-forecast-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
