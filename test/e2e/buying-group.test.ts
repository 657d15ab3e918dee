/*
 * The buying-group card on the Funnel page (docs/metrics.md definition 19),
 * in a real browser, in Japanese and English, on the bundled data, FY2025:
 * the headline "deals where 経営層 was engaged before the proposal win X %
 * vs Y %" and every persona's engaged / missing win rate, counts and 95 %
 * interval are the persona_coverage view's figures for the period's closed
 * new deals, formatted as the dashboard formats them. On the bundled data the
 * planted effect (seeds/generator/buying-group.ts) reads "wins more" for the
 * executive and, with the executive held fixed (deals without one engaged),
 * nothing for any other persona. The accounts-in-motion card lists the
 * accounts of the week holding as_of (2026-11-16 … 22) that the view lists,
 * with the entered / went-quiet counts in its subtitle.
 * Screenshots: test/e2e/artifacts/buying-group-<locale>.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../dashboard/src/i18n/messages';
import { formatCount, formatDate, formatPercent, type Locale } from '../../dashboard/src/lib/format';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';
import { waitForCards } from '../../bench/dashboard-pages';

const LABELS: Record<string, Record<Locale, string>> = {
  executive: { ja: '経営層', en: 'Executive' },
  it_admin: { ja: '情報システム', en: 'IT admin' },
};

let env: DashboardEnv;
let browser: Browser;
type Cell = { won: number; closed: number; rate: number; low: number; high: number };
const api: Record<string, { engaged: Cell; missing: Cell }> = {};
const motion = { accounts: [] as string[], entered: 0, quiet: 0 };

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);

async function coverage(filters: object[]): Promise<void> {
  const res = await env.t.load({
    timezone: 'Asia/Tokyo',
    measures: [
      'persona_coverage.closed_deals',
      'persona_coverage.won_deals',
      'persona_coverage.win_rate',
      'persona_coverage.win_rate_low',
      'persona_coverage.win_rate_high',
    ],
    dimensions: ['persona_coverage.persona', 'persona_coverage.is_engaged'],
    timeDimensions: [{ dimension: 'persona_coverage.closed_at', dateRange: ['2025-04-01', '2026-03-31'] }],
    filters: [{ member: 'persona_coverage.deal_type', operator: 'equals', values: ['new'] }, ...filters],
  });
  expect(res.status).toBe(200);
  for (const r of res.body.data as Record<string, string | boolean>[]) {
    const persona = String(r['persona_coverage.persona']);
    const cell: Cell = {
      won: Number(r['persona_coverage.won_deals']),
      closed: Number(r['persona_coverage.closed_deals']),
      rate: Number(r['persona_coverage.win_rate']),
      low: Number(r['persona_coverage.win_rate_low']),
      high: Number(r['persona_coverage.win_rate_high']),
    };
    api[persona] ??= {} as { engaged: Cell; missing: Cell };
    api[persona]![
      r['persona_coverage.is_engaged'] === true || r['persona_coverage.is_engaged'] === 'true' ? 'engaged' : 'missing'
    ] = cell;
  }
}

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
  const week = await env.t.load({
    timezone: 'Asia/Tokyo',
    measures: ['accounts_in_motion.accounts_entered', 'accounts_in_motion.accounts_went_quiet'],
    dimensions: ['accounts_in_motion.account_id'],
    timeDimensions: [{ dimension: 'accounts_in_motion.week_start_at', dateRange: ['2026-11-16', '2026-11-22'] }],
  });
  expect(week.status).toBe(200);
  for (const r of week.body.data as Record<string, string>[]) {
    motion.accounts.push(r['accounts_in_motion.account_id']!);
    motion.entered += Number(r['accounts_in_motion.accounts_entered']);
    motion.quiet += Number(r['accounts_in_motion.accounts_went_quiet']);
  }
  // The executive across all new deals; the other personas among the deals without an executive engaged (as the card compares them).
  await coverage([{ member: 'persona_coverage.persona', operator: 'equals', values: ['executive'] }]);
  await coverage([
    { member: 'persona_coverage.personas_covered', operator: 'notContains', values: ['executive'] },
    { member: 'persona_coverage.persona', operator: 'notEquals', values: ['executive'] },
  ]);
}, 1_500_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('buying-group card (definition 19)', () => {
  it('the API has both sides for the executive, and the planted effect shows in FY2025', () => {
    const { engaged, missing } = api.executive!;
    expect(engaged.closed).toBeGreaterThan(50);
    expect(missing.closed).toBeGreaterThan(50);
    expect(engaged.low).toBeGreaterThan(missing.high);
  });

  for (const locale of ['ja', 'en'] as const) {
    it(`prints the headline and each persona's figures from the view (${locale})`, async () => {
      const m = messages[locale];
      const { context, page } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      try {
        await page.goto(`${env.t.url}/funnel?period=FY2025`);
        await waitForCards(page);
        const card = page.locator('[data-card-state]').filter({ has: page.getByRole('table', { name: m['buyingGroup.title'] }) });
        await expect.poll(() => card.getAttribute('data-card-state'), { timeout: 30_000 }).toBe('ready');
        const exec = api.executive!;
        const headline = fill(m['buyingGroup.headline'], {
          persona: LABELS.executive![locale],
          engaged: formatPercent(exec.engaged.rate, locale),
          missing: formatPercent(exec.missing.rate, locale),
        });
        expect((await card.locator('[data-headline]').textContent())?.trim()).toBe(headline);
        await card.scrollIntoViewIfNeeded();
        for (const persona of ['executive', 'it_admin']) {
          const row = card.locator(`tr[data-persona="${persona}"]`);
          const text = (await row.innerText()).replace(/\s+/g, ' ');
          expect(text).toContain(LABELS[persona]![locale]);
          for (const side of ['engaged', 'missing'] as const) {
            const c = api[persona]![side];
            expect(text).toContain(
              fill(m['buyingGroup.cell'], {
                rate: formatPercent(c.rate, locale),
                won: formatCount(c.won, locale),
                closed: formatCount(c.closed, locale),
              }),
            );
            expect(text).toContain(
              fill(m['buyingGroup.interval'], { low: formatPercent(c.low, locale, 0), high: formatPercent(c.high, locale, 0) }),
            );
          }
        }
        expect(await card.locator('tr[data-persona="executive"] td').last().innerText()).toBe(m['buyingGroup.verdict.higher']);
        // no other persona changes the win rate (nothing planted): with the executive held fixed, every other row reads "within chance"
        const others = Object.keys(api).filter((p) => p !== 'executive');
        expect(others.sort()).toEqual(['department_head', 'field_staff', 'it_admin', 'procurement']);
        for (const persona of others)
          expect(await card.locator(`tr[data-persona="${persona}"] td`).last().innerText(), persona).toBe(
            m['buyingGroup.verdict.none'],
          );
        const moving = page.locator('[data-card-state]').filter({ has: page.getByRole('table', { name: m['motion.title'] }) });
        expect(motion.accounts.length).toBeGreaterThan(0);
        expect(await moving.getAttribute('data-card-state')).toBe('ready');
        expect((await moving.innerText()).replace(/\s+/g, ' ')).toContain(
          fill(m['motion.subtitle'], {
            from: formatDate('2026-11-16', locale),
            to: formatDate('2026-11-22', locale),
            entered: formatCount(motion.entered, locale),
            quiet: formatCount(motion.quiet, locale),
          }),
        );
        // The list shows 50 rows at a time: every page's rows together are the week's accounts.
        const listed: (string | null)[] = [];
        const pager = moving.getByRole('navigation', { name: m['motion.paging'] });
        for (;;) {
          const rows = moving.locator('tr[data-account]');
          const first = await rows.first().getAttribute('data-account');
          listed.push(...(await rows.evaluateAll((trs) => trs.map((r) => r.getAttribute('data-account')))));
          const next = pager.getByRole('button', { name: m['backlog.list.next'] });
          if ((await pager.count()) === 0 || (await next.isDisabled())) break;
          await next.click();
          await expect.poll(() => rows.first().getAttribute('data-account')).not.toBe(first);
        }
        expect([...listed].sort()).toEqual([...motion.accounts].sort());
        await screenshot(page, `buying-group-${locale}`);
      } finally {
        await context.close();
      }
    });
  }
});
