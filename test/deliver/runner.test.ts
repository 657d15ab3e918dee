/*
 * The schedule runner inside the real server (Cube over the semantic
 * fixture's DuckDB warehouse), delivering to a real SMTP server and HTTP
 * receiver started here:
 * - SLA alerts: every stuck lead goes to the channel of the team that owns
 *   its stage, once; a second run sends nothing; the figures and lead IDs
 *   equal what the Cube API answers for backlog_leads; a link to the
 *   journey only for an audience allowed personal data;
 * - the weekly summary by mail, its figures equal the API's;
 * - a failed send retried with doubling backoff and recorded; one that keeps
 *   failing given up and shown as failed;
 * - GET /api/schedules: roles, outcomes, and no secret in the answer.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import type { SchedulesStatus } from '../../server/contract/schedules';
import type { LogRecord } from '../../server/deliver/delivery-log';
import {
  buildFixtureWarehouse,
  dueIn,
  scratch,
  smtpEnv,
  startScheduleServer,
  teamChannelEnv,
  until,
  writeSchedules,
  type Row,
} from './deliver-fixture';
import { makeCertificate, startHttpReceiver, startSmtp, type HttpReceiver, type SmtpReceiver, type TlsFiles } from './receivers';

const box = scratch('revcycle-deliver-');
let t: TestServer;
let http: HttpReceiver;
let smtp: SmtpReceiver;
let tls: TlsFiles;
const SMTP_PASSWORD = 'smtp-pass-do-not-show';
const HOOK_SECRET = 'whsec-do-not-show-0123';
const TEAMS = ['inside_sales', 'marketing', 'sales'];
const savedEnv = { ...process.env };

type Rows = Record<string, string | number | boolean | null>[];
const rows = async (query: Record<string, unknown>): Promise<Rows> => {
  const res = await t.load(query);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body.data as Rows;
};

const status = async (): Promise<SchedulesStatus> => {
  const res = await t.request('/api/schedules');
  expect(res.status).toBe(200);
  return res.body as SchedulesStatus;
};
const runsOf = async (id: string) => (await status()).schedules.find((s) => s.id === id)?.runs ?? [];
const settled = (id: string, n: number) =>
  until(`${n} settled run(s) of ${id}`, async () => {
    const runs = await runsOf(id);
    return runs.length >= n && runs.every((r) => r.outcome !== 'pending') ? runs : false;
  });
const logRecords = () =>
  readFileSync(path.join(box.stateDir, 'deliveries.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);

let schedules: Row[] = [];
const addSchedule = (row: Row) => {
  schedules = [...schedules.filter((s) => s.id !== row.id), row];
  writeSchedules(box.schedulesFile, schedules);
};
/** Adds a schedule due in 2 s (UTC) and waits for its first run to settle. */
const runOnce = async (row: Omit<Row, 'rule' | 'zone'>) => {
  addSchedule({ ...row, rule: dueIn(2), zone: 'UTC' });
  const [run] = await settled(row.id, 1);
  return run!;
};

beforeAll(async () => {
  tls = makeCertificate();
  [http, smtp] = await Promise.all([
    startHttpReceiver(),
    startSmtp(tls, { user: 'revcycle', password: SMTP_PASSWORD }),
    buildFixtureWarehouse(box.warehouse),
  ]).then(([h, s]) => [h, s] as const);
  writeSchedules(box.schedulesFile, []);
  Object.assign(process.env, {
    REVCYCLE_SCHEDULES: box.schedulesFile,
    REVCYCLE_SCHEDULE_TICK_SECONDS: '1',
    REVCYCLE_DELIVERY_ATTEMPTS: '3',
    REVCYCLE_DELIVERY_BACKOFF_MS: '400',
    ...smtpEnv(smtp, tls, SMTP_PASSWORD),
    REVCYCLE_CHANNEL_OPS_URL: `${http.url}/hook/ops`,
    REVCYCLE_CHANNEL_OPS_SECRET: HOOK_SECRET,
    REVCYCLE_CHANNEL_BROKEN_URL: `${http.url}/slack/broken/token-broken`,
    REVCYCLE_CHANNEL_BROKEN_KIND: 'slack',
    ...teamChannelEnv(TEAMS, (team) => ({ URL: `${http.url}/slack/${team}/token-${team}`, KIND: 'slack' })),
  });
  t = await startScheduleServer(box);
}, 240_000);

