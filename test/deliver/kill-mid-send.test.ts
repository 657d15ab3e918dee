/*
 * kill -9 of the server in the middle of a delivery neither loses a send nor
 * sends one twice. A real `npm start` process runs an SLA alert to a signed
 * webhook: the receiver acknowledges the first team's message and holds the
 * second one open, and the server is killed while it waits. A second
 * schedule falls due while no server runs. A new server on the same state
 * directory then sends the held message again with the same delivery key,
 * not the acknowledged one, and the missed schedule once; a later run of the
 * alert finds no breach it has not reported.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signToken } from '../../server/auth';
import { builtWarehouse } from '../support/build-cache';
import type { SchedulesStatus } from '../../server/contract/schedules';
import { sandbox, SECRET, startServerProcess, type CliProcess } from '../faults/processes';
import { dueIn, inSeconds, ruleAt, SEEDS, until, writeSchedules, type Row } from './deliver-fixture';
import { startHttpReceiver, type HttpReceiver } from './receivers';

const box = sandbox(SEEDS);
const schedulesFile = path.join(box.dir, 'schedules.csv');
const running: CliProcess[] = [];
let http: HttpReceiver;
afterAll(async () => {
  for (const p of running) await p.kill9();
  await http?.close();
  rmSync(box.dir, { recursive: true, force: true });
});

const token = signToken(SECRET, { sub: 'faults', role: 'executive' }, 600);
const acknowledged = (key: string) => http.requests.filter((r) => r.headers['x-revcycle-delivery'] === key && r.status === 200);
const keysOf = (prefix: string) => [
  ...new Set(http.requests.map((r) => String(r.headers['x-revcycle-delivery'])).filter((k) => k.startsWith(prefix))),
];

describe('kill -9 of the server during a delivery', () => {
  it('resends the cut delivery with its key, never the acknowledged one, and runs the schedule missed while down', async () => {
    http = await startHttpReceiver();
    let seen = 0;
    http.answer = () => (++seen === 2 ? 'hold' : 200);
    const env = box.env({
      REVCYCLE_SCHEDULES: schedulesFile,
      REVCYCLE_SCHEDULE_TICK_SECONDS: '1',
      REVCYCLE_DELIVERY_BACKOFF_MS: '500',
      REVCYCLE_CHANNEL_OPS_URL: `${http.url}/hook/ops`,
      REVCYCLE_CHANNEL_OPS_SECRET: 'whsec-kill-test-0123456789',
    });
    writeSchedules(schedulesFile, []);
    // The run's build of the seeds: `start` finds it up to date and builds none.
    await builtWarehouse(SEEDS, box.warehouse);
    const first = await startServerProcess(env);
    running.push(first);

    const alertAt = inSeconds(2);
    const missedAt = inSeconds(8);
    const rows: Row[] = [
      { id: 'alert', rule: ruleAt(alertAt), zone: 'UTC', kind: 'sla_alert', target: 'ops' },
      { id: 'missed', rule: ruleAt(missedAt), zone: 'UTC', kind: 'sla_weekly_summary', target: 'ops' },
    ];
    writeSchedules(schedulesFile, rows);
    await http.waitFor(2);
    const alertRun = `alert@${alertAt.toISOString()}`;
    const [sentKey, heldKey] = http.requests.map((r) => String(r.headers['x-revcycle-delivery']));
    expect(sentKey!.startsWith(`${alertRun}#`)).toBe(true);
    expect(heldKey!.startsWith(`${alertRun}#`)).toBe(true);
    // The run was recorded before the sends began.
    expect(readFileSync(path.join(box.stateDir, 'deliveries.jsonl'), 'utf8')).toContain(`"run":"${alertRun}"`);
    await first.kill9();
    expect(first.child.signalCode).toBe('SIGKILL');

    // The second schedule falls due while no server runs.
    while (Date.now() < missedAt.getTime() + 1000) await new Promise((r) => setTimeout(r, 200));
    const beforeRestart = http.requests.length;
    const second = await startServerProcess(env);
    running.push(second);
    const schedulesNow = async () => {
      const res = await fetch(`${second.url}/api/schedules`, { headers: { authorization: token } });
      return ((await res.json()) as SchedulesStatus).schedules;
    };
    // Both runs settle: the cut alert and the missed summary are sent.
    await until(
      'the held and the missed deliveries',
      async () => {
        const now = await schedulesNow();
        return now.length === 2 && now.every((s) => s.runs[0]?.outcome === 'sent');
      },
      60_000,
    );
    expect(acknowledged(heldKey!)).toHaveLength(1);
    const afterRestart = http.requests.slice(beforeRestart);
    expect(afterRestart.filter((r) => r.headers['x-revcycle-delivery'] === sentKey)).toEqual([]);
    expect(acknowledged(sentKey!)).toHaveLength(1);
    // The missed schedule ran once, for the due time it missed.
    const missedKeys = keysOf('missed@');
    expect(missedKeys.every((k) => k.startsWith(`missed@${missedAt.toISOString()}#`))).toBe(true);
    for (const k of missedKeys) expect(acknowledged(k)).toHaveLength(1);

    // A later run of the alert reports no breach again.
    const quiet = http.requests.length;
    writeSchedules(schedulesFile, [{ ...rows[0]!, rule: dueIn(2) }, rows[1]!]);
    const runs = await until(
      'the second alert run',
      async () => {
        const r = (await schedulesNow()).find((s) => s.id === 'alert')!.runs;
        return r.length === 2 ? r : false;
      },
      30_000,
    );
    expect(runs[0]!.outcome).toBe('nothing');
    expect(runs[1]!.outcome).toBe('sent');
    expect(runs[1]!.deliveries.find((d) => d.attempts >= 1 && d.outcome === 'sent')).toBeTruthy();
    expect(http.requests.length).toBe(quiet);
    await second.kill9();
  }, 240_000);
});
