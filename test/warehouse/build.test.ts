import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse, isWarehouseStale, WarehouseBuildError } from '../../server/warehouse/index.js';
import { appendLines, ownModels, query, REPO_MODELS, removeTempDirs, replaceText, seedsWith, tempDir } from './helpers.js';

let models: string;

beforeAll(async () => {
  models = await ownModels(await tempDir());
});
afterAll(removeTempDirs);

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
const quiet = () => {};
/** The leading `bits` bits of the text's MD5, as decimal text. */
const md5Bits = (text: string, bits: number) =>
  String(BigInt(`0x${createHash('md5').update(text).digest('hex').slice(0, 15)}`) >> BigInt(60 - bits));

async function leftovers(dir: string) {
  return (await readdir(dir)).filter((f) => f.includes('.building-'));
}

describe('buildWarehouse', () => {
  it('builds raw, staging and marts from the small fixture and records build_info', async () => {
    const dir = await tempDir();
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    const warehouse = path.join(dir, 'data', 'warehouse.duckdb');
    const summary = await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: models, log: quiet });

    expect(summary.models.map((m) => `${m.schema}.${m.name}`)).toEqual(
      expect.arrayContaining(['staging.stg_leads', 'staging.stg_touchpoints', 'marts.settings', 'marts.fiscal_calendar']),
    );
    expect(summary.tests.failed).toBe(0);
    expect(summary.rejectedRows).toBe(0);
    expect(summary.asOf).toBe('2025-09-30');
    expect(summary.report).toMatch(/^Warehouse built: .*warehouse\.duckdb in \d+\.\d s/);
    expect(summary.report).toContain(`data tests: ${summary.tests.run} of ${summary.tests.run} passed`);
    expect(await leftovers(path.dirname(warehouse))).toEqual([]);

    expect(await query(warehouse, 'select lead_id, email, created_at from staging.stg_leads order by lead_id')).toEqual([
      { lead_id: 'L1', email: 'taro.yamada@acme.example', created_at: '2025-04-03 01:15:00' },
      { lead_id: 'L2', email: 'hanako@acme.example', created_at: '2025-04-10 05:00:00' },
      { lead_id: 'L3', email: 'jiro@sample.example', created_at: '2025-05-01 00:30:00' },
      // no offset: read in the settings' zone (Asia/Tokyo)
      { lead_id: 'L4', email: 'saburo@widget.example', created_at: '2025-04-20 02:00:00' },
      // a bare date: midnight in the settings' zone
      { lead_id: 'L5', email: 'shiro@sample.example', created_at: '2025-05-31 15:00:00' },
    ]);
    const types = await query(
      warehouse,
      `select table_name, column_name, data_type from information_schema.columns
       where table_schema = 'staging' and column_name in ('created_at', 'amount', 'is_funnel', 'month', 'target')
       order by all`,
    );
    expect(types).toEqual([
      { table_name: 'stg_accounts', column_name: 'created_at', data_type: 'TIMESTAMP' },
      { table_name: 'stg_channel_costs', column_name: 'month', data_type: 'DATE' },
      { table_name: 'stg_leads', column_name: 'created_at', data_type: 'TIMESTAMP' },
      { table_name: 'stg_opportunities', column_name: 'amount', data_type: 'BIGINT' },
      { table_name: 'stg_opportunities', column_name: 'created_at', data_type: 'TIMESTAMP' },
      { table_name: 'stg_stages', column_name: 'is_funnel', data_type: 'BOOLEAN' },
      { table_name: 'stg_targets', column_name: 'target', data_type: 'DOUBLE' },
      // team_costs is optional: left out of the fixture, its staging model is there, empty
      { table_name: 'stg_team_costs', column_name: 'month', data_type: 'DATE' },
    ]);
    expect(await query(warehouse, 'select as_of_at, as_of_date, time_zone, fiscal_year_start_month from marts.settings')).toEqual(
      [{ as_of_at: '2025-09-30 14:59:59.999999', as_of_date: '2025-09-30', time_zone: 'Asia/Tokyo', fiscal_year_start_month: 4 }],
    );
    expect(
      await query(
        warehouse,
        `select min(date) as first_date, max(date) as last_date, count(*)::int as days,
                count(distinct fiscal_year_label)::int as fiscal_years
         from marts.fiscal_calendar`,
      ),
    ).toEqual([{ first_date: '2025-04-01', last_date: '2026-03-31', days: 365, fiscal_years: 1 }]);
    expect(
      await query(
        warehouse,
        `select fiscal_year_label, fiscal_year, fiscal_quarter, fiscal_month_number, fiscal_month_start, fiscal_quarter_start
         from marts.fiscal_calendar where date in ('2025-06-30', '2025-07-01', '2026-03-15') order by date`,
      ),
    ).toEqual([
      {
        fiscal_year_label: 'FY2025',
        fiscal_year: 2025,
        fiscal_quarter: 1,
        fiscal_month_number: 3,
        fiscal_month_start: '2025-06-01',
        fiscal_quarter_start: '2025-04-01',
      },
      {
        fiscal_year_label: 'FY2025',
        fiscal_year: 2025,
        fiscal_quarter: 2,
        fiscal_month_number: 4,
        fiscal_month_start: '2025-07-01',
        fiscal_quarter_start: '2025-07-01',
      },
      {
        fiscal_year_label: 'FY2025',
        fiscal_year: 2025,
        fiscal_quarter: 4,
        fiscal_month_number: 12,
        fiscal_month_start: '2026-03-01',
        fiscal_quarter_start: '2026-01-01',
      },
    ]);
    const [info] = await query(warehouse, 'select seeds_hash, as_of, time_zone, rejected_rows from main.build_info');
    expect(info).toEqual({ seeds_hash: summary.seedsHash, as_of: '2025-09-30', time_zone: 'Asia/Tokyo', rejected_rows: 0 });
    // the seeds' rows live on in staging only: raw keeps the settings and the rows set aside
    expect(
      await query(warehouse, `select table_name from information_schema.tables where table_schema = 'raw' order by 1`),
    ).toEqual([{ table_name: 'rejected_rows' }, { table_name: 'settings' }]);
  });

  it('follows fiscal_year_start_month', async () => {
    const dir = await tempDir();
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'settings.csv': replaceText('fiscal_year_start_month,4', 'fiscal_year_start_month,1'),
    });
    const warehouse = path.join(dir, 'warehouse.duckdb');
    await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: models, log: quiet });
    expect(
      await query(
        warehouse,
        `select max(date) as last_date, min(fiscal_year_label) as label, max(fiscal_quarter) filter (where date = '2025-04-01') as q
         from marts.fiscal_calendar`,
      ),
    ).toEqual([{ last_date: '2025-12-31', label: 'FY2025', q: 2 }]);
  });

  it('sets a bad CSV row aside, reports it beside the warehouse and still builds', async () => {
    const dir = await tempDir();
    const seeds = await seedsWith(path.join(dir, 'seeds'), {
      'touchpoints.csv': appendLines('P11,L1,2025-13-01T09:00:00+09:00,seo,,page_view'),
    });
    const warehouse = path.join(dir, 'data', 'warehouse.duckdb');
    const log: string[] = [];
    const summary = await buildWarehouse({
      seedsDir: seeds,
      warehousePath: warehouse,
      modelsDir: models,
      log: (m) => log.push(m),
    });

    const file = path.join(seeds, 'touchpoints.csv');
    expect(log).toContain(`${file} line 12 column occurred_at: "2025-13-01T09:00:00+09:00" is not an ISO 8601 time (set aside)`);
    expect(summary.rejectedRows).toBe(1);
    const report = path.join(dir, 'data', 'rejected', 'touchpoints.csv');
    expect(summary.rejectedReports).toEqual([report]);
    expect(summary.report).toContain('1 rows set aside');
    expect((await readFile(report, 'utf8')).trim().split('\n')).toEqual([
      'file,line,column,value,reason,raw_line',
      `${file},12,occurred_at,2025-13-01T09:00:00+09:00,is not an ISO 8601 time,"P11,L1,2025-13-01T09:00:00+09:00,seo,,page_view"`,
    ]);
    expect(await query(warehouse, `select table_name, line, column_name from raw.rejected_rows`)).toEqual([
      { table_name: 'touchpoints', line: '12', column_name: 'occurred_at' },
    ]);
    expect(await query(warehouse, `select count(*)::int as n from staging.stg_touchpoints`)).toEqual([{ n: 10 }]);

    // a later clean build removes the stale report
    await seedsWith(path.join(dir, 'seeds'));
    const clean = await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: models, log: quiet });
    expect(clean.rejectedRows).toBe(0);
    expect(existsSync(report)).toBe(false);
  });

  it('refuses the swap when a data test fails and leaves the previous warehouse byte-identical', async () => {
    const dir = await tempDir();
    const warehouse = path.join(dir, 'warehouse.duckdb');
    const good = await seedsWith(path.join(dir, 'good'));
    await buildWarehouse({ seedsDir: good, warehousePath: warehouse, modelsDir: models, log: quiet });
    const before = { hash: await sha256(warehouse), mtime: (await stat(warehouse)).mtimeMs };

    const bad = await seedsWith(path.join(dir, 'bad'), {
      'opportunities.csv': replaceText(',won,1200000,', ',won,-1200000,'),
      'leads.csv': appendLines('L6,six@x.example,A1,2025-13-01,seo,it,east_team,'),
    });
    const error = (await buildWarehouse({ seedsDir: bad, warehousePath: warehouse, modelsDir: models, log: quiet }).then(
      () => undefined,
      (e: unknown) => e,
    )) as WarehouseBuildError;
    expect(error).toBeInstanceOf(WarehouseBuildError);
    expect(error.message).toMatch(/^Warehouse not updated: 1 of \d+ data tests failed; .*warehouse\.duckdb is unchanged\./);
    expect(error.message).toContain('✗ stg_opportunities: amount_not_negative: 1 failing row');
    expect(error.message).toContain('opportunity_id=O1');
    expect(error.message).toContain('1 seed rows were set aside');
    expect(error.failures.map((f) => `${f.model}: ${f.name}`)).toEqual(['stg_opportunities: amount_not_negative']);

    expect(await sha256(warehouse)).toBe(before.hash);
    expect((await stat(warehouse)).mtimeMs).toBe(before.mtime);
    expect((await readdir(dir)).sort()).toEqual(['bad', 'good', 'warehouse.duckdb']);
    expect(await query(warehouse, `select amount from staging.stg_opportunities where opportunity_id = 'O1'`)).toEqual([
      { amount: '1200000' },
    ]);
  });

  it('refuses the swap when a model fails, leaving nothing behind', async () => {
    const dir = await tempDir();
    const warehouse = path.join(dir, 'warehouse.duckdb');
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    const broken = await ownModels(await tempDir());
    await writeFile(path.join(broken, 'marts', 'broken.sql'), 'select no_such_column from stg_leads');
    await expect(buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: broken, log: quiet })).rejects.toThrow(
      /Warehouse not updated .*: Model marts\/broken\.sql failed/,
    );
    expect(await readdir(dir)).toEqual(['seeds']);
  });

  it('stores a sum of integers (a HUGEINT in DuckDB) as BIGINT, and fails a model whose sum does not fit', async () => {
    // DuckDB reads a stored HUGEINT column hundreds of times slower than a BIGINT one (run-models.ts).
    const dir = await tempDir();
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    const own = await ownModels(await tempDir());
    await writeFile(
      path.join(own, 'marts', 'touch_counts.sql'),
      'select lead_id, sum(1) as touches, sum(1) filter (where false) as none from stg_touchpoints group by lead_id',
    );
    const warehouse = path.join(dir, 'warehouse.duckdb');
    await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: own, log: quiet });
    const types = await query(
      warehouse,
      "select column_name, data_type from information_schema.columns where table_name = 'touch_counts' order by all",
    );
    expect(types).toEqual([
      { column_name: 'lead_id', data_type: 'VARCHAR' },
      { column_name: 'none', data_type: 'BIGINT' },
      { column_name: 'touches', data_type: 'BIGINT' },
    ]);
    // the touches per lead, counted from the CSV's lines
    const lines = (await readFile(path.join(seeds, 'touchpoints.csv'), 'utf8')).trim().split('\n').slice(1);
    const expected = new Map<string, number>();
    for (const line of lines) expected.set(line.split(',')[1]!, (expected.get(line.split(',')[1]!) ?? 0) + 1);
    const rows = await query(warehouse, 'select lead_id, touches, none from marts.touch_counts order by lead_id');
    expect(rows).toEqual(
      [...expected].sort(([a], [b]) => a.localeCompare(b)).map(([lead_id, n]) => ({ lead_id, touches: String(n), none: null })),
    );

    await writeFile(
      path.join(own, 'marts', 'touch_counts.sql'),
      'select sum(x) as total from (values (cast(9223372036854775807 as bigint)), (cast(1 as bigint))) as big(x)',
    );
    await expect(buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: own, log: quiet })).rejects.toThrow(
      /Model marts\/touch_counts\.sql failed: .*out of range/i,
    );
  });

  it('swaps atomically: a reader that has the old file open keeps its data, a new reader sees the new build', async () => {
    const dir = await tempDir();
    const warehouse = path.join(dir, 'warehouse.duckdb');
    await buildWarehouse({
      seedsDir: await seedsWith(path.join(dir, 'a')),
      warehousePath: warehouse,
      modelsDir: models,
      log: quiet,
    });
    const reader = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const conn = await reader.connect();
    try {
      const more = await seedsWith(path.join(dir, 'b'), {
        'targets.csv': appendLines('2025-07-01,revenue,2000000'),
      });
      await buildWarehouse({ seedsDir: more, warehousePath: warehouse, modelsDir: models, log: quiet });
      const old = (await conn.runAndReadAll('select count(*)::int as n from staging.stg_targets')).getRowObjectsJson();
      expect(old).toEqual([{ n: 4 }]);
    } finally {
      conn.closeSync();
      reader.closeSync();
    }
    expect(await query(warehouse, 'select count(*)::int as n from staging.stg_targets')).toEqual([{ n: 5 }]);
  });

  it('knows when the warehouse is stale', async () => {
    const dir = await tempDir();
    const warehouse = path.join(dir, 'warehouse.duckdb');
    const seeds = await seedsWith(path.join(dir, 'seeds'));
    const ownDir = await ownModels(await tempDir());
    expect(await isWarehouseStale(seeds, warehouse, ownDir)).toBe(true);
    await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: ownDir, log: quiet });
    expect(await isWarehouseStale(seeds, warehouse, ownDir)).toBe(false);

    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(seeds, 'leads.csv'), later, later);
    expect(await isWarehouseStale(seeds, warehouse, ownDir)).toBe(true);
    await buildWarehouse({ seedsDir: seeds, warehousePath: warehouse, modelsDir: ownDir, log: quiet });
    await utimes(path.join(seeds, 'leads.csv'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(await isWarehouseStale(seeds, warehouse, ownDir)).toBe(false);

    const yml = path.join(ownDir, 'staging', 'stg_leads.yml');
    await utimes(yml, later, later);
    expect(await isWarehouseStale(seeds, warehouse, ownDir)).toBe(true);
  });

  it("builds the repository's whole model/warehouse (staging and every mart) on the small fixture", async () => {
    const dir = await tempDir();
    const summary = await buildWarehouse({
      seedsDir: await seedsWith(path.join(dir, 'seeds')),
      warehousePath: path.join(dir, 'warehouse.duckdb'),
      modelsDir: REPO_MODELS,
      log: quiet,
    });
    expect(summary.tests.failed).toBe(0);
    // every staging model of the repository, counted from its files
    const stagingFiles = (await readdir(path.join(REPO_MODELS, 'staging'))).filter((f) => f.endsWith('.sql'));
    expect(stagingFiles.length).toBeGreaterThanOrEqual(16);
    expect(summary.models.filter((m) => m.schema === 'staging')).toHaveLength(stagingFiles.length);
    // the stable keys (stable_number, sql-macros.ts) are the MD5's leading bits, computed here with node's md5
    const keys = await query(
      path.join(dir, 'warehouse.duckdb'),
      `select conversions.conversion_type || '|' || conversions.conversion_id as conversion_key,
        cast(conversions.conversion_number as varchar) as conversion_number,
        cast(credits.conversion_number as varchar) || '|' || credits.channel || '|' || coalesce(credits.campaign_id, '') as credit_key,
        cast(credits.credit_row as varchar) as credit_row
      from marts.attribution_conversions as conversions
      inner join marts.attribution_credit_rows as credits on credits.conversion_number = conversions.conversion_number`,
    );
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) {
      expect([k.conversion_number, k.credit_row]).toEqual([
        md5Bits(String(k.conversion_key), 53),
        md5Bits(String(k.credit_key), 59),
      ]);
    }
  });
});