afterAll(async () => {
  await t?.server.close();
  process.env = savedEnv;
  await http?.close();
  await smtp?.close();
  rmSync(box.dir, { recursive: true, force: true });
  rmSync(tls.dir, { recursive: true, force: true });
});

/** The stuck list as the API answers it, per team, oldest breach first. */
async function apiStuck() {
  const list = await rows({
    dimensions: ['backlog_leads.lead_id', 'backlog_leads.team'],
    filters: [{ member: 'backlog_leads.is_stuck', operator: 'equals', values: ['true'] }],
    order: [
      ['backlog_leads.breach_at', 'asc'],
      ['backlog_leads.lead_id', 'asc'],
    ],
    limit: 50_000,
  });
  const counts = await rows({ measures: ['backlog_leads.stuck_leads'], dimensions: ['backlog_leads.team'] });
  const byTeam = new Map<string, { ids: string[]; stuck: number }>();
  for (const c of counts) byTeam.set(String(c['backlog_leads.team']), { ids: [], stuck: Number(c['backlog_leads.stuck_leads']) });
  for (const r of list) byTeam.get(String(r['backlog_leads.team']))!.ids.push(String(r['backlog_leads.lead_id']));
  return byTeam;
}

describe('SLA-breach alerts', () => {
  it('sends each stuck lead once to its team channel, with the API figures and journey links for analysts', async () => {
    const expected = await apiStuck();
    const teamsWithBreaches = [...expected].filter(([, v]) => v.ids.length > 0).map(([k]) => k);
    expect(teamsWithBreaches.length).toBeGreaterThan(0);
    const before = http.requests.length;
    const daily = { id: 'sla-daily', kind: 'sla_alert', target: '{team}', audience: 'analyst' };
    const run = await runOnce(daily);
    expect(run.outcome).toBe('sent');
    const got = http.requests.slice(before).filter((r) => r.path.startsWith('/slack/'));
    expect(got.map((r) => r.path.split('/')[2]).sort()).toEqual(teamsWithBreaches.sort());
    for (const req of got) {
      const team = req.path.split('/')[2]!;
      const { ids, stuck } = expected.get(team)!;
      const text = JSON.parse(req.body).text as string;
      expect(text).toContain(`新規 ${ids.length.toLocaleString('ja-JP')} 件 (超過中 計 ${stuck.toLocaleString('ja-JP')} 件)`);
      const listed = [...text.matchAll(/^・(\S+) /gm)].map((m) => m[1]);
      expect(listed).toEqual(ids.slice(0, 25));
      for (const id of listed) expect(text).toContain(`https://bi.example.co.jp/leads/${id}`);
      if (ids.length > 25) expect(text).toContain(`ほか ${ids.length - 25} 件`);
    }

    // The next run finds no breach it has not reported: nothing is sent.
    const after = http.requests.length;
    addSchedule({ ...daily, rule: dueIn(2), zone: 'UTC' });
    const runs = await settled('sla-daily', 2);
    expect(runs[0]!.outcome).toBe('nothing');
    expect(http.requests.length).toBe(after);
  }, 60_000);

  it('leaves the journey link out for an audience without personal data, and signs the generic webhook', async () => {
    const expected = await apiStuck();
    const before = http.requests.length;
    const run = await runOnce({ id: 'sla-ops', kind: 'sla_alert', target: 'ops', language: 'en', audience: 'team' });
    expect(run.outcome).toBe('sent');
    const got = http.requests.slice(before).filter((r) => r.path === '/hook/ops');
    expect(got.length).toBe([...expected.values()].filter((v) => v.ids.length).length);
    for (const req of got) {
      expect(req.headers['x-revcycle-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
      const body = JSON.parse(req.body);
      const { ids, stuck } = expected.get(body.data.team)!;
      expect(body.data.newBreaches).toBe(ids.length);
      expect(body.data.stuckLeads).toBe(stuck);
      expect(body.data.breaches.map((b: { leadId: string }) => b.leadId)).toEqual(ids);
      expect(body.data.breaches.some((b: object) => 'journeyUrl' in b)).toBe(false);
      expect(body.text).not.toContain('/leads/');
      expect(body.subject).toContain(`${ids.length} new (${stuck} past SLA in all)`);
    }
  }, 60_000);
});

describe('weekly summary', () => {
  it('mails each team its SLA-stage backlog with the API figures', async () => {
    const api = await rows({
      measures: ['backlog_leads.leads', 'backlog_leads.stuck_leads', 'backlog_leads.avg_aging_days'],
      dimensions: ['backlog_leads.team'],
      filters: [{ member: 'backlog_leads.is_sla_stage', operator: 'equals', values: ['true'] }],
    });
    const before = smtp.mails.length;
    const run = await runOnce({ id: 'weekly', kind: 'sla_weekly_summary', target: 'ops-{team}@example.co.jp', language: 'en' });
    expect(run.outcome).toBe('sent');
    const mails = smtp.mails.slice(before);
    expect(mails).toHaveLength(api.length);
    for (const r of api) {
      const team = String(r['backlog_leads.team']);
      const mail = mails.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text === `ops-${team}@example.co.jp`)!;
      const avg = Number(r['backlog_leads.avg_aging_days']).toLocaleString('en-US', {
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      });
      expect(mail.text).toContain(
        `${Number(r['backlog_leads.leads'])} leads in ${team}'s SLA stages, ${Number(r['backlog_leads.stuck_leads'])} past SLA, mean aging ${avg} days.`,
      );
    }
  }, 60_000);
});

describe('reliability', () => {
  it('retries a failed send with doubling backoff, records it, and gives up after the last attempt', async () => {
    let failures = 0;
    http.answer = (req) => {
      if (req.path.startsWith('/slack/broken/')) return 503;
      if (req.path.startsWith('/slack/sales/') && failures < 2) {
        failures++;
        return 502;
      }
      return 200;
    };
    try {
      const before = http.requests.length;
      const rule = dueIn(2);
      addSchedule({ id: 'retry', rule, zone: 'UTC', kind: 'sla_weekly_summary', target: 'sales', language: 'en' });
      addSchedule({ id: 'broken', rule, zone: 'UTC', kind: 'sla_weekly_summary', target: 'broken', language: 'en' });
      const [retry] = await settled('retry', 1);
      const [broken] = await settled('broken', 1);
      expect(retry!.outcome).toBe('sent');
      expect(retry!.deliveries.reduce((n, d) => n + d.attempts, 0)).toBe(retry!.deliveries.length + 2);
      expect(broken!.outcome).toBe('failed');
      for (const d of broken!.deliveries) {
        expect(d.attempts).toBe(3);
        expect(d.lastError).toMatch(/^slack \(127\.0\.0\.1:\d+\) answered 503/);
      }
      // Attempts of one delivery are spaced by the backoff: 400 ms, then 800 ms.
      const attempts = logRecords().filter(
        (r): r is Extract<LogRecord, { t: 'attempt' }> => r.t === 'attempt' && r.key.startsWith('broken@'),
      );
      const first = attempts.filter((a) => a.key === attempts[0]!.key);
      expect(first.map((a) => a.attempt)).toEqual([1, 2, 3]);
      const gaps = first.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(first[i]!.at));
      expect(gaps[0]).toBeGreaterThanOrEqual(400);
      expect(gaps[1]).toBeGreaterThanOrEqual(800);
      expect(first.map((a) => a.nextAt === undefined)).toEqual([false, false, true]);
      expect(http.requests.slice(before).filter((r) => r.path.startsWith('/slack/broken/'))).toHaveLength(
        3 * broken!.deliveries.length,
      );
    } finally {
      http.answer = () => 200;
    }
  }, 60_000);

  it('GET /api/schedules is for executives and analysts and shows no secret', async () => {
    expect((await t.request('/api/schedules', { token: null })).status).toBe(401);
    expect((await t.request('/api/schedules', { token: t.token({ role: 'team:sales' }) })).status).toBe(403);
    const res = await t.request('/api/schedules', { token: t.token({ role: 'analyst' }) });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const secret of [SMTP_PASSWORD, HOOK_SECRET, 'token-sales', 'token-broken', '/hook/ops', box.dir]) {
      expect(text).not.toContain(secret);
    }
    const ops = (res.body as SchedulesStatus).schedules.find((s) => s.id === 'sla-ops')!;
    expect(ops.target).toMatch(/^channel ops: webhook \(127\.0\.0\.1:\d+\)$/);
    // Nor does the delivery log hold one.
    const log = readFileSync(path.join(box.stateDir, 'deliveries.jsonl'), 'utf8');
    for (const secret of [SMTP_PASSWORD, HOOK_SECRET, 'token-sales', '/hook/ops']) expect(log).not.toContain(secret);
  });
});
