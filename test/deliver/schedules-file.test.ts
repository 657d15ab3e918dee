/*
 * The schedules file and the runner's pieces that need no server: a bad row
 * named by file, line, column and reason; due times in the schedule's zone
 * with one catch-up for a window missed; the lease-file lock held by one
 * runner at a time and taken over from a dead holder; the delivery log's
 * reading of a line torn by a kill.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadSchedules } from '../../server/deliver/schedules';
import { latestDue, startScheduleRunner } from '../../server/deliver/runner';
import { schedulesStatus } from '../../server/deliver/schedules-route';
import type { Config } from '../../server/config';
import { leaseFileLock, LOCK_FILE } from '../../server/deliver/runner-lock';
import { DeliveryLog } from '../../server/deliver/delivery-log';
import { mayReceivePersonalData } from '../../server/deliver/personal-data-rule';
import { scratch } from './deliver-fixture';

const box = scratch('revcycle-schedules-');
afterAll(() => rmSync(box.dir, { recursive: true, force: true }));
const file = (text: string) => {
  writeFileSync(box.schedulesFile, text);
  return box.schedulesFile;
};

describe('schedules file', () => {
  it('reads rows with defaults: zone from the warehouse, Japanese, the team audience', () => {
    const s = loadSchedules(
      file(
        'id,rule,zone,kind,target\nsla-daily,0 9 * * *,,sla_alert,{team}\nweekly,0 8 * * 1,Asia/Tokyo,sla_weekly_summary,a@example.co.jp\n',
      ),
    );
    expect(s).toEqual([
      {
        id: 'sla-daily',
        rule: '0 9 * * *',
        zone: undefined,
        kind: 'sla_alert',
        target: '{team}',
        language: 'ja',
        audience: 'team',
      },
      {
        id: 'weekly',
        rule: '0 8 * * 1',
        zone: 'Asia/Tokyo',
        kind: 'sla_weekly_summary',
        target: 'a@example.co.jp',
        language: 'ja',
        audience: 'team',
      },
    ]);
  });

  it('names file, line, column and reason for each bad value', () => {
    const f = file(
      'id,rule,zone,kind,target,language,audience\n' +
        'ok,0 9 * * *,,sla_alert,ops,ja,team\n' +
        'ok,0 9 * * *,Mars/Base,digest,,fr,boss\n' +
        'bad rule,61 9 * * *,,sla_alert,ops,en,analyst\n',
    );
    let message = '';
    try {
      loadSchedules(f);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `${f}, line 3, column id: "ok" appears twice`,
      `${f}, line 3, column zone: "Mars/Base" is not an IANA time zone such as Asia/Tokyo`,
      `${f}, line 3, column kind: "digest" is not one of sla_alert, sla_weekly_summary, pack`,
      `${f}, line 3, column target: is empty: give mail addresses or a channel name`,
      `${f}, line 3, column language: "fr" is not ja or en`,
      `${f}, line 3, column audience: "boss" is not one of executive, analyst, team, agency`,
      `${f}, line 4, column id: "bad rule" must be 1–64 letters, digits, - or _`,
      expect.stringMatching(
        new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 4, column rule: "61 9 \\* \\* \\*" is not a cron rule`),
      ),
    ]);
    expect(() => loadSchedules(file('id,rule,kind,target,when\nx,0 9 * * *,sla_alert,ops,now\n'))).toThrow(
      /line 1: unknown column "when"/,
    );
  });

  it('reads a pack schedule with its period, and refuses a period elsewhere or a bad one', () => {
    const ok = file(
      'id,rule,kind,target,language,audience,period\n' +
        'pack-q,0 8 * * 1,pack,exec@example.co.jp,en,executive,quarter\n' +
        'pack-y,0 8 * * 1,pack,ops,,executive,\n',
    );
    expect(loadSchedules(ok).map((s) => [s.id, s.kind, s.period])).toEqual([
      ['pack-q', 'pack', 'quarter'],
      ['pack-y', 'pack', 'year'],
    ]);
    let message = '';
    try {
      loadSchedules(file('id,rule,kind,target,period\n' + 'a,0 8 * * 1,sla_alert,ops,year\n' + 'b,0 8 * * 1,pack,ops,FY26\n'));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/line 2, column period: is for kind pack only \(this row is sla_alert\)/);
    expect(message).toMatch(/line 3, column period: "FY26" is not a period/);
  });

  it('has no schedules when the file is absent', () => {
    expect(loadSchedules(path.join(box.dir, 'none.csv'))).toEqual([]);
  });
});

describe('due times', () => {
  const daily = {
    id: 'd',
    rule: '0 9 * * *',
    kind: 'sla_alert' as const,
    target: 'ops',
    language: 'ja' as const,
    audience: 'team' as const,
  };
  it('reads the rule in the schedule zone', () => {
    // 09:00 in Tokyo is 00:00 UTC.
    expect(
      latestDue(daily, 'Asia/Tokyo', new Date('2026-12-06T20:00:00Z'), new Date('2026-12-07T00:00:30Z'))?.toISOString(),
    ).toBe('2026-12-07T00:00:00.000Z');
    expect(latestDue(daily, 'Asia/Tokyo', new Date('2026-12-06T20:00:00Z'), new Date('2026-12-06T23:59:59Z'))).toBeNull();
  });
  it('makes one catch-up run, for the latest due time, after days without a server', () => {
    expect(
      latestDue(daily, 'Asia/Tokyo', new Date('2026-12-01T01:00:00Z'), new Date('2026-12-05T03:00:00Z'))?.toISOString(),
    ).toBe('2026-12-05T00:00:00.000Z');
  });
});

describe('runner lock (one machine)', () => {
  it('is held by one runner at a time and taken over when the holder is gone', async () => {
    const a = leaseFileLock(box.stateDir, 60_000);
    const b = leaseFileLock(box.stateDir, 60_000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // renewal
    await a.release();
    expect(await b.acquire()).toBe(true);
    // A holder whose process is gone (a pid that does not exist) is replaced at once.
    const lockFile = path.join(box.stateDir, LOCK_FILE);
    const held = JSON.parse(readFileSync(lockFile, 'utf8'));
    writeFileSync(lockFile, JSON.stringify({ ...held, owner: 'dead', pid: 2 ** 22 + 12345 }));
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    // An expired lease from another machine is replaced too.
    writeFileSync(lockFile, JSON.stringify({ owner: 'other', pid: 1, host: 'elsewhere', expiresAt: Date.now() - 1 }));
    expect(await b.acquire()).toBe(true);
    await b.release();
  });
});

describe('delivery log', () => {
  it('skips a line torn by a kill and starts the next record on a new line', () => {
    const log = new DeliveryLog(path.join(box.dir, 'log'));
    log.append({ t: 'armed', schedule: 'a', at: '2026-12-06T00:00:00.000Z' });
    appendFileSync(log.file, '{"t":"armed","sched');
    log.append({ t: 'armed', schedule: 'b', at: '2026-12-06T00:00:01.000Z' });
    expect([...log.state().armedAt.keys()]).toEqual(['a', 'b']);
  });
});

describe('personal data rule', () => {
  it('follows the access policy: only the roles it lets see personal data get journey links', () => {
    expect((['executive', 'analyst', 'team', 'agency'] as const).filter(mayReceivePersonalData)).toEqual(['analyst']);
  });
});

describe('GET /api/schedules content', () => {
  const config = { stateDir: box.stateDir, seedsDir: box.dir, timeZone: 'Asia/Tokyo' } as Config;
  it('reports a wrong delivery setting instead of failing, without the secret value', () => {
    const status = schedulesStatus(config, {
      REVCYCLE_SCHEDULES: box.schedulesFile,
      REVCYCLE_CHANNEL_OPS_URL: 'https://hooks.example.com/T0/secret-path',
    });
    expect(status.error).toBe(
      'Delivery settings: REVCYCLE_CHANNEL_OPS_SECRET (at least 16 characters) is required for a generic webhook',
    );
    expect(JSON.stringify(status)).not.toContain('secret-path');
    // The runner does not start then, and says why, instead of throwing out of the server's start.
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      startScheduleRunner(config, 'http://127.0.0.1:1', { REVCYCLE_CHANNEL_OPS_URL: 'not a url' });
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual(['[schedules] not started: REVCYCLE_CHANNEL_OPS_URL is not a URL']);
  });

  it('names the file by its name only and its errors by line and column', () => {
    writeFileSync(box.schedulesFile, 'id,rule,kind,target\nx,0 9 * * *,digest,ops\n');
    const status = schedulesStatus(config, { REVCYCLE_SCHEDULES: box.schedulesFile });
    expect(status.file).toBe('schedules.csv');
    expect(status.error).toBe('schedules.csv, line 2, column kind: "digest" is not one of sla_alert, sla_weekly_summary, pack');
  });
});
