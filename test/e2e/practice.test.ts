/*
 * The practice pages (/definitions, the content map, a lead's journey, PDCA
 * actions: docs/metrics.md, definitions 15 and 16) in a real browser (Debian's Chromium) against
 * the real server over a warehouse built from the bundled seeds:
 *
 * - /definitions in Japanese and English: the path shares, each stage's
 *   volume, conversion to the next stage and the hand-off quality equal what the API answers for
 *   the same period; it prints to a PDF (page.pdf) of a few A4 pages, with
 *   navigation, filters and tools left out of the printout.
 * - the content map on /channels: conversions and content share per stage
 *   pair equal the content_map view; a campaign cell opens that campaign's
 *   figures, equal to the attribution view.
 * - a lead's journey, opened from the stuck list: the events the API gives,
 *   on one page, in both languages.
 * - an action created on the review page with a KPI node and a start date
 *   shows, after a server restart, that KPI's before and after — the means
 *   of the kpi_tree monthly actuals, computed here.
 * Every page: no console error, a screenshot per page and language in
 * test/e2e/artifacts/ (practice-*.png).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { formatCount, formatPercent, formatYen, type Locale } from '../../dashboard/src/lib/format';
import { currentFiscalYearKey, resolvePeriod } from '../../dashboard/src/lib/resolve-period';
import type { LeadJourney } from '../../server/contract/journey';
import { waitForCards } from '../../bench/dashboard-pages';
import { cubeRows, startDashboardEnv, type DashboardEnv } from './dashboard-fixture';
import { eq } from '../semantic/semantic-server';

// a shared 2-core machine: a restart and two page loads can take minutes
vi.setConfig({ testTimeout: 240_000 });

let env: DashboardEnv;
let browser: Browser;
let fy: { start: string; end: string };
let asOf: string;

const rows = (query: Record<string, unknown>) => cubeRows(env.t, query);

async function open(path: string, locale: Locale = 'ja'): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
  // Signed in as an executive, as an authenticating proxy would send it: the anonymous local session only reads.
  await context.setExtraHTTPHeaders({ authorization: `Bearer ${env.t.token({ role: 'executive' })}` });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(env.t.url + path);
  const cards = await waitForCards(page, 120_000);
  expect(
    cards.filter((c) => c.state === 'error' || c.state === 'missing'),
    JSON.stringify(cards),
  ).toEqual([]);
  return { page, problems, close: () => context.close() };
}
const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).first();

beforeAll(async () => {
  env = await startDashboardEnv();
  browser = await launchBrowser();
  const settings = await rows({ dimensions: ['settings.key', 'settings.value'], filters: [eq('settings.key', 'as_of')] });
  asOf = String(settings[0]!['settings.value']).slice(0, 10);
  fy = resolvePeriod(currentFiscalYearKey(asOf));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe('the stage definitions document', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`shows each stage's figures and the hand-off quality as the API answers them (${locale})`, async () => {
      const range = [fy.start, fy.end];
      const volume = await rows({
        measures: ['stage_reach.leads'],
        dimensions: ['stage_reach.stage'],
        timeDimensions: [{ dimension: 'stage_reach.reached_at', dateRange: range }],
      });
      const conversion = await rows({
        measures: ['conversions.conversion_rate'],
        filters: [eq('conversions.from_stage', 'mql'), eq('conversions.to_stage', 'sal')],
        timeDimensions: [{ dimension: 'conversions.cohort_at', dateRange: range }],
      });
      const handoff = await rows({
        measures: ['handoff_quality.handed_over', 'handoff_quality.acceptance_rate', 'handoff_quality.accepted_conversion_rate'],
        dimensions: ['handoff_quality.from_stage'],
        timeDimensions: [{ dimension: 'handoff_quality.handed_over_at', dateRange: range }],
      });
      const changes = await rows({ measures: ['stage_definition_changes.changes'] });
      const paths = await rows({
        measures: ['paths.leads', 'paths.success_path_leads', 'paths.detour_path_leads'],
        timeDimensions: [{ dimension: 'paths.created_at', dateRange: range }],
      });
      const { page, problems, close } = await open('/definitions', locale);
      try {
        for (const stage of ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won']) {
          const leads = volume.find((r) => r['stage_reach.stage'] === stage)?.['stage_reach.leads'];
          expect(await figure(page, `volume-${stage}`).textContent(), stage).toBe(formatCount(Number(leads ?? 0), locale));
        }
        expect(await figure(page, 'conversion-mql').textContent()).toBe(
          formatPercent(Number(conversion[0]!['conversions.conversion_rate']), locale),
        );
        const newLeads = Number(paths[0]!['paths.leads']);
        expect(await figure(page, 'path-success').textContent()).toBe(
          formatPercent(Number(paths[0]!['paths.success_path_leads']) / newLeads, locale),
        );
        expect(await figure(page, 'path-detour').textContent()).toBe(
          formatPercent(Number(paths[0]!['paths.detour_path_leads']) / newLeads, locale),
        );
        // lead is the nurture pool: an inventory stage without an SLA (seeds/stages.csv); mql has one
        expect(await figure(page, 'sla-lead').textContent()).toBe(
          locale === 'ja' ? '在庫ステージ (SLA なし: 滞留してよい)' : 'Inventory stage (no SLA: leads may wait)',
        );
        expect(await figure(page, 'sla-mql').textContent()).toBe(locale === 'ja' ? '7 日' : '7 days');
        expect(await figure(page, 'sla-won').textContent()).toBe(locale === 'ja' ? '最終ステージ' : 'Final stage');
        expect(handoff.map((r) => r['handoff_quality.from_stage']).sort()).toEqual(['mql', 'sql']);
        for (const r of handoff) {
          const from = r['handoff_quality.from_stage'];
          expect(await figure(page, `handed-${from}`).textContent()).toBe(
            formatCount(Number(r['handoff_quality.handed_over']), locale),
          );
          expect(await figure(page, `accepted-${from}`).textContent()).toContain(
            formatPercent(Number(r['handoff_quality.acceptance_rate']), locale),
          );
          expect(await figure(page, `accepted-conversion-${from}`).textContent()).toContain(
            formatPercent(Number(r['handoff_quality.accepted_conversion_rate']), locale),
          );
        }
        const log = page.getByRole('table', { name: locale === 'ja' ? '改定履歴' : 'Change log' });
        expect(await log.locator('tbody tr').count()).toBe(Number(changes[0]!['stage_definition_changes.changes']));
        expect(await page.locator('li[data-stage="mql"]').textContent()).toContain(
          locale === 'ja'
            ? 'マーケティングが商談見込みありと判断した見込み客。'
            : 'A lead marketing judges ready for a sales conversation.',
        );
        expect(
          await page
            .getByRole('navigation')
            .getByRole('link', { name: locale === 'ja' ? 'ステージ定義' : 'Definitions' })
            .getAttribute('aria-current'),
        ).toBe('page');
        await screenshot(page, `practice-definitions-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('prints as a clean PDF: a few A4 pages, no navigation, filters or tools, every stage whole', async () => {
    const { page, close } = await open('/definitions', 'ja');
    try {
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('navigation').isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: 'PNG' }).isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: '日本語' }).isVisible()).toBe(false);
      for (const stage of ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won']) {
        const box = page.locator(`li[data-stage="${stage}"]`);
        expect(await box.isVisible(), stage).toBe(true);
        expect(await box.evaluate((el) => getComputedStyle(el).breakInside), stage).toBe('avoid');
      }
      const pdf = await page.pdf({ printBackground: true, preferCSSPageSize: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(pages).toBeLessThanOrEqual(6);
      // A4 landscape from the print stylesheet: 842 × 595 points on every page
      const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]);
      expect(boxes.length).toBe(pages);
      for (const [w, h] of boxes) expect([Math.round(w!), Math.round(h!)]).toEqual([842, 595]);
      await screenshot(page, 'practice-definitions-print');
    } finally {
      await close();
    }
  });
});

describe('the content map', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`shows conversions and content share per stage pair as the view answers, and opens a campaign's figures (${locale})`, async () => {
      const pairs = await rows({
        measures: ['content_map.conversions', 'content_map.content_credit'],
        dimensions: ['content_map.stage_pair'],
        filters: [eq('content_map.model', 'linear')],
        timeDimensions: [{ dimension: 'content_map.converted_at', dateRange: [fy.start, fy.end] }],
      });
      expect(pairs.length).toBe(5);
      const { page, problems, close } = await open('/channels', locale);
      try {
        for (const r of pairs) {
          const pair = r['content_map.stage_pair']!;
          const conversions = Number(r['content_map.conversions']);
          expect(await figure(page, `conversions-${pair}`).textContent(), pair).toBe(formatCount(conversions, locale));
          expect(await figure(page, `content-share-${pair}`).textContent(), pair).toBe(
            formatPercent(Number(r['content_map.content_credit']) / conversions, locale),
          );
        }
        const link = page.locator('td[data-cell] a').first();
        const campaign = new URL(env.t.url + (await link.getAttribute('href'))).searchParams.get('campaign')!;
        await link.click();
        await page.locator('[data-figure="campaign-pipeline"]').waitFor();
        await waitForCards(page);
        const pipeline = await rows({
          measures: ['attribution.attributed_pipeline'],
          filters: [
            eq('attribution.model', 'linear'),
            eq('attribution.campaign', campaign),
            eq('attribution.conversion', 'opportunity'),
          ],
          timeDimensions: [{ dimension: 'attribution.converted_at', dateRange: [fy.start, fy.end] }],
        });
        expect(await figure(page, 'campaign-pipeline').textContent()).toBe(
          formatYen(Number(pipeline[0]?.['attribution.attributed_pipeline'] ?? 0), locale),
        );
        expect(page.url()).toContain(`campaign=${campaign}`);
        await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header stays at the top of the full-page shot
        await screenshot(page, `practice-content-map-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});

describe("a lead's journey", () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`opens from the stuck list with the events the API gives (${locale})`, async () => {
      const { page, problems, close } = await open('/backlog', locale);
      try {
        const link = page.locator('a[href^="/leads/"]').first();
        const leadId = decodeURIComponent(new URL(env.t.url + (await link.getAttribute('href'))).pathname.split('/')[2]!);
        await link.click();
        await page.waitForURL(`**/leads/${encodeURIComponent(leadId)}**`);
        // the URL changes before React draws the new page: until the journey's heading is drawn, the
        // backlog's finished cards are still what waitForCards would see
        await page.locator('h1', { hasText: leadId }).waitFor();
        await waitForCards(page);
        const api = (
          await env.t.request(`/api/leads/${encodeURIComponent(leadId)}/journey`, {
            token: `Bearer ${env.t.token({ role: 'analyst' } as never)}`,
          })
        ).body as LeadJourney;
        expect(api.events.length).toBeGreaterThan(0);
        expect(await page.locator('li[data-event]').count()).toBe(api.events.length);
        expect(await page.locator('li[data-event="transition"]').count()).toBe(
          api.events.filter((e) => e.type === 'transition').length,
        );
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(leadId);
        // the dashboard's executive session sees no personal data (SECURITY.md): the lead's email is not shown
        expect(await page.getByText(api.lead.email!, { exact: true }).count()).toBe(0);
        await screenshot(page, `practice-journey-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });
  }
});

