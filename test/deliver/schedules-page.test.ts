/*
 * The schedules card on the Data page in a real browser (Debian's Chromium)
 * against the real server: the schedules of the file, their last runs and
 * each delivery's outcome as the delivery log records them (a sent run, a
 * run retrying, one that failed with its reason, one with nothing to send),
 * in Japanese and English, with no webhook URL or key on the page.
 * Screenshots in test/e2e/artifacts/ (schedules-data-*.png).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot } from '../support/browser';
import type { TestServer } from '../support/server';
import { copyOfDashboard } from '../support/build-cache';
import { waitForCards } from '../../bench/dashboard-pages';
import { DeliveryLog } from '../../server/deliver/delivery-log';
import { buildFixtureWarehouse, scratch, startScheduleServer, writeSchedules } from './deliver-fixture';

const box = scratch('revcycle-schedules-page-');
const dist = path.join(box.dir, 'dashboard');
let t: TestServer;
let browser: Browser;
const savedEnv = { ...process.env };

const message = { subject: 's', lines: ['l'], data: {} };

beforeAll(async () => {
  await Promise.all([buildFixtureWarehouse(box.warehouse), copyOfDashboard(dist)]);
  writeSchedules(box.schedulesFile, [
    { id: 'sla-daily', rule: '0 9 * * *', zone: 'Asia/Tokyo', kind: 'sla_alert', target: '{team}' },
    {
      id: 'weekly-mail',
      rule: '0 8 * * 1',
      zone: 'Asia/Tokyo',
      kind: 'sla_weekly_summary',
      target: 'ops@example.co.jp',
      language: 'en',
    },
  ]);
  // The runs as the runner records them (runner.test.ts proves the runner writes these).
  const log = new DeliveryLog(box.stateDir);
  log.append({ t: 'armed', schedule: 'sla-daily', at: '2026-12-01T00:00:00.000Z' });
  log.append({ t: 'armed', schedule: 'weekly-mail', at: '2026-12-01T00:00:00.000Z' });
  const planned = (run: string, team: string, target: string) => ({ key: `${run}#${team}`, target, team, message });
  const due = (schedule: string, dueAt: string, deliveries: ReturnType<typeof planned>[]) =>
    log.append({ t: 'due', run: `${schedule}@${dueAt}`, schedule, dueAt, at: dueAt, deliveries });
  due('sla-daily', '2026-12-05T00:00:00.000Z', [planned('sla-daily@2026-12-05T00:00:00.000Z', 'sales', 'sales')]);
  log.append({
    t: 'attempt',
    key: 'sla-daily@2026-12-05T00:00:00.000Z#sales',
    attempt: 1,
    ok: true,
    at: '2026-12-05T00:00:01.000Z',
  });
  due('sla-daily', '2026-12-06T00:00:00.000Z', [
    planned('sla-daily@2026-12-06T00:00:00.000Z', 'marketing', 'marketing'),
    planned('sla-daily@2026-12-06T00:00:00.000Z', 'inside_sales', 'inside_sales'),
  ]);
  for (let n = 1; n <= 3; n++) {
    log.append({
      t: 'attempt',
      key: 'sla-daily@2026-12-06T00:00:00.000Z#marketing',
      attempt: n,
      ok: false,
      at: `2026-12-06T00:0${n}:00.000Z`,
      error: 'slack (hooks.slack.com) answered 404: no_service',
      nextAt: n < 3 ? `2026-12-06T00:0${n + 1}:00.000Z` : undefined,
    });
  }
  log.append({
    t: 'attempt',
    key: 'sla-daily@2026-12-06T00:00:00.000Z#inside_sales',
    attempt: 1,
    ok: false,
    at: '2026-12-06T00:00:30.000Z',
    error: 'slack (hooks.slack.com) answered 503',
    nextAt: '2099-12-06T00:01:30.000Z',
  });
  due('weekly-mail', '2026-11-30T23:00:00.000Z', []);
  Object.assign(process.env, {
    REVCYCLE_SCHEDULES: box.schedulesFile,
    REVCYCLE_SCHEDULES_ENABLED: 'false',
    REVCYCLE_CHANNEL_SALES_URL: 'https://hooks.slack.com/services/T000/B000/very-secret-token',
  });
  t = await startScheduleServer(box, dist);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.server.close();
  process.env = savedEnv;
  rmSync(box.dir, { recursive: true, force: true });
});

describe('the schedules card on the Data page', () => {
  for (const locale of ['ja', 'en'] as const) {
    it(`shows schedules, last runs and outcomes (${locale})`, async () => {
      const { context, page, problems } = await openPage(browser, { locale: locale === 'ja' ? 'ja-JP' : 'en-US' });
      try {
        await page.goto(`${t.url}/data?lang=${locale}`);
        await waitForCards(page, 120_000);
        await page.getByRole('heading', { name: locale === 'ja' ? '配信スケジュール' : 'Schedules and deliveries' }).waitFor();
        const daily = page.locator('[data-schedule="sla-daily"]');
        await expect
          .poll(() =>
            daily.locator('[data-run-outcome]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-outcome'))),
          )
          .toEqual(['pending', 'sent']);
        const text = (await daily.innerText()).replace(/\s+/g, ' ');
        if (locale === 'ja') {
          expect(text).toContain('SLA 超過アラート');
          expect(text).toContain('2026/12/06 09:00 再送待ち');
          expect(text).toContain('送信失敗');
          expect(text).toContain('3 回試行');
          expect(text).toContain('再送待ち');
          expect(text).toContain('2026/12/05 09:00 送信済み');
        } else {
          expect(text).toContain('SLA-breach alert');
          expect(text).toContain('Dec 6, 2026 09:00 Retrying');
          expect(text).toContain('Failed');
          expect(text).toContain('3 attempt(s)');
          expect(text).toContain('Retrying');
        }
        expect(text).toContain('answered 404: no_service');
        const weekly = (await page.locator('[data-schedule="weekly-mail"]').innerText()).replace(/\s+/g, ' ');
        expect(weekly).toContain(locale === 'ja' ? '送るものなし' : 'Nothing to send');
        expect(weekly).toContain('mail ops@example.co.jp');
        const html = await page.content();
        expect(html).not.toContain('very-secret-token');
        expect(html).toContain('slack (hooks.slack.com)');
        await screenshot(page, `schedules-data-${locale}`);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
