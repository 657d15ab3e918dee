/*
 * Schedules of kind `pack` inside the real server (Cube over the semantic
 * fixture's DuckDB warehouse), delivering to a real SMTP server (STARTTLS,
 * login) and a real HTTP receiver started here:
 * - by mail: the meeting pack's PDF attached (read back by pdfjs-dist: A4,
 *   1–3 pages, the KPI tree's revenue figures for the period), and the
 *   body's revenue line equal to the API's figures;
 * - by the signed generic webhook: the PDF base64 in the body's
 *   `attachments`, the signature recomputed over the raw body, and `data`'s
 *   figures equal to the API's (revenue actual and plan, SLA breaches);
 * - to Slack: the lines and the review page's link, no file (incoming
 *   webhooks take none).
 */
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulesStatus } from '../../server/contract/schedules';
import { formatYen } from '../../dashboard/src/lib/format';
import { readPdf } from '../support/pdf';
import type { TestServer } from '../support/server';
import {
  buildFixtureWarehouse,
  dueIn,
  scratch,
  smtpEnv,
  startScheduleServer,
  until,
  writeSchedules,
  type Row,
} from './deliver-fixture';
import { makeCertificate, startHttpReceiver, startSmtp, type HttpReceiver, type SmtpReceiver, type TlsFiles } from './receivers';

const box = scratch('revcycle-pack-deliver-');
let t: TestServer;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let tls: TlsFiles;
const HOOK_SECRET = 'whsec-pack-0123456789';
const savedEnv = { ...process.env };
const flat = (s: string) => s.replace(/\s+/g, ' ');

const rows = async (query: Record<string, unknown>) => {
  const res = await t.load(query);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.data as Record<string, string | number | boolean | null>[];
};

