/*
 * The whole cost of a customer (docs/metrics.md definitions 10 and 11) on the
 * bundled data (seeds/), over HTTP against the real server, compared with
 * plain SQL over the seed CSVs (DuckDB reading the files, no warehouse model
 * involved):
 * - CAC (program) = channel_costs ÷ new customers, CAC (fully loaded) =
 *   (channel_costs + people and overhead of marketing, inside sales and
 *   sales) ÷ new customers, LTV, LTV:CAC and payback on the fully loaded CAC,
 *   for the 12 months ending with the month of as_of (cut at as_of);
 * - fully loaded LTV:CAC of the sample is a ratio an executive can believe
 *   (3-6 : 1), where program spend alone gave about 50 : 1;
 * - customer success costs are kept out of CAC;
 * - the plan's allowable CAC: LTV ÷ ltv_cac_target bounds the fully loaded
 *   CAC, and a channel's program CAC is held against what is left after
 *   the people and overhead per new customer.
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { sharedTestServer } from '../support/shared-server.js';
import { BUNDLED_SEEDS } from '../attribution/helpers.js';

let t: TestServer;

// The run's shared server over the bundled data: this file only reads (POST /api/plan writes nothing).
beforeAll(async () => {
  t = await sharedTestServer(BUNDLED_SEEDS);
}, 600_000);
afterAll(async () => {
  await t?.server.close();
});

const file = (table: string) => `read_csv('${path.join(BUNDLED_SEEDS, `${table}.csv`)}', all_varchar = true)`;

/**
 * Definition 10 for the 12 local months ending with `month` (YYYY-MM-01),
 * cut at as_of, straight from the CSVs. The lifetime cap of 10 years is the
 * contract's (MAX_LIFETIME_YEARS).
 */
async function unitEconomicsFromCsv(month: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const sql = `
      with settings as (
        select
          cast(max(value) filter (where key = 'gross_margin') as double) as gross_margin,
          cast(max(value) filter (where key = 'as_of') as timestamptz) as as_of,
        from ${file('settings')}
      ),
      bounds as (
        select
          timezone('Asia/Tokyo', date '${month}' - interval 11 month) as window_start,
          least(timezone('Asia/Tokyo', date '${month}' + interval 1 month), settings.as_of) as window_end,
          date '${month}' - interval 11 month as first_month,
          date '${month}' as last_month,
          settings.gross_margin,
        from settings
      ),
      won as (
        select account_id, cast(closed_at as timestamptz) as closed_at, cast(amount as bigint) as amount, deal_type
        from ${file('opportunities')}
        where status = 'won' and nullif(account_id, '') is not null
      ),
      customers as (
        select
          won.account_id,
          case when arg_min(won.deal_type, won.closed_at) = 'new' then min(won.closed_at) else timestamptz '1900-01-01 00:00:00+00' end
            as first_won_at,
          max(cast(nullif(a.churned_at, '') as timestamptz)) as churned_at,
        from won
        left join ${file('accounts')} as a on a.account_id = won.account_id
        group by won.account_id
      ),
      counts as (
        select
          count(*) filter (where first_won_at < window_end and (churned_at is null or churned_at >= window_start)) as active,
          count(*) filter (where first_won_at < window_start and (churned_at is null or churned_at >= window_start)) as at_start,
          count(*) filter (where churned_at >= window_start and churned_at < window_end and first_won_at <= churned_at) as churned,
          count(*) filter (where first_won_at >= window_start and first_won_at < window_end) as new_customers,
        from customers, bounds
      ),
      revenue as (
        select sum(amount) as revenue from won, bounds where closed_at >= window_start and closed_at < window_end
      ),
      program as (
        select sum(cast(cost as bigint)) as program_cost
        from ${file('channel_costs')}, bounds
        where cast(month as date) between first_month and last_month
      ),
      team as (
        select
          sum(cast(cost as bigint)) filter (where team in ('marketing', 'inside_sales', 'sales')) as team_cost,
          sum(cast(cost as bigint)) filter (where team = 'customer_success') as customer_success_cost,
        from ${file('team_costs')}, bounds
        where cast(month as date) between first_month and last_month
      ),
      figures as (
        select
          counts.*, revenue.revenue, program.program_cost, team.team_cost, team.customer_success_cost, bounds.gross_margin,
          revenue.revenue / counts.active as arpa,
          counts.churned / counts.at_start as churn,
        from counts, revenue, program, team, bounds
      )
      select
        *,
        arpa * gross_margin * (case when churn > 0 then least(1 / churn, 10) else 10 end) as ltv,
        program_cost / new_customers as program_cac,
        (program_cost + team_cost) / new_customers as cac,
      from figures`;
    const [row] = (await conn.runAndReadAll(sql)).getRowObjectsJS();
    return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function unitEconomicsFromApi(month: string): Promise<Record<string, number>> {
  const members = [
    'new_customers',
    'program_cost',
    'team_cost',
    'cost',
    'ltv',
    'program_cac',
    'cac',
    'ltv_to_cac',
    'cac_payback_months',
    'arpa',
  ];
  const res = await t.load({
    measures: members.map((m) => `unit_economics.${m}`),
    filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['all'] }],
    timeDimensions: [{ dimension: 'unit_economics.period', dateRange: [month, month.replace(/-01$/, '-15')] }],
    timezone: 'Asia/Tokyo',
  });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  expect(res.body.data).toHaveLength(1);
  const row = res.body.data[0] as Record<string, string>;
  return Object.fromEntries(members.map((m) => [m, Number(row[`unit_economics.${m}`])]));
}

