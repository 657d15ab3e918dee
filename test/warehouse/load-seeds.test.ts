import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSeeds, SeedError, type LoadSeedsResult } from '../../server/warehouse/index.js';
import { appendLines, removeTempDirs, replaceText, seedsWith, tempDir } from './helpers.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let dir: string;

beforeEach(async () => {
  dir = await tempDir();
  instance = await DuckDBInstance.create(path.join(dir, 'load.duckdb'));
  conn = await instance.connect();
});
afterEach(() => {
  conn.closeSync();
  instance.closeSync();
});
afterAll(removeTempDirs);

async function rows(sql: string) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

async function load(seeds: string, log: string[] = []): Promise<LoadSeedsResult> {
  return loadSeeds(conn, seeds, { workDir: path.join(dir, 'work'), log: (m) => log.push(m) });
}

describe('loadSeeds', () => {
  it('loads every canonical table as VARCHAR, keeping extra columns, quoted fields and CRLF files', async () => {
    const result = await load(await seedsWith(path.join(dir, 'seeds')));
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toEqual({
      stages: 9,
      // Not in the fixture: the bundled channels, touch types and stage definitions (with their log) stand in.
      channels: 11,
      touch_types: 9,
      stage_definitions: 6,
      stage_definition_changes: 3,
      accounts: 3,
      leads: 5,
      stage_transitions: 21,
      opportunities: 3,
      touchpoints: 10,
      campaigns: 3,
      channel_costs: 5,
      // Optional and not in the fixture: empty (the bundled sample's team costs must not stand in for a company's).
      team_costs: 0,
      // Optional and not in the fixture: a deal's buying group is then its engaged contacts only.
      opportunity_contact_roles: 0,
      targets: 4,
      settings: 8,
    });
    expect(result.rejectedTotal).toBe(0);
    expect(result.tables.find((t) => t.table === 'leads')!.extraColumns).toEqual(['utm_campaign']);
    expect(await rows(`select lead_id, utm_campaign from raw.leads where utm_campaign is not null`)).toEqual([
      { lead_id: 'L1', utm_campaign: 'spring' },
    ]);
    expect(await rows(`select reason from raw.stage_transitions where transition_id = 'T09'`)).toEqual([
      { reason: 'budget frozen,\nrevisit in Q3' },
    ]);
    expect(await rows(`select account_name from raw.accounts order by account_id`)).toEqual([
      { account_name: 'Acme, Inc.' },
      { account_name: '株式会社サンプル' },
      { account_name: 'Widget "Works"' },
    ]);
    expect(await rows(`select campaign_id, ended_at from raw.campaigns order by campaign_id`)).toEqual([
      { campaign_id: 'C1', ended_at: null },
      { campaign_id: 'C2', ended_at: '2025-04-30T00:00:00+09:00' },
      { campaign_id: 'C3', ended_at: null },
    ]);
    const types = await rows(
      `select distinct data_type from information_schema.columns where table_schema = 'raw' and table_name <> 'rejected_rows'`,
    );
    expect(types).toEqual([{ data_type: 'VARCHAR' }]);
  });

  it('loads team_costs when the directory has it, and sets a bad row aside like any table', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    await writeFile(
      path.join(seeds, 'team_costs.csv'),
      'month,team,cost_type,cost\n2025-04-01,sales,people,9000000\n2025-04-01,sales,overhead,2500000\n2025-04-01,marketing,people,¥3M\n',
    );
    const result = await load(seeds);
    expect(result.tables.find((t) => t.table === 'team_costs')!.rows).toBe(2);
    expect(await rows(`select team, cost_type, cost from raw.team_costs order by cost_type`)).toEqual([
      { team: 'sales', cost_type: 'overhead', cost: '2500000' },
      { team: 'sales', cost_type: 'people', cost: '9000000' },
    ]);
    expect(await rows(`select line, column_name, reason from raw.rejected_rows where table_name = 'team_costs'`)).toEqual([
      { line: '4', column_name: 'cost', reason: 'is not an integer' },
    ]);
  });

  it('loads campaigns with or without the optional buyer_journey_step column (left out: empty)', async () => {
    const without = await load(await seedsWith(path.join(dir, 'seeds')));
    expect(without.tables.find((t) => t.table === 'campaigns')!.extraColumns).toEqual([]);
    const stepsWithout = await rows(`select campaign_id, buyer_journey_step from raw.campaigns order by campaign_id`);
    expect(stepsWithout.map((r) => r.buyer_journey_step)).toEqual([null, null, null]);

    await conn.run('drop schema raw cascade');
    const seeds = await seedsWith(path.join(dir, 'seeds-with-steps'), {
      'campaigns.csv': (t) =>
        t
          .trimEnd()
          .split(/\r?\n/)
          .map((line, i) => `${line},${i === 0 ? 'buyer_journey_step' : i === 1 ? 'comparison' : ''}`)
          .join('\n') + '\n',
    });
    await load(seeds);
    const stepsWith = await rows(`select buyer_journey_step from raw.campaigns order by campaign_id`);
    expect(stepsWith.map((r) => r.buyer_journey_step)).toEqual(['comparison', null, null]);
  });

  it('sets bad rows aside with file, line, column, value and reason, and loads the rest', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'leads.csv': appendLines(
        'L6,six@x.example,A1,2025-13-01,seo,it,east_team,',
        'L7,seven@x.example,A1',
        'L8,,A1,2025-04-01T00:00:00+09:00,seo,it,east_team,',
      ),
      'opportunities.csv': appendLines('O4,A1,L1,2025-05-01T10:00:00+09:00,,open,"12.5",new,,east_team'),
      // the quoted newline in T09 makes the physical line numbers run ahead of the record count
      'stage_transitions.csv': appendLines('T22,L1,won,lost,not-a-time,,sales'),
      'touchpoints.csv': appendLines('P11,L1,2025-04-01T00:00:00+09:00,se"o,,page_view'),
    });
    const log: string[] = [];
    const result = await load(seeds, log);
    const leads = path.join(seeds, 'leads.csv');
    expect(log).toContain(`${leads} line 7 column created_at: "2025-13-01" is not an ISO 8601 time (set aside)`);
    expect(log).toContain(`${leads} line 8: has 3 fields where the header has 8 (set aside)`);
    expect(log).toContain(`${leads} line 9 column email: "" is empty but required (set aside)`);
    expect(log).toContain(`${path.join(seeds, 'opportunities.csv')} line 5 column amount: "12.5" is not an integer (set aside)`);
    expect(log).toContain(
      `${path.join(seeds, 'stage_transitions.csv')} line 24 column transitioned_at: "not-a-time" is not an ISO 8601 time (set aside)`,
    );
    expect(log.find((m) => m.startsWith(`${path.join(seeds, 'touchpoints.csv')} line 12:`))).toMatch(/is not well-formed CSV/);
    expect(result.rejectedTotal).toBe(6);
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toMatchObject({
      leads: 5,
      opportunities: 3,
      stage_transitions: 21,
      touchpoints: 10,
    });
    expect(
      await rows(
        `select table_name, line, column_name, value, reason, raw_line from raw.rejected_rows where table_name = 'leads' order by line`,
      ),
    ).toEqual([
      {
        table_name: 'leads',
        line: '7',
        column_name: 'created_at',
        value: '2025-13-01',
        reason: 'is not an ISO 8601 time',
        raw_line: 'L6,six@x.example,A1,2025-13-01,seo,it,east_team,',
      },
      {
        table_name: 'leads',
        line: '8',
        column_name: null,
        value: null,
        reason: 'has 3 fields where the header has 8',
        raw_line: 'L7,seven@x.example,A1',
      },
      {
        table_name: 'leads',
        line: '9',
        column_name: 'email',
        value: null,
        reason: 'is empty but required',
        raw_line: 'L8,,A1,2025-04-01T00:00:00+09:00,seo,it,east_team,',
      },
    ]);
    const report = await readFile(result.tables.find((t) => t.table === 'leads')!.rejectedReport!, 'utf8');
    expect(report.split('\n')[0]).toBe('file,line,column,value,reason,raw_line');
    expect(report).toContain(`${leads},7,created_at,2025-13-01,is not an ISO 8601 time,`);
  });

  it('checks settings values by key', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'settings.csv': (t) =>
        t
          .replace('time_zone,Asia/Tokyo', 'time_zone,Asia/Tokio')
          .replace('fiscal_year_start_month,4', 'fiscal_year_start_month,13')
          .replace(/\n?$/, '\nlanguage,fr\n'),
    });
    const log: string[] = [];
    const result = await load(seeds, log);
    expect(result.rejectedTotal).toBe(3);
    expect(log.join('\n')).toMatch(/line 3 column value: "13" is not a month number 1-12/);
    expect(log.join('\n')).toMatch(/line 8 column value: "Asia\/Tokio" is not a known time zone name/);
    // the meeting pack's default language (docs/schedules.md)
    expect(log.join('\n')).toMatch(/line 10 column value: "fr" is not ja or en \(setting language\)/);
  });

  it('fails on a header without a contract column, naming the file and the column', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'leads.csv': replaceText('lead_id,email,account_id,created_at,', 'lead_id,email,account_id,created,'),
    });
    const error = await load(seeds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toContain(`${path.join(seeds, 'leads.csv')}: the header has no column "created_at"`);
  });

  it('fails when a contract table has no file', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    await rm(path.join(seeds, 'targets.csv'));
    await expect(load(seeds)).rejects.toThrow(/targets\.csv is missing/);
  });

  it('reads .csv.gz, a byte-order mark and a header-only file', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'stages.csv': (t) => `\ufeff${t}`,
      'targets.csv': (t) => t.split('\n')[0]!,
    });
    await pipeline(
      createReadStream(path.join(seeds, 'touchpoints.csv')),
      createGzip(),
      createWriteStream(path.join(seeds, 'touchpoints.csv.gz')),
    );
    await rm(path.join(seeds, 'touchpoints.csv'));
    const result = await load(seeds);
    const counts = Object.fromEntries(result.tables.map((t) => [t.table, t.rows]));
    expect(counts).toMatchObject({ touchpoints: 10, stages: 9, targets: 0 });
    expect(await rows(`select count(*)::int as n from raw.stages where stage = 'lead'`)).toEqual([{ n: 1 }]);
  });

  it('keeps line numbers right across blocks, quoted newlines and a malformed record', async () => {
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    const lines = ['touchpoint_id,lead_id,occurred_at,channel,campaign_id,touch_type'];
    let physical = 1;
    let goodRows = 0;
    let badLine = 0;
    let brokenLine = 0;
    for (let i = 0; i < 60_000; i++) {
      if (i === 31_337) {
        lines.push(`X${i},L1,2025-02-30T00:00:00+09:00,seo,,page_view`);
        badLine = ++physical;
      } else if (i === 45_000) {
        lines.push(`X${i},L1,2025-04-01T00:00:00+09:00,"seo"x,,page_view`);
        brokenLine = ++physical;
      } else if (i % 997 === 0) {
        lines.push(`X${i},L1,2025-04-01T00:00:00+09:00,seo,"C1, ""quoted""\nsecond line",page_view`);
        physical += 2;
        goodRows++;
      } else {
        lines.push(`X${i},L1,2025-04-01T00:00:00+09:00,seo,,page_view`);
        physical++;
        goodRows++;
      }
    }
    await writeFile(path.join(seeds, 'touchpoints.csv'), lines.join('\n') + '\n');
    const log: string[] = [];
    const result = await load(seeds, log);
    const file = path.join(seeds, 'touchpoints.csv');
    expect(log).toContain(
      `${file} line ${badLine} column occurred_at: "2025-02-30T00:00:00+09:00" is not an ISO 8601 time (set aside)`,
    );
    expect(log.find((m) => m.startsWith(`${file} line ${brokenLine}:`))).toMatch(/not well-formed CSV/);
    expect(result.tables.find((t) => t.table === 'touchpoints')!.rows).toBe(goodRows);
    expect(await rows(`select count(*)::int as n from raw.touchpoints where campaign_id = 'C1, "quoted"\nsecond line'`)).toEqual([
      { n: 61 },
    ]);
  });

  it('hashes the seed bytes', async () => {
    const a = await load(await seedsWith(path.join(dir, 'a')));
    conn.closeSync();
    instance.closeSync();
    instance = await DuckDBInstance.create(path.join(dir, 'load2.duckdb'));
    conn = await instance.connect();
    const b = await load(await seedsWith(path.join(dir, 'b'), { 'targets.csv': appendLines('2025-07-01,wins,2') }));
    expect(a.seedsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.seedsHash).not.toBe(a.seedsHash);
  });
});
