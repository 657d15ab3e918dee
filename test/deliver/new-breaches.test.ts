/*
 * A breach that arises between two runs is alerted by the next run, and only
 * it: the semantic fixture's warehouse is built as of 2025-10-10 (L2 stuck in
 * sal, L4 in lead; L5 entered mql on 10-05 and breaches its 7-day SLA on
 * 10-12), the alert runs, then the warehouse is rebuilt as of the fixture's
 * own 2025-10-15 and swapped in under the running server: the next run
 * sends L5 alone to marketing, with the team's stuck count the API answers.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse } from '../../server/warehouse/index';
import type { SchedulesStatus } from '../../server/contract/schedules';
import type { TestServer } from '../support/server';
import { dueIn, scratch, SEEDS, startScheduleServer, teamChannelEnv, until, writeSchedules } from './deliver-fixture';
import { startHttpReceiver, type HttpReceiver } from './receivers';

const box = scratch('revcycle-new-breaches-');
const seeds = path.join(box.dir, 'seeds');
let t: TestServer;
let http: HttpReceiver;
const savedEnv = { ...process.env };

const setAsOf = (asOf: string) => {
  const file = path.join(seeds, 'settings.csv');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^as_of,.*$/m, `as_of,${asOf}`));
};
const build = () => buildWarehouse({ seedsDir: seeds, warehousePath: box.warehouse, log: () => {} });

const stuck = async () => {
  const res = await t.load({
    dimensions: ['backlog_leads.lead_id', 'backlog_leads.team'],
    measures: ['backlog_leads.stuck_leads'],
    filters: [{ member: 'backlog_leads.is_stuck', operator: 'equals', values: ['true'] }],
  });
  expect(res.status).toBe(200);
  return (res.body.data as Record<string, string>[])
    .map((r) => `${r['backlog_leads.team']}:${r['backlog_leads.lead_id']}`)
    .sort();
};

const alertRuns = async () => {
  const res = await t.request('/api/schedules');
  return (res.body as SchedulesStatus).schedules.find((s) => s.id === 'alert')?.runs ?? [];
};

const runAlert = async (n: number) => {
  writeSchedules(box.schedulesFile, [{ id: 'alert', rule: dueIn(2), zone: 'UTC', kind: 'sla_alert', target: '{team}' }]);
  return until(`run ${n} of the alert`, async () => {
    const runs = await alertRuns();
    return runs.length === n && runs[0]!.outcome !== 'pending' ? runs[0]! : false;
  });
};

const received = (from: number) =>
  http.requests.slice(from).map((r) => ({ team: r.path.split('/')[1]!, data: JSON.parse(r.body).data }));

beforeAll(async () => {
  cpSync(SEEDS, seeds, { recursive: true });
  setAsOf('2025-10-10T23:59:59+09:00');
  http = await startHttpReceiver();
  await build();
  Object.assign(process.env, {
    REVCYCLE_SCHEDULES: box.schedulesFile,
    REVCYCLE_SCHEDULE_TICK_SECONDS: '1',
    ...teamChannelEnv(['marketing', 'inside_sales', 'sales'], (team) => ({
      URL: `${http.url}/${team}`,
      KIND: 'webhook',
      SECRET: 'whsec-new-breaches-0123',
    })),
  });
  t = await startScheduleServer(box);
}, 240_000);

afterAll(async () => {
  await t?.server.close();
  process.env = savedEnv;
  await http?.close();
  rmSync(box.dir, { recursive: true, force: true });
});

describe('breaches that arise between runs', () => {
  it('are alerted by the next run, alone', async () => {
    expect(await stuck()).toEqual(['inside_sales:L2', 'marketing:L4']);
    const first = await runAlert(1);
    expect(first.outcome).toBe('sent');
    expect(
      received(0)
        .map((m) => `${m.team}:${m.data.breaches.map((b: { leadId: string }) => b.leadId).join(',')}`)
        .sort(),
    ).toEqual(['inside_sales:L2', 'marketing:L4']);

    // Five days on: L5 has passed its MQL SLA (due 10-12).
    setAsOf('2025-10-15T23:59:59+09:00');
    await build();
    await until('the new warehouse served', async () => (await stuck()).length === 3, 120_000);
    expect(await stuck()).toEqual(['inside_sales:L2', 'marketing:L4', 'marketing:L5']);
    const before = http.requests.length;
    const second = await runAlert(2);
    expect(second.outcome).toBe('sent');
    const messages = received(before);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.team).toBe('marketing');
    expect(messages[0]!.data.newBreaches).toBe(1);
    expect(messages[0]!.data.stuckLeads).toBe(2);
    expect(messages[0]!.data.breaches.map((b: { leadId: string; stage: string }) => `${b.leadId}:${b.stage}`)).toEqual([
      'L5:mql',
    ]);
  }, 180_000);
});