describe('CAC (program) and CAC (fully loaded) on the bundled data', () => {
  it('the API agrees with plain SQL over the seeds for the 12 months to as_of (November 2026)', async () => {
    const sql = await unitEconomicsFromCsv('2026-11-01');
    const api = await unitEconomicsFromApi('2026-11-01');
    expect(api.new_customers).toBe(sql.new_customers);
    expect(api.program_cost).toBeCloseTo(sql.program_cost!, 0);
    expect(api.team_cost).toBeCloseTo(sql.team_cost!, 0);
    expect(api.cost).toBeCloseTo(sql.program_cost! + sql.team_cost!, 0);
    expect(api.program_cac).toBeCloseTo(sql.program_cac!, 2);
    expect(api.cac).toBeCloseTo(sql.cac!, 2);
    expect(api.ltv).toBeCloseTo(sql.ltv!, 2);
    expect(api.ltv_to_cac).toBeCloseTo(sql.ltv! / sql.cac!, 6);
    expect(api.cac_payback_months).toBeCloseTo(sql.cac! / ((sql.arpa! * sql.gross_margin!) / 12), 6);
  });

  it('fully loaded LTV:CAC is 3-6 : 1 where program spend alone gives a ratio no one believes', async () => {
    const sql = await unitEconomicsFromCsv('2026-11-01');
    const fullyLoaded = sql.ltv! / sql.cac!;
    const programOnly = sql.ltv! / sql.program_cac!;
    expect(fullyLoaded).toBeGreaterThanOrEqual(3);
    expect(fullyLoaded).toBeLessThanOrEqual(6);
    expect(programOnly).toBeGreaterThan(20);
    // people and overhead are most of the cost of acquiring a customer in B2B
    expect(sql.team_cost! / (sql.team_cost! + sql.program_cost!)).toBeGreaterThan(0.5);
  });

  it('leaves customer success out of CAC', async () => {
    const sql = await unitEconomicsFromCsv('2026-11-01');
    const api = await unitEconomicsFromApi('2026-11-01');
    expect(sql.customer_success_cost).toBeGreaterThan(0);
    expect(api.team_cost).not.toBeCloseTo(sql.team_cost! + sql.customer_success_cost!, 0);
  });

  it('POST /api/plan bounds the fully loaded CAC by LTV ÷ target and a channel program CAC by what is left', async () => {
    // the plan's trailing 12 months are the complete months before the month of as_of: November 2025 - October 2026
    const sql = await unitEconomicsFromCsv('2026-10-01');
    const res = await t.request('/api/plan', { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const bound = res.body.plan.ltvBound;
    expect(bound.ltv).toBeCloseTo(sql.ltv!, 2);
    expect(bound.allowableCac).toBeCloseTo(sql.ltv! / bound.ltvCacTarget, 2);
    expect(bound.teamCostPerCustomer).toBeCloseTo(sql.team_cost! / sql.new_customers!, 2);
    expect(bound.allowableProgramCac).toBeCloseTo(sql.ltv! / bound.ltvCacTarget - sql.team_cost! / sql.new_customers!, 2);
    for (const c of bound.channels) {
      expect(c.allowableCac).toBeCloseTo(bound.allowableProgramCac, 2);
      if (c.cac !== null) expect(c.withinBound).toBe(c.cac <= bound.allowableProgramCac);
    }
    const [view] = (
      await t.load({ measures: ['plan.allowable_cac', 'plan.allowable_program_cac', 'plan.team_cost_per_customer'] })
    ).body.data;
    expect(Number(view['plan.allowable_program_cac'])).toBeCloseTo(bound.allowableProgramCac, 2);
    expect(Number(view['plan.team_cost_per_customer'])).toBeCloseTo(bound.teamCostPerCustomer, 2);
  });
});
