/*
 * The /data page and GET /api/imports over a real import area (HubSpot then
 * Salesforce fixtures), the real server and Debian's Chromium, in Japanese
 * and English, with a screenshot each (test/e2e/artifacts/data-ja.png,
 * data-en.png). Figures on the page are compared with the import's own
 * manifest; the quarantine download with the file on disk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { ImportResult } from '../../server/import/index';
import type { ImportsStatus } from '../../server/contract/imports';
import { formatCount } from '../../dashboard/src/lib/format';
import { messages } from '../../dashboard/src/i18n/messages';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import { startTestServer, type TestServer } from '../support/server';
import { withSavedTranspilation } from '../support/compile-cache';
import { buildDashboard } from '../e2e/dashboard-fixture';
import { FIXTURES, PROJECT_ROOT, importArea, type ImportArea } from './helpers';

let area: ImportArea;
let hubspot: ImportResult;
let salesforce: ImportResult;
let t: TestServer;
let browser: Browser;

beforeAll(async () => {
  area = importArea();
  const dist = path.join(area.root, 'dashboard');
  await buildDashboard(dist);
  hubspot = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')]);
  salesforce = await area.run('salesforce', [path.join(FIXTURES, 'salesforce')]);
  t = await startTestServer({
    warehousePath: area.warehouse,
    modelDir: path.join(PROJECT_ROOT, 'model'),
    dashboardDist: dist,
    importsDir: area.importsDir,
    seedsDir: path.join(salesforce.dir!, 'tables'),
    seedsFrom: 'import',
    stateDir: withSavedTranspilation(path.join(area.root, 'state')),
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.server.close();
  area?.cleanup();
});

describe('GET /api/imports', () => {
  it('answers per source the last import, and needs a token', async () => {
    expect((await t.request('/api/imports', { token: null })).status).toBe(401);
    const res = await t.request('/api/imports');
    expect(res.status).toBe(200);
    const body = res.body as ImportsStatus;
    expect(body.seedsFrom).toBe('import');
    expect(body.latest).toMatchObject({
      id: salesforce.manifest.id,
      asOf: '2025-09-30T15:00:00.000Z',
      tables: salesforce.manifest.tables,
    });
    expect(body.sources.map((s) => [s.source, s.id, s.read, s.accepted, s.quarantinedRows])).toEqual([
      ['hubspot', hubspot.manifest.id, 18, 11, 7],
      ['salesforce', salesforce.manifest.id, 33, 32, 1],
    ]);
    expect(body.sources[0]!.quarantineAvailable).toBe(true);
    // The import summary's skipped report lines, per source and per file (the new-leads report: 合計 and footer).
    expect(body.sources.map((s) => s.skipped)).toEqual([
      { total: 0, group: 0, footer: 0 },
      { total: 1, group: 0, footer: 5 },
    ]);
    expect(body.sources[1]!.files.find((f) => f.file.endsWith('report-new-leads-2025-06.csv'))!.skipped).toEqual({
      total: 1,
      group: 0,
      footer: 5,
    });
  });

  it('serves a quarantine file to a role allowed personal data, and 404 for an id that is not an import', async () => {
    // the files hold source rows (emails): the personal-data rule of security/policy.ts applies
    const quarantine = `${t.url}/api/imports/${hubspot.manifest.id}/quarantine.csv`;
    expect((await fetch(quarantine, { headers: { authorization: t.token({ role: 'executive' }) } })).status).toBe(403);
    const analyst = t.token({ role: 'analyst' } as never);
    const res = await fetch(quarantine, { headers: { authorization: analyst } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(path.join(hubspot.dir!, 'quarantine.csv'), 'utf8'));
    const merges = await fetch(`${t.url}/api/imports/${salesforce.manifest.id}/merges.csv`, {
      headers: { authorization: analyst },
    });
    expect(await merges.text()).toBe(readFileSync(path.join(salesforce.dir!, 'merges.csv'), 'utf8'));
    expect((await t.request(`/api/imports/${hubspot.manifest.id}/manifest.json`)).status).not.toBe(200);
    expect((await t.request('/api/imports/..%2F..%2Fetc/quarantine.csv', { token: analyst })).status).toBe(404);
    expect((await t.request('/api/imports/20250101T000000000Z-nothing/quarantine.csv', { token: analyst })).status).toBe(404);
  });
});

for (const locale of ['ja', 'en'] as const) {
  describe(`the /data page in ${locale === 'ja' ? 'Japanese' : 'English'}`, () => {
    it('shows each source’s last import, its quarantine reasons and unmapped values, and downloads the quarantine file', async () => {
      const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      // an analyst, as an authenticating proxy would sign in: the quarantine file holds personal data
      await context.setExtraHTTPHeaders({ authorization: `Bearer ${t.token({ role: 'analyst' } as never)}` });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
      });
      try {
        await page.goto(`${t.url}/data`);
        await page.waitForSelector('[data-source="salesforce"]', { timeout: 60_000 });
        const fig = (name: string) => page.locator(`[data-figure="${name}"]`).first().textContent();
        expect(await fig('hubspot.read')).toBe(formatCount(18, locale));
        expect(await fig('hubspot.accepted')).toBe(formatCount(11, locale));
        expect(await fig('hubspot.quarantined')).toBe(formatCount(7, locale));
        expect(await fig('salesforce.read')).toBe(formatCount(33, locale));
        // 山田 in HubSpot and Salesforce, and the アクメ and ガンマ accounts, each one record of several.
        expect(await fig('salesforce.merges')).toBe(formatCount(salesforce.manifest.run.merges, locale));
        expect(salesforce.manifest.run.merges).toBe(3);
        expect(await fig('data.leads')).toBe(formatCount(salesforce.manifest.tables.leads, locale));
        // The new-leads report's 合計 line and its five footer lines: skipped, and said so.
        expect(salesforce.manifest.run.skipped).toEqual({ total: 1, group: 0, footer: 5 });
        const skipped = messages[locale]['data.skipped']
          .replace('{total}', formatCount(1, locale))
          .replace('{group}', formatCount(0, locale))
          .replace('{footer}', formatCount(5, locale));
        expect(await page.locator('[data-skipped="salesforce"]').textContent()).toBe(skipped);
        // HubSpot's exports have no such lines: nothing said.
        expect(await page.locator('[data-skipped="hubspot"]').count()).toBe(0);
        const hubspotCard = page.locator('[data-source="hubspot"]');
        expect(await hubspotCard.getByText('malformed email', { exact: true }).count()).toBe(1);
        expect(await hubspotCard.getByText('Trade Fair', { exact: true }).count()).toBe(1);
        const label = locale === 'ja' ? '隔離ファイルをダウンロード' : 'Download quarantine file';
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          hubspotCard.getByRole('button', { name: label }).click(),
        ]);
        expect(readFileSync((await download.path())!, 'utf8')).toBe(
          readFileSync(path.join(hubspot.dir!, 'quarantine.csv'), 'utf8'),
        );
        const nav = page.getByRole('link', { name: locale === 'ja' ? 'データ' : 'Data', exact: true });
        expect(await nav.count()).toBeGreaterThan(0);
        await screenshot(page, `data-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  });
}
