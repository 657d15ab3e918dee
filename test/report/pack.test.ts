/*
 * The meeting pack on the bundled data (seeds/), against the real server:
 * - GET /api/report/pack in Japanese and English is an A4 PDF of 1–3 pages
 *   whose text (read back by pdfjs-dist) holds the API's figures for the
 *   same period: the KPI tree's headline rows (actual, plan to date,
 *   previous, year ago, full plan), revenue also summed from the deals view
 *   by hand, the landing forecast and its interval, the backlog and SLA
 *   breaches per team, the biggest mover of the gap, and an overdue action
 *   with its KPI's monthly mean before and after its start;
 * - who may have it: executive and analyst; a team or agency token 403, no
 *   token 401; a bad period or language 400 naming it;
 * - `npm run report` (the CLI, against this server with --url) writes a
 *   valid PDF in both languages; its pages are rendered with pdfjs-dist in
 *   Chromium into test/e2e/artifacts/pack-report-{ja,en}-p<n>.png;
 * - the review page's button downloads the same PDF (Chromium, the built
 *   dashboard; the page with the button: pack-review-{ja,en}.png).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { readPdf, screenshotPdf } from '../support/pdf';
import type { TestServer } from '../support/server';
import { startDashboardEnv, type DashboardEnv } from '../e2e/dashboard-fixture';
import { waitForCards } from '../../bench/dashboard-pages';
import {
  formatByUnit,
  formatCount,
  formatDays,
  formatNumber,
  formatPeriodKey,
  formatYen,
  type Unit,
} from '../../dashboard/src/lib/format';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PERIOD = 'FY2026';
const LANGS = ['ja', 'en'] as const;
const box = mkdtempSync(path.join(os.tmpdir(), 'revcycle-pack-'));
let env: DashboardEnv;
let t: TestServer;
const packs: Record<string, { bytes: Buffer; text: string[]; all: string }> = {};

type Row = Record<string, string | number | boolean | null>;
const rows = async (query: Record<string, unknown>): Promise<Row[]> => {
  const res = await t.load(query, { token: t.token({ role: 'analyst' }) });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.data as Row[];
};
const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
/** pdfjs gives text items; the pack's tables read as one line of cells separated by spaces. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

async function getPack(query: string, token?: string) {
  const res = await fetch(`${t.url}/api/report/pack?${query}`, {
    headers: token === undefined ? { authorization: `Bearer ${t.token()}` } : token ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

beforeAll(async () => {
  // the bundled data and the built dashboard (test/e2e/dashboard-fixture.ts)
  env = await startDashboardEnv();
  t = env.t;
  // three actions: one overdue on the leads node (listed, with its KPI before and after), one far ahead and one
  // done (neither listed)
  for (const body of [
    {
      hypothesis: 'Webinars bring leads',
      action: 'Double the webinar cadence',
      owner: 'Sato',
      dueDate: '2026-11-30',
      kpiNode: 'leads',
      startDate: '2026-08-01',
      status: 'in_progress',
    },
    { hypothesis: 'Later', action: 'Far-ahead action', owner: 'Ito', dueDate: '2099-01-01' },
    { hypothesis: 'Done', action: 'Finished action', owner: 'Kato', dueDate: '2026-11-01', status: 'done' },
  ]) {
    const res = await t.request('/api/actions', {
      method: 'POST',
      body: JSON.stringify(body),
      token: t.token({ role: 'executive' }),
    });
    expect(res.status).toBe(201);
  }
  for (const lang of LANGS) {
    const res = await getPack(`period=${PERIOD}&lang=${lang}`);
    expect(res.status).toBe(200);
    const info = await readPdf(res.bytes);
    packs[lang] = { bytes: res.bytes, text: info.text.map(flat), all: flat(info.text.join(' ')) };
  }
}, 600_000);

afterAll(async () => {
  await env?.close();
  rmSync(box, { recursive: true, force: true });
});

describe('GET /api/report/pack', () => {
  it('answers an A4 PDF of one to three pages, as a download', async () => {
    const res = await getPack(`period=${PERIOD}&lang=en`);
    expect(res.type).toBe('application/pdf');
    expect(res.disposition).toBe(`attachment; filename="revcycle-pack-${PERIOD}-en.pdf"`);
    expect(res.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const info = await readPdf(res.bytes);
    expect(info.pages).toBeGreaterThanOrEqual(1);
    expect(info.pages).toBeLessThanOrEqual(3);
    for (const size of info.sizes) expect([Math.round(size.width), Math.round(size.height)]).toEqual([595, 842]);
  });

  for (const lang of LANGS) {
    it(`${lang}: the KGI rows are the KPI tree's figures for ${PERIOD}, revenue also summed from deals`, async () => {
      const tree = await rows({
        dimensions: ['kpi_tree.node', 'kpi_tree.label', 'kpi_tree.label_ja', 'kpi_tree.unit', 'kpi_tree.is_partial'],
        measures: ['kpi_tree.actual', 'kpi_tree.plan', 'kpi_tree.plan_full', 'kpi_tree.previous', 'kpi_tree.year_ago'],
        timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', dateRange: ['2026-04-01', '2026-04-01'] }],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
          {
            member: 'kpi_tree.node',
            operator: 'equals',
            values: ['revenue', 'wins', 'average_deal_size', 'conversion:opportunity->won', 'sql'],
          },
        ],
      });
      expect(tree).toHaveLength(5);
      const text = packs[lang]!.text[0]!;
      expect(text).toContain(formatPeriodKey(PERIOD, lang));
      for (const r of tree) {
        const unit = r['kpi_tree.unit'] as Unit;
        const f = (m: string) => formatByUnit(n(r[m]), unit, lang);
        const en = String(r['kpi_tree.label']);
        const label = lang === 'ja' ? String(r['kpi_tree.label_ja']) : en.charAt(0).toUpperCase() + en.slice(1);
        // the row: label, actual, plan to date, … previous … year ago … full plan
        expect(text).toContain(`${label} ${f('kpi_tree.actual')} ${f('kpi_tree.plan')} `);
        const row = text.slice(text.indexOf(`${label} ${f('kpi_tree.actual')}`));
        const cells = row.split(' ').slice(0, 40).join(' ');
        expect(cells).toContain(` ${f('kpi_tree.previous')} `);
        expect(cells).toContain(` ${f('kpi_tree.year_ago')} `);
        expect(cells).toContain(` ${f('kpi_tree.plan_full')}`);
      }
      // revenue the other way: won amounts closed from the fiscal year's start to as-of (2026-11-20), from deals
      const [won] = await rows({
        measures: ['deals.won_amount'],
        timeDimensions: [{ dimension: 'deals.closed_at', dateRange: ['2026-04-01', '2026-11-20'] }],
        timezone: 'Asia/Tokyo',
      });
      const revenue = tree.find((r) => r['kpi_tree.node'] === 'revenue')!;
      expect(Number(won!['deals.won_amount'])).toBe(Number(revenue['kpi_tree.actual']));
      expect(text).toContain(formatYen(Number(won!['deals.won_amount']), lang));
    });

    it(`${lang}: the landing forecast, the backlog and SLA breaches by team, and the gap's biggest mover`, async () => {
      const [landing] = await rows({
        measures: [
          'landing_forecast.forecast',
          'landing_forecast.forecast_low',
          'landing_forecast.forecast_high',
          'landing_forecast.pace',
        ],
        filters: [
          { member: 'landing_forecast.metric', operator: 'equals', values: ['revenue'] },
          { member: 'landing_forecast.period_type', operator: 'equals', values: ['fiscal_year'] },
        ],
      });
      const [p1, p2, p3] = packs[lang]!.text;
      for (const m of ['forecast', 'forecast_low', 'forecast_high', 'pace'])
        expect(p1).toContain(formatYen(n(landing![`landing_forecast.${m}`]), lang));

      const backlog = await rows({
        measures: ['backlog_leads.leads', 'backlog_leads.stuck_leads', 'backlog_leads.avg_aging_days'],
        dimensions: ['backlog_leads.team'],
        filters: [{ member: 'backlog_leads.is_sla_stage', operator: 'equals', values: ['true'] }],
      });
      expect(backlog.length).toBeGreaterThan(1);
      for (const r of backlog) {
        const team = String(r['backlog_leads.team']);
        expect(p2).toContain(
          `${team} ${formatCount(n(r['backlog_leads.leads']), lang)} ${formatCount(n(r['backlog_leads.stuck_leads']), lang)} `,
        );
        expect(p2).toContain(formatDays(n(r['backlog_leads.avg_aging_days']), lang));
      }
      const stuck = await rows({
        dimensions: ['backlog_leads.lead_id', 'backlog_leads.breach_at'],
        filters: [{ member: 'backlog_leads.is_stuck', operator: 'equals', values: ['true'] }],
        order: [
          ['backlog_leads.breach_at', 'asc'],
          ['backlog_leads.lead_id', 'asc'],
        ],
        limit: 50_000,
      });
      expect(p2).toContain(String(stuck[0]!['backlog_leads.lead_id']));
      expect(p2).toContain(formatCount(stuck.length, lang));

      const movers = await rows({
        dimensions: ['kpi_tree.node', 'kpi_tree.label', 'kpi_tree.label_ja'],
        measures: ['kpi_tree.gap_effect_vs_plan'],
        timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', dateRange: ['2026-04-01', '2026-04-01'] }],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
          { member: 'kpi_tree.gap_effect_vs_plan', operator: 'set' },
        ],
      });
      const top = movers.sort(
        (a, b) => Math.abs(n(b['kpi_tree.gap_effect_vs_plan'])!) - Math.abs(n(a['kpi_tree.gap_effect_vs_plan'])!),
      )[0]!;
      const effect = n(top['kpi_tree.gap_effect_vs_plan'])!;
      expect(p3).toContain(`${effect < 0 ? '−' : '+'}${formatYen(Math.abs(effect), lang)}`);
      expect(p3).toContain(lang === 'ja' ? String(top['kpi_tree.label_ja']) : String(top['kpi_tree.label']).slice(1));
    });

    it(`${lang}: the overdue action with its KPI's monthly mean before and after its start; others left out`, async () => {
      const months = await rows({
        measures: ['kpi_tree.actual'],
        timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', granularity: 'month', dateRange: ['2026-05-01', '2026-10-31'] }],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['month'] },
          { member: 'kpi_tree.node', operator: 'equals', values: ['leads'] },
        ],
      });
      const value = (m: string) =>
        n(months.find((r) => String(r['kpi_tree.fiscal_month.month']).startsWith(m))?.['kpi_tree.actual'])!;
      // started 2026-08-01, as-of 2026-11-20: after = Aug–Oct (complete months), before = May–Jul
      const before = (value('2026-05') + value('2026-06') + value('2026-07')) / 3;
      const after = (value('2026-08') + value('2026-09') + value('2026-10')) / 3;
      const p3 = packs[lang]!.text[2]!;
      expect(p3).toContain('Double the webinar cadence');
      expect(p3).toContain(lang === 'ja' ? '期限超過' : 'Overdue');
      expect(p3).toContain(`${formatNumber(before, lang, 1)} → ${formatNumber(after, lang, 1)}`);
      expect(p3).not.toContain('Far-ahead action');
      expect(p3).not.toContain('Finished action');
    });
  }
});

describe('who may have the pack', () => {
  it('refuses team and agency tokens (403), no token (401), a bad period or language (400)', async () => {
    const team = await getPack('period=FY2026', t.token({ role: 'team', team: 'east_team' }));
    expect(team.status).toBe(403);
    expect(JSON.parse(team.bytes.toString()).error).toMatch(/team role may not use \/api\/report/);
    expect((await getPack('period=FY2026', t.token({ role: 'agency', channels: ['seo'] }))).status).toBe(403);
    expect((await getPack('period=FY2026', '')).status).toBe(401);
    const bad = await getPack('period=FY26');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.bytes.toString())).toMatchObject({ field: 'period' });
    const badLang = await getPack('period=FY2026&lang=fr');
    expect(badLang.status).toBe(400);
    expect(JSON.parse(badLang.bytes.toString())).toMatchObject({ field: 'lang' });
    expect((await getPack('period=FY2026', t.token({ role: 'analyst' }))).status).toBe(200);
  });

  it('a closed month says it has landed, with its actual against plan', async () => {
    const res = await getPack('period=2026-10&lang=en');
    expect(res.status).toBe(200);
    const info = await readPdf(res.bytes);
    expect(flat(info.text[0]!)).toContain('The period has closed: it landed at its actual');
  });
});

describe('npm run report', () => {
  for (const lang of LANGS) {
    it(`writes the pack in ${lang}; its pages are in the screenshots`, async () => {
      const out = path.join(box, `pack-${lang}.pdf`);
      // node with tsx's loader: one process (tsx's own CLI would start a second node for it)
      await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'server/cli.ts', 'report', '--period', PERIOD, '--lang', lang, '--out', out, '--url', t.url],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
            REVCYCLE_STATE_DIR: env.stateDir,
            NODE_ENV: 'test',
          },
        },
      );
      const bytes = readFileSync(out);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const info = await readPdf(bytes);
      expect(info.pages).toBeGreaterThanOrEqual(1);
      expect(info.pages).toBeLessThanOrEqual(3);
      // the same pack as the API's (same period, language, data and actions)
      expect(info.text.map(flat)).toEqual(packs[lang]!.text);
      const shots = await screenshotPdf(bytes, `pack-report-${lang}`);
      expect(shots).toHaveLength(info.pages);
    }, 120_000);
  }
});

describe('the review page', () => {
  for (const lang of LANGS) {
    it(`downloads the same pack with its button (${lang})`, async () => {
      const browser = await launchBrowser();
      try {
        const { context, page, problems } = await openPage(browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
        // signed in as an executive, as an authenticating proxy would send it (test/e2e/dashboard.test.ts)
        await context.setExtraHTTPHeaders({ authorization: `Bearer ${t.token({ role: 'executive' })}` });
        await page.goto(`${t.url}/review?period=${PERIOD}&lang=${lang}`);
        await waitForCards(page);
        const button = page.getByRole('button', { name: lang === 'ja' ? '会議パック PDF' : 'Meeting pack PDF' });
        const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
        expect(download.suggestedFilename()).toBe(`revcycle-pack-${PERIOD}-${lang}.pdf`);
        const info = await readPdf(readFileSync((await download.path())!));
        expect(info.text.map(flat)).toEqual(packs[lang]!.text);
        await screenshot(page, `pack-review-${lang}`);
        expect(problems).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    }, 120_000);
  }
});
