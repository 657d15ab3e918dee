/*
 * Attribution invariants over the bundled data (seeds/), and the views
 * answering on it:
 * - under every model, each opportunity's weights sum to 1 and the
 *   attributed pipeline adds up to the total pipeline;
 * - the first-touch channel of every opportunity equals the first touch
 *   found by plain SQL over the raw CSVs (DuckDB reading the seed files, no
 *   warehouse model involved);
 * - the seven models side by side in one `attribution` query (grouped by
 *   model and channel), and the other views answering.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { sharedTestServer } from '../support/shared-server.js';
import { BUNDLED_SEEDS, buildTempWarehouse, query, removeTempWarehouses } from './helpers.js';

let warehouse: string;
let t: TestServer;

// The API is the run's shared server over the bundled data (this file only reads); plain SQL reads a copy of the
// same warehouse that no server holds.
beforeAll(async () => {
  warehouse = await buildTempWarehouse(BUNDLED_SEEDS, { rollups: false });
  t = await sharedTestServer(BUNDLED_SEEDS);
}, 600_000);
afterAll(async () => {
  await t?.server.close();
  await removeTempWarehouses();
});

function seedFile(table: string): string {
  for (const name of [`${table}.csv`, `${table}.csv.gz`]) {
    const file = path.join(BUNDLED_SEEDS, name);
    if (existsSync(file)) return file.replaceAll("'", "''");
  }
  throw new Error(`no seed file for ${table} in ${BUNDLED_SEEDS}`);
}

/** First touch per opportunity straight from the CSVs: account's leads' touches within the lookback before creation. */
async function plainSqlFirstTouches(): Promise<Map<string, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const sql = `
      with settings as (
        select cast(max(value) filter (where key = 'attribution_lookback_days') as integer) as lookback_days
        from read_csv('${seedFile('settings')}', all_varchar = true)
      ),
      leads as (select lead_id, nullif(account_id, '') as account_id from read_csv('${seedFile('leads')}', all_varchar = true)),
      opportunities as (
        select opportunity_id, nullif(account_id, '') as account_id, lead_id, cast(created_at as timestamptz) as created_at
        from read_csv('${seedFile('opportunities')}', all_varchar = true)
      ),
      touches as (
        select t.touchpoint_id, t.lead_id, cast(t.occurred_at as timestamptz) as occurred_at, lower(t.channel) as channel,
               coalesce(l.account_id, '(lead) ' || t.lead_id) as touch_group
        from read_csv('${seedFile('touchpoints')}', all_varchar = true) as t
        left join leads as l on l.lead_id = t.lead_id
      ),
      ranked as (
        select o.opportunity_id, t.channel,
               row_number() over (partition by o.opportunity_id order by t.occurred_at, t.touchpoint_id) as n
        from opportunities as o
        cross join settings as s
        join touches as t
          on t.touch_group = coalesce(o.account_id, '(lead) ' || o.lead_id)
         and t.occurred_at <= o.created_at
         and t.occurred_at >= o.created_at - to_days(s.lookback_days)
      )
      select o.opportunity_id, coalesce(r.channel, '(none)') as channel
      from opportunities as o
      left join ranked as r on r.opportunity_id = o.opportunity_id and r.n = 1`;
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.opportunity_id), String(r.channel)]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('attribution invariants on the bundled data', () => {
  it("sums each opportunity's weights to 1 under every model", async () => {
    const rows = await query(
      warehouse,
      `select model, count(*) as opportunities, max(abs(total - 1)) as worst
         from (select model, conversion_id, sum(weight) as total from marts.attribution_credits
                where conversion_type = 'opportunity' group by all)
        group by model order by model`,
    );
    const [deals] = await query(warehouse, 'select count(*) as n from staging.stg_opportunities');
    expect(rows.map((r) => r.model)).toEqual([
      'data_driven',
      'first_touch',
      'last_touch',
      'linear',
      'time_decay',
      'u_shaped',
      'w_shaped',
    ]);
    for (const r of rows) {
      expect(r.opportunities).toBe(deals!.n);
      expect(r.worst).toBeLessThan(1e-9);
    }
  });

  it('adds attributed pipeline up to the total pipeline under every model', async () => {
    const [total] = await query(warehouse, 'select sum(cast(amount as double)) as pipeline from staging.stg_opportunities');
    const rows = await query(
      warehouse,
      "select model, sum(attributed_pipeline) as pipeline from marts.attribution_credits where conversion_type = 'opportunity' group by model",
    );
    expect(rows).toHaveLength(7);
    for (const r of rows) expect(Math.abs(r.pipeline - total!.pipeline)).toBeLessThan(1e-6 * total!.pipeline);
  });

  it('credits every opportunity to the first touch plain SQL finds in the raw CSVs', async () => {
    const expected = await plainSqlFirstTouches();
    const rows = await query(
      warehouse,
      "select conversion_id, channel, weight from marts.attribution_credits where conversion_type = 'opportunity' and model = 'first_touch'",
    );
    const actual = new Map(rows.map((r) => [r.conversion_id as string, r.channel as string]));
    expect(rows.every((r) => Math.abs(r.weight - 1) < 1e-12)).toBe(true);
    expect(actual.size).toBe(expected.size);
    const mismatches = [...expected].filter(([id, channel]) => actual.get(id) !== channel);
    expect(mismatches).toEqual([]);
    // the data has opportunities without any touch in their window, credited to (none)
    expect([...expected.values()].filter((c) => c === '(none)').length).toBeGreaterThan(0);
  });
});