describe('actions tied to a KPI', () => {
  it('shows the KPI before and after the start of an action created on the review page, after a restart', async () => {
    // started 1 July: after = Jul–Sep, before = Apr–Jun (three complete months each, as_of in or after October)
    expect(asOf >= '2026-10-01').toBe(true);
    const node = 'conversion:mql->sal';
    const monthly = await rows({
      measures: ['kpi_tree.actual'],
      filters: [eq('kpi_tree.period_type', 'month'), eq('kpi_tree.node', node)],
      timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', granularity: 'month', dateRange: ['2026-04-01', '2026-09-30'] }],
    });
    const value = (m: string) =>
      Number(monthly.find((r) => String(r['kpi_tree.fiscal_month.month']).startsWith(m))!['kpi_tree.actual']);
    const before = (value('2026-04') + value('2026-05') + value('2026-06')) / 3;
    const after = (value('2026-07') + value('2026-08') + value('2026-09')) / 3;

    const hypothesis = `IS follow-up is slow (${Date.now()})`;
    let session = await open('/review');
    try {
      await session.page.getByRole('button', { name: 'アクションを追加' }).click();
      const form = session.page.getByRole('form', { name: '新しいアクション' });
      await form.getByLabel('仮説', { exact: true }).fill(hypothesis);
      await form.getByLabel('アクション', { exact: true }).fill('新規MQLへ24時間以内に架電する');
      await form.getByLabel('担当', { exact: true }).fill('インサイドセールス');
      await form.getByLabel('狙う KPI', { exact: true }).selectOption(node);
      await form.getByLabel('開始日', { exact: true }).fill('2026-07-01');
      await form.getByRole('button', { name: '保存' }).click();
      await session.page.getByText(hypothesis).waitFor();
      expect(session.problems).toEqual([]);
    } finally {
      await session.close();
    }

    await env.restart();

    for (const locale of ['ja', 'en'] as const) {
      session = await open('/review', locale);
      try {
        const row = session.page.locator('tr', { hasText: hypothesis });
        // the page's cards first (their own timeout names what is still loading), then the action's figure; on a
        // 2-core machine running other browser files beside this one the restarted server's first answers are slow
        await waitForCards(session.page);
        await row
          .locator('[data-figure="after"]')
          .waitFor({ timeout: 60_000 })
          .catch(async (e: Error) => {
            throw new Error(`${e.message}\nthe action's row reads: ${await row.textContent().catch(() => '(no row)')}`);
          });
        expect(await row.locator('[data-figure="before"]').textContent()).toBe(formatPercent(before, locale));
        expect(await row.locator('[data-figure="after"]').textContent()).toBe(formatPercent(after, locale));
        expect(await row.textContent()).toContain(
          locale === 'ja' ? '2026年4月–2026年6月 と 2026年7月–2026年9月 の比較' : 'Apr 2026–Jun 2026 vs Jul 2026–Sep 2026',
        );
        expect(await row.textContent()).toContain(locale === 'ja' ? '未着手' : 'Open');
        await screenshot(session.page, `practice-review-actions-${locale}`);
        expect(session.problems).toEqual([]);
      } finally {
        await session.close();
      }
    }
    const saved = (await env.t.request('/api/actions')).body.actions.find(
      (a: { hypothesis: string }) => a.hypothesis === hypothesis,
    );
    expect(saved).toMatchObject({ kpiNode: node, startDate: '2026-07-01', status: 'open' });
  });
});
