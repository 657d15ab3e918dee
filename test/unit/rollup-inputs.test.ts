/*
 * What each rollup reads (server/cube/rollup-inputs.ts), on a hand-written
 * model of four cubes, and its refresh key on a real DuckDB database: the
 * key moves when a table it reads loses its version (a rebuilt table) or the
 * build time moves under a table without one, and only then.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { withBuildRefreshKeys, BUILD_REFRESH_KEY_SQL } from '../../server/cube/driver';
import { modelInputs, rollupOfTable, tableVersionKeySql } from '../../server/cube/rollup-inputs';
import YAML from 'yaml';

const files = [
  {
    fileName: 'cubes/leads.yml',
    content: `cubes:
  - name: leads
    sql_table: marts.leads
    joins:
      - name: accounts
        relationship: many_to_one
        sql: "{CUBE}.account_id = {accounts.account_id}"
    dimensions:
      - name: lead_id
        sql: lead_id
        type: string
        primary_key: true
`,
  },
  {
    fileName: 'cubes/accounts.yml',
    content: `cubes:
  - name: accounts
    sql: "select * from marts.accounts where not is_test"
    dimensions:
      - name: industry
        sql: "coalesce(industry, (select default_industry from marts.settings))"
        type: string
`,
  },
  {
    fileName: 'cubes/reach.yml',
    content: `cubes:
  - name: reach
    sql_table: marts.lead_stage_reach
    joins:
      - name: leads
        relationship: many_to_one
        sql: "{CUBE}.lead_id = {leads.lead_id}"
    measures:
      - name: reached
        type: count
    pre_aggregations:
      - name: alone
        measures: [reached]
      - name: by_industry
        measures: [reached]
        dimensions: [leads.accounts.industry]
      - name: by_industry_path_unsaid
        measures: [reached]
        dimensions: [accounts.industry]
`,
  },
  {
    fileName: 'cubes/targets.yml',
    content: `cubes:
  - name: targets
    sql_table: marts.targets
    measures:
      - name: target
        sql: "{CUBE}.amount * {reach.reached}"
        type: sum
    pre_aggregations:
      - name: by_day
        measures: [target]
        partition_granularity: month
`,
  },
];

describe('what a rollup reads', () => {
  const inputs = modelInputs(files);

  it("reads its cube's tables, those named in its members' SQL, and those of the cubes on its join paths", () => {
    expect(inputs.cubes.get('accounts')).toEqual(['marts.accounts', 'marts.settings']);
    expect(inputs.rollups.get('reach_alone')).toEqual(['marts.lead_stage_reach']);
    expect(inputs.rollups.get('reach_by_industry')).toEqual([
      'marts.accounts',
      'marts.lead_stage_reach',
      'marts.leads',
      'marts.settings',
    ]);
    // a cube not joined where the path stands: every cube reachable by joins
    expect(inputs.rollups.get('reach_by_industry_path_unsaid')).toEqual(inputs.rollups.get('reach_by_industry'));
    // a member's SQL naming another cube joins it
    expect(inputs.rollups.get('targets_by_day')).toEqual(['marts.lead_stage_reach', 'marts.targets']);
  });

  it("finds the rollup of Cube's table names, partitions included", () => {
    expect(rollupOfTable('reach_by_industry_wh11iqkj_gebemtmk_1lhbir3', inputs)).toBe('reach_by_industry');
    expect(rollupOfTable('targets_by_day20250401_xw5z3j5p_ybzkmr5i_1lhbir3', inputs)).toBe('targets_by_day');
    expect(rollupOfTable('reach_by_industry_path_unsaid_2z5szyag_ew5ub1lr_1lhbir3', inputs)).toBe(
      'reach_by_industry_path_unsaid',
    );
    expect(rollupOfTable('other_rollup_2z5szyag_ew5ub1lr_1lhbir3', inputs)).toBeUndefined();
  });

  it('sets the tables-version key on DuckDB and the build time elsewhere, leaving keys the model sets', () => {
    const keyed = (options: Parameters<typeof withBuildRefreshKeys>[1]) =>
      withBuildRefreshKeys(files, options).map((f) => YAML.parse(f.content).cubes[0]);
    const duck = keyed({ checkEvery: '1 day', tableVersions: true });
    const reach = duck.find((c) => c.name === 'reach');
    expect(reach.pre_aggregations[0].refresh_key).toEqual({
      sql: tableVersionKeySql(['marts.lead_stage_reach']),
      every: '1 day',
    });
    expect(reach.refresh_key.sql).toBe(tableVersionKeySql(['marts.lead_stage_reach']));
    for (const cube of keyed({})) {
      expect(cube.refresh_key).toEqual({ sql: BUILD_REFRESH_KEY_SQL });
      for (const p of cube.pre_aggregations ?? []) expect(p.refresh_key).toEqual({ sql: BUILD_REFRESH_KEY_SQL });
    }
  });
});

describe('the tables-version key on DuckDB', () => {
  it('changes when a table it reads is rewritten or the build time moves under an unversioned table, and only then', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const key = async (tables: string[]) => String((await conn.runAndReadAll(tableVersionKeySql(tables))).getRows()[0]![0]);
    try {
      await conn.run(`create schema marts`);
      await conn.run(`create table marts.leads (lead_id varchar)`);
      await conn.run(`create table marts.targets (amount int)`);
      await conn.run(`create view marts.lead_view as select * from marts.leads`);
      await conn.run(`create table main.build_info as select timestamp '2026-12-01 00:00:00' as built_at`);
      const fullBuild = await key(['marts.targets', 'marts.leads', 'marts.lead_view']);
      expect(fullBuild).toBe(
        'marts.lead_view@2026-12-01 00:00:00,marts.leads@2026-12-01 00:00:00,marts.targets@2026-12-01 00:00:00',
      );
      // an incremental build: targets and the view copied (the previous build's version), leads rewritten
      await conn.run(`comment on table marts.targets is '2026-12-01 00:00:00'`);
      await conn.run(`comment on view marts.lead_view is '2026-12-01 00:00:00'`);
      await conn.run(`create or replace table main.build_info as select timestamp '2026-12-02 00:00:00' as built_at`);
      expect(await key(['marts.targets', 'marts.lead_view'])).toBe(
        'marts.lead_view@2026-12-01 00:00:00,marts.targets@2026-12-01 00:00:00',
      );
      expect(await key(['marts.leads'])).toBe('marts.leads@2026-12-02 00:00:00');
      // a table dropped and built again loses its version
      await conn.run(`create or replace table marts.targets (amount int)`);
      expect(await key(['marts.targets'])).toBe('marts.targets@2026-12-02 00:00:00');
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