describe('views on the bundled data', () => {
  it('compares the seven models side by side in one attribution query', async () => {
    const res = await t.load({
      measures: ['attribution.credit', 'attribution.attributed_pipeline', 'attribution.attributed_revenue'],
      dimensions: ['attribution.model', 'attribution.channel'],
      filters: [{ member: 'attribution.conversion', operator: 'equals', values: ['opportunity'] }],
      order: { 'attribution.model': 'asc', 'attribution.channel': 'asc' },
    });
    expect(res.status).toBe(200);
    const models = new Set(res.body.data.map((r: Record<string, string>) => r['attribution.model']));
    expect(models.size).toBe(7);
  });

  it('answers channel_performance, unit_economics, plan and kpi_tree', async () => {
    const queries = [
      {
        measures: ['channel_performance.cost', 'channel_performance.cpl', 'channel_performance.cac', 'channel_performance.roi'],
        dimensions: ['channel_performance.channel'],
        filters: [{ member: 'channel_performance.model', operator: 'equals', values: ['data_driven'] }],
      },
      {
        measures: ['unit_economics.ltv', 'unit_economics.cac', 'unit_economics.ltv_to_cac', 'unit_economics.cac_payback_months'],
        dimensions: ['unit_economics.segment'],
        filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['employee_band'] }],
        timeDimensions: [{ dimension: 'unit_economics.period', dateRange: ['2026-10-01', '2026-10-31'] }],
      },
      {
        measures: ['plan.required', 'plan.actual', 'plan.gap', 'plan.required_budget'],
        dimensions: ['plan.stage'],
        timeDimensions: [{ dimension: 'plan.fiscal_month', granularity: 'quarter', dateRange: ['2026-04-01', '2027-03-31'] }],
      },
      {
        measures: ['kpi_tree.actual', 'kpi_tree.plan', 'kpi_tree.previous', 'kpi_tree.year_ago', 'kpi_tree.share_of_gap_vs_plan'],
        dimensions: ['kpi_tree.node'],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
          { member: 'kpi_tree.period_label', operator: 'equals', values: ['FY2025'] },
        ],
      },
    ];
    for (const q of queries) {
      const res = await t.load(q);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
    }
  });

  it('POST /api/plan reproduces the plan view on the bundled data', async () => {
    const res = await t.request('/api/plan', { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const [view] = (await t.load({ measures: ['plan.required', 'plan.required_budget'] })).body.data;
    const sum = (k: string) => res.body.rows.reduce((s: number, r: Record<string, number>) => s + r[k]!, 0);
    expect(Number(view['plan.required'])).toBeCloseTo(sum('required'), 4);
    expect(Number(view['plan.required_budget'])).toBeCloseTo(sum('required_budget'), 2);
  });
});