/** The fixture's revenue node for FY2025 (as-of 2025-10-15) and its stuck-lead count, from the API. */
async function apiFigures() {
  const [revenue] = await rows({
    measures: ['kpi_tree.actual', 'kpi_tree.plan', 'kpi_tree.plan_full'],
    timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', dateRange: ['2025-04-01', '2025-04-01'] }],
    filters: [
      { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
      { member: 'kpi_tree.node', operator: 'equals', values: ['revenue'] },
    ],
  });
  const [stuck] = await rows({
    measures: ['backlog_leads.stuck_leads'],
    filters: [{ member: 'backlog_leads.is_stuck', operator: 'equals', values: ['true'] }],
  });
  return {
    actual: Number(revenue!['kpi_tree.actual']),
    plan: Number(revenue!['kpi_tree.plan']),
    planFull: Number(revenue!['kpi_tree.plan_full']),
    stuck: Number(stuck?.['backlog_leads.stuck_leads'] ?? 0),
  };
}

const settled = (id: string) =>
  until(
    `a settled run of ${id}`,
    async () => {
      const res = await t.request('/api/schedules');
      const runs = (res.body as SchedulesStatus).schedules.find((s) => s.id === id)?.runs ?? [];
      return runs.length && runs.every((r) => r.outcome !== 'pending') ? runs : false;
    },
    120_000,
  );

beforeAll(async () => {
  tls = makeCertificate();
  [http, smtp] = await Promise.all([
    startHttpReceiver(),
    startSmtp(tls, { user: 'revcycle', password: 'smtp-pass-pack' }),
    buildFixtureWarehouse(box.warehouse),
  ]).then(([h, s]) => [h, s] as const);
  writeSchedules(box.schedulesFile, []);
  Object.assign(process.env, {
    REVCYCLE_SCHEDULES: box.schedulesFile,
    REVCYCLE_SCHEDULE_TICK_SECONDS: '1',
    ...smtpEnv(smtp, tls, 'smtp-pass-pack'),
    REVCYCLE_CHANNEL_OPS_URL: `${http.url}/hook/ops`,
    REVCYCLE_CHANNEL_OPS_SECRET: HOOK_SECRET,
    REVCYCLE_CHANNEL_SALES_URL: `${http.url}/slack/sales/token-sales`,
    REVCYCLE_CHANNEL_SALES_KIND: 'slack',
  });
  t = await startScheduleServer(box);
  const due = dueIn(3);
  const schedules: Row[] = [
    {
      id: 'pack-mail',
      rule: due,
      zone: 'UTC',
      kind: 'pack',
      target: 'exec@example.co.jp',
      language: 'ja',
      audience: 'executive',
    },
    { id: 'pack-hook', rule: due, zone: 'UTC', kind: 'pack', target: 'ops', language: 'en', audience: 'executive' },
    { id: 'pack-slack', rule: due, zone: 'UTC', kind: 'pack', target: 'sales', language: 'ja', audience: 'team' },
  ];
  writeSchedules(box.schedulesFile, schedules);
  for (const s of schedules) {
    const [run] = await settled(s.id);
    expect(run!.outcome).toBe('sent');
  }
}, 400_000);

afterAll(async () => {
  await t?.server.close();
  process.env = savedEnv;
  await http?.close();
  await smtp?.close();
  rmSync(box.dir, { recursive: true, force: true });
  rmSync(tls.dir, { recursive: true, force: true });
});

describe('pack schedules', () => {
  it('mail: the PDF attached, its figures and the body’s equal to the API’s', async () => {
    const api = await apiFigures();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toContain('【定例会議パック】2025年度');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['revcycle-pack-FY2025-ja.pdf', 'application/pdf'],
    ]);
    const info = await readPdf(mail.attachments[0]!.content);
    expect(info.pages).toBeGreaterThanOrEqual(1);
    expect(info.pages).toBeLessThanOrEqual(3);
    expect([Math.round(info.sizes[0]!.width), Math.round(info.sizes[0]!.height)]).toEqual([595, 842]);
    expect(flat(info.text[0]!)).toContain(`${formatYen(api.actual, 'ja')} ${formatYen(api.plan, 'ja')} `);
    expect(mail.text).toContain(`受注金額 実績 ${formatYen(api.actual, 'ja')} / 計画 (累計) ${formatYen(api.plan, 'ja')}`);
    expect(mail.text).toContain('https://bi.example.co.jp/review?period=FY2025&lang=ja');
  });

  it('generic webhook: signed body with the PDF base64 and the API’s figures as data', async () => {
    const api = await apiFigures();
    const hook = http.requests.filter((r) => r.path === '/hook/ops');
    expect(hook).toHaveLength(1);
    const req = hook[0]!;
    const ts = Number(req.headers['x-revcycle-timestamp']);
    expect(req.headers['x-revcycle-signature']).toBe(
      `v1=${createHmac('sha256', HOOK_SECRET).update(`${ts}.${req.body}`).digest('hex')}`,
    );
    const body = JSON.parse(req.body);
    expect(body.subject).toBe('[Meeting pack] FY2025 (as of Oct 15, 2025)');
    expect(body.data).toMatchObject({
      kind: 'pack',
      period: 'FY2025',
      lang: 'en',
      asOf: '2025-10-15',
      revenue: { actual: api.actual, plan: api.plan, planFull: api.planFull },
      slaBreaches: api.stuck,
    });
    expect(body.attachments.map((a: { filename: string; contentType: string }) => [a.filename, a.contentType])).toEqual([
      ['revcycle-pack-FY2025-en.pdf', 'application/pdf'],
    ]);
    const info = await readPdf(Buffer.from(body.attachments[0].contentBase64, 'base64'));
    expect(flat(info.text.join(' '))).toContain('KGI against the plan to date');
    expect(flat(info.text[0]!)).toContain(`${formatYen(api.actual, 'en')} ${formatYen(api.plan, 'en')} `);
  });

  it('Slack: the lines and the review page’s link, no file', async () => {
    const slack = http.requests.filter((r) => r.path.startsWith('/slack/sales/'));
    expect(slack).toHaveLength(1);
    const body = JSON.parse(slack[0]!.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('*【定例会議パック】2025年度');
    expect(body.text).toContain('https://bi.example.co.jp/review?period=FY2025&lang=ja');
    expect(body.text).toContain('Slack・Teams には添付できない');
  });
});
