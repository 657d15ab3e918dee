/*
 * Like windows in the browser (docs/metrics.md, definition 17): on the
 * bundled seeds (as of 2026-11-20, FY2026 by default), the board and the
 * review page print the same year-over-year change for revenue and for new
 * wins, in Japanese and in English, and that change is the one plain SQL
 * over the seed CSVs gives for the same days a year earlier (+100 % and
 * +54 %, not the −11 % and −18 % of a year to date set against a whole
 * year); both print the same win rate, of new business (28.3 %, not the
 * 46.1 % of every deal type), and the board's sales-cycle tile the tree's
 * new-business cycle (86.0 days, not the 71.9 of every won deal). The review's comparison says through which day it counts and
 * shows the full-year plan beside the plan to date. Screenshots:
 * test/e2e/artifacts/like-windows-{board,review}-{ja,en}.png.
 *
 * Also the Data page over the bundled sample (no import): its as-of, leads
 * and deals are shown as for an import, equal to the seed files' own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../../server/config';
import {
  formatByUnit,
  formatCount,
  formatDate,
  formatPercent,
  formatSignedPercent,
  formatYen,
  type Locale,
} from '../../dashboard/src/lib/format';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { waitForCards } from '../../bench/dashboard-pages';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';

let env: DashboardEnv;
let browser: Browser;
const expected = { revenue: 0, wins: 0, winRate: 0, allWinRate: 0, salesCycle: 0, asOf: '', leads: 0, opportunities: 0 };

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  await sql.run(`set TimeZone = 'Asia/Tokyo'`);
  const csv = (t: string) => `read_csv('${path.join(projectRoot, 'seeds', `${t}.csv`)}', header = true, all_varchar = true)`;
  // FY2026 from its start through as_of, against the same days twelve months earlier
  const [r] = (
    await sql.runAndReadAll(`
      with as_of as (select cast(cast(value as timestamptz) as date) as d from ${csv('settings')} where key = 'as_of'),
      o as (select status, deal_type, cast(amount as bigint) as amount,
                   cast(cast(nullif(closed_at, '') as timestamptz) as date) as closed_day,
                   epoch(cast(nullif(closed_at, '') as timestamptz)) - epoch(cast(created_at as timestamptz)) as cycle_seconds
            from ${csv('opportunities')}),
      w as (select o.*, closed_day between date '2026-04-01' and (select d from as_of) as is_now,
                   closed_day between date '2025-04-01' and (select d from as_of) - interval 12 month as is_before from o)
      select sum(amount) filter (where status = 'won' and is_now) / sum(amount) filter (where status = 'won' and is_before) - 1 as revenue,
             count(*) filter (where status = 'won' and deal_type = 'new' and is_now)
               / count(*) filter (where status = 'won' and deal_type = 'new' and is_before) - 1 as wins,
             count(*) filter (where status = 'won' and deal_type = 'new' and is_now)
               / count(*) filter (where status in ('won', 'lost') and deal_type = 'new' and is_now) as win_rate,
             count(*) filter (where status = 'won' and is_now)
               / count(*) filter (where status in ('won', 'lost') and is_now) as all_win_rate,
             avg(cycle_seconds / 86400) filter (where status = 'won' and deal_type = 'new' and is_now) as sales_cycle
      from w`)
  ).getRowObjectsJS();
  expected.revenue = Number(r!.revenue);
  expected.wins = Number(r!.wins);
  expected.winRate = Number(r!.win_rate);
  expected.allWinRate = Number(r!.all_win_rate);
  expected.salesCycle = Number(r!.sales_cycle);
  const [seeds] = (
    await sql.runAndReadAll(`
      select (select value from ${csv('settings')} where key = 'as_of') as as_of,
             (select count(*) from ${csv('leads')}) as leads, (select count(*) from ${csv('opportunities')}) as opportunities`)
  ).getRowObjectsJS();
  expected.asOf = String(seeds!.as_of);
  expected.leads = Number(seeds!.leads);
  expected.opportunities = Number(seeds!.opportunities);
  sql.closeSync();
  db.closeSync();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

const strip = (s: string | null) => (s ?? '').replace(/[▲▼]/g, '').trim();

describe('board and review agree on the year-over-year change (definition 17)', () => {
  it('the seeds say revenue +100 % and new wins +54 % on the same days', () => {
    expect(Math.round(expected.revenue * 100)).toBe(100);
    expect(Math.round(expected.wins * 100)).toBe(54);
    // the win rate of new business (the KPI tree's) is far from that of every deal type: a tile counting the latter
    // beside the tree would tell the meeting two win rates
    expect(Math.round(expected.winRate * 1000)).toBe(283); // 140 ÷ (140 + 355); every type: 346 ÷ (346 + 405)
    expect(Math.round(expected.allWinRate * 1000)).not.toBe(Math.round(expected.winRate * 1000));
    // so is its sales cycle (renewals and upsells close faster): 86.0 days, not 71.9
    expect(Math.round(expected.salesCycle * 10)).toBe(860);
  });

  for (const locale of ['ja', 'en'] as const satisfies readonly Locale[]) {
    it(`prints the same change for revenue and wins, and the same new-business win rate and sales cycle, on both pages (${locale})`, async () => {
      const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      try {
        await page.goto(`${env.t.url}/`);
        await waitForCards(page);
        const boardRevenue = strip(await page.locator('[data-figure="yoy-year"]').first().textContent());
        const winsTitle = locale === 'ja' ? '新規受注件数' : 'New wins';
        const winsTile = page.locator('section[data-card-state]', { has: page.locator(`h3:text-is("${winsTitle}")`) });
        const boardWins = strip(await winsTile.locator('[data-change]').textContent());
        const winRateTitle = locale === 'ja' ? '新規受注率' : 'New win rate';
        const winRateTile = page.locator('section[data-card-state]', { has: page.locator(`h3:text-is("${winRateTitle}")`) });
        const boardWinRate = await winRateTile.locator('[data-figure]').textContent();
        // the sales-cycle tile and the tree below it on the board: the same new-business cycle
        const cycleTitle = locale === 'ja' ? '営業サイクル (新規)' : 'Sales cycle (new)';
        const cycleTile = page.locator('section[data-card-state]', { has: page.locator(`h3:text-is("${cycleTitle}")`) });
        expect({
          tile: await cycleTile.locator('[data-figure]').textContent(),
          tree: await page.locator('tr[data-node="sales_cycle_days"] td[data-col="actual"]').first().textContent(),
        }).toEqual({
          tile: formatByUnit(expected.salesCycle, 'days', locale),
          tree: formatByUnit(expected.salesCycle, 'days', locale),
        });
        // the KPI tree shows the running year's landing forecast (definition 18) beside its plans
        const landing = await env.t.load({
          measures: ['landing_forecast.forecast'],
          filters: [
            { member: 'landing_forecast.metric', operator: 'equals', values: ['revenue'] },
            { member: 'landing_forecast.period_type', operator: 'equals', values: ['fiscal_year'] },
          ],
        });
        expect(landing.status).toBe(200);
        const landed = Number(landing.body.data[0]['landing_forecast.forecast']);
        expect(await page.locator('tr[data-node="revenue"] td[data-col="landing"]').first().textContent()).toMatch(
          new RegExp(`^${formatYen(landed, locale).replace(/[.$]/g, '\\$&')}`),
        );
        await screenshot(page, `like-windows-board-${locale}`);

        await page.goto(`${env.t.url}/review`);
        await waitForCards(page);
        const cell = (node: string, col: string) =>
          page.locator(`tr[data-node="${node}"] td[data-col="${col}"]`).first().textContent();
        const reviewRevenue = strip(await cell('revenue', 'yearAgo-change'));
        const reviewWins = strip(await cell('wins', 'yearAgo-change'));
        const reviewWinRate = await cell('conversion:opportunity->won', 'actual');
        const fullPlan = await cell('revenue', 'plan-full');
        const note = await page
          .locator('section[data-card-state]')
          .filter({ has: page.locator('table') })
          .first()
          .textContent();
        await screenshot(page, `like-windows-review-${locale}`);

        const want = {
          revenue: formatSignedPercent(expected.revenue, locale),
          wins: formatSignedPercent(expected.wins, locale),
          winRate: formatPercent(expected.winRate, locale),
        };
        expect({
          board: { revenue: boardRevenue, wins: boardWins, winRate: boardWinRate },
          review: { revenue: reviewRevenue, wins: reviewWins, winRate: reviewWinRate },
        }).toEqual({
          board: want,
          review: want,
        });
        // like for like is said, and the whole-year plan stays beside the plan to date
        expect(note).toContain(locale === 'ja' ? '2026/11/20' : 'Nov 20, 2026');
        expect(note).not.toContain(locale === 'ja' ? '期間全体の値' : 'whole periods');
        expect(note).toContain(locale === 'ja' ? '通期計画' : 'Full-year plan');
        expect(fullPlan).toMatch(/\d/);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

describe('the Data page over the bundled sample', () => {
  for (const locale of ['ja', 'en'] as const satisfies readonly Locale[]) {
    it(`shows its as-of, leads and deals as for an import (${locale})`, async () => {
      const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      try {
        await page.goto(`${env.t.url}/data`);
        await page.waitForSelector('[data-figure="data.leads"]', { timeout: 60_000 });
        const fig = (name: string) => page.locator(`[data-figure="${name}"]`).first().textContent();
        expect(expected.asOf.slice(0, 10)).toBe('2026-11-20');
        expect({ asOf: await fig('data.asOf'), leads: await fig('data.leads'), deals: await fig('data.opportunities') }).toEqual({
          asOf: formatDate(expected.asOf, locale),
          leads: formatCount(expected.leads, locale),
          deals: formatCount(expected.opportunities, locale),
        });
        expect(expected.leads).toBeGreaterThan(1000);
        await screenshot(page, `data-bundled-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
