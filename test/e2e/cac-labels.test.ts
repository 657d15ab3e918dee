/*
 * Which CAC is which, in a real browser, in both languages, on the bundled
 * data (docs/metrics.md definitions 9-11):
 * - board: the LTV:CAC tile prints CAC (fully loaded) and CAC (program), each
 *   labelled, with the figures of the unit_economics view for the 12 months
 *   to as_of, and a ratio of 3-6 : 1 (fully loaded);
 * - channels: the per-channel CAC column says it is program spend,
 *   attributed;
 * - plan: the budget card prints the allowable CAC (fully loaded) and the
 *   allowable program CAC with the plan view's figures, and its CAC column
 *   says program, attributed.
 * Screenshots: test/e2e/artifacts/cac-<page>-<locale>.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../dashboard/src/i18n/messages';
import { formatNumber, formatYen, type Locale } from '../../dashboard/src/lib/format';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';
import { waitForCards } from '../../bench/dashboard-pages';

const TZ = 'Asia/Tokyo';
const LOCALES = ['ja', 'en'] as const;

let env: DashboardEnv;
let browser: Browser;

async function row(query: Record<string, unknown>): Promise<Record<string, string | null>> {
  const res = await env.t.load({ timezone: TZ, ...query });
  if (res.status !== 200) throw new Error(`query failed ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  expect(res.body.data).toHaveLength(1);
  return res.body.data[0];
}

async function open(path: string, locale: Locale): Promise<{ page: Page; close(): Promise<void> }> {
  const { context, page } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
  await page.goto(env.t.url + path);
  await waitForCards(page);
  return { page, close: () => context.close() };
}

beforeAll(async () => {
  env = await sharedDashboardEnv();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('both CACs labelled wherever a CAC is shown', () => {
  for (const locale of LOCALES) {
    const m = messages[locale];
    const yen = (v: string | null) => formatYen(v, locale);

    it(`board (${locale}): LTV:CAC tile shows CAC (fully loaded) and CAC (program) with the view's figures`, async () => {
      // the board opens on the fiscal year of as_of (2026-11-20): the tile reads the 12 months to November 2026
      const ue = await row({
        measures: ['unit_economics.cac', 'unit_economics.program_cac', 'unit_economics.ltv_to_cac'],
        filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['all'] }],
        timeDimensions: [{ dimension: 'unit_economics.period', dateRange: ['2026-11-01', '2026-11-20'] }],
      });
      const ratio = Number(ue['unit_economics.ltv_to_cac']);
      expect(ratio).toBeGreaterThanOrEqual(3);
      expect(ratio).toBeLessThanOrEqual(6);
      const { page, close } = await open('/', locale);
      try {
        const tile = page.locator('[data-card-state]', { has: page.locator('[data-figure="cac"]') });
        await expect
          .poll(() => tile.locator('[data-figure="cac"]').textContent(), { timeout: 30_000 })
          .toContain(m['cac.fullyLoaded']);
        const cacText = (await tile.locator('[data-figure="cac"]').textContent())!.replace(/\s+/g, ' ').trim();
        expect(cacText).toBe(
          `${m['cac.fullyLoaded']} ${yen(ue['unit_economics.cac'])} · ${m['cac.program']} ${yen(ue['unit_economics.program_cac'])}`,
        );
        expect(await tile.innerText()).toContain(`${formatNumber(ratio, locale, 1)} : 1`);
        await screenshot(page, `cac-board-${locale}`);
      } finally {
        await close();
      }
    });

    it(`channels (${locale}): the per-channel CAC is labelled program, attributed`, async () => {
      const { page, close } = await open('/channels', locale);
      try {
        const table = page.getByRole('table', { name: m['channels.econ.title'] });
        await expect.poll(() => table.locator('thead').innerText(), { timeout: 30_000 }).toContain(m['channels.econ.cac']);
        expect(m['channels.econ.cac']).toMatch(locale === 'ja' ? /施策費のみ/ : /program/);
        await screenshot(page, `cac-channels-${locale}`);
      } finally {
        await close();
      }
    });

    it(`plan (${locale}): allowable CAC fully loaded and for program spend, with the plan view's figures`, async () => {
      const plan = await row({
        measures: ['plan.allowable_cac', 'plan.allowable_program_cac', 'plan.team_cost_per_customer'],
        filters: [{ member: 'plan.stage', operator: 'equals', values: ['lead'] }],
      });
      const allowable = Number(plan['plan.allowable_cac']);
      const program = Number(plan['plan.allowable_program_cac']);
      expect(program).toBeCloseTo(allowable - Number(plan['plan.team_cost_per_customer']), 2);
      const { page, close } = await open('/plan', locale);
      try {
        const card = page.locator('[data-card-state]', { has: page.getByRole('table', { name: m['plan.budget.title'] }) });
        await expect.poll(() => card.innerText(), { timeout: 30_000 }).toContain(m['plan.budget.allowableProgramCac']);
        const text = await card.innerText();
        expect(text).toContain(`${m['plan.budget.allowableCac']}\n${yen(String(allowable))}`);
        expect(text).toContain(`${m['plan.budget.allowableProgramCac']}\n${yen(String(program))}`);
        expect(await card.locator('thead').innerText()).toContain(m['cac.channelProgram']);
        await screenshot(page, `cac-plan-${locale}`);
      } finally {
        await close();
      }
    });
  }
});
