/*
 * The plan and the KPI tree on the bundled data (seeds/), over HTTP, against
 * figures computed independently from the raw CSVs (DuckDB reading the seed
 * files, no warehouse model involved):
 * - the FY2026 plan asks for a number of leads within 0.5–2× FY2025's actual
 *   leads (a plan that counted recurring revenue as new wins asked about 4×;
 *   definition 11 plans new business only);
 * - the plan starts from the new_revenue targets (definition 11);
 * - no conversion in the KPI tree is above 100 %, in any period or column
 *   (definition 12), and the funnel branch counts new deals only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { sharedTestServer } from '../support/shared-server.js';
import { BUNDLED_SEEDS, fromCsv } from '../attribution/helpers.js';

let t: TestServer;

beforeAll(async () => {
  t = await sharedTestServer(BUNDLED_SEEDS); // the run's shared server: this file only reads (POST /api/plan writes nothing)
}, 600_000);
afterAll(async () => {
  await t?.server.close();
});

const FY = (y: number) => [`${y}-04-01`, `${y + 1}-03-31`];
const local = (col: string) => `cast(timezone('Asia/Tokyo', cast(${col} as timestamptz)) as date)`;

async function load(query: unknown): Promise<Record<string, unknown>[]> {
  const res = await t.load(query);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return res.body.data;
}

describe('the FY2026 plan on the bundled data', () => {
  it('asks for 0.5–2× the leads FY2025 actually had, in the plan view and in the KPI tree', async () => {
    const { leads } = await fromCsv(
      (f) =>
        `select count(*) as leads from ${f('leads')} where ${local('created_at')} between '${FY(2025)[0]}' and '${FY(2025)[1]}'`,
    );
    const [plan] = await load({
      measures: ['plan.required'],
      filters: [{ member: 'plan.stage', operator: 'equals', values: ['lead'] }],
      timeDimensions: [{ dimension: 'plan.fiscal_month', dateRange: FY(2026) }],
    });
    const planLeads = Number(plan!['plan.required']);
    expect(planLeads / leads).toBeGreaterThanOrEqual(0.5);
    expect(planLeads / leads).toBeLessThanOrEqual(2);
    const [node] = await load({
      measures: ['kpi_tree.plan_full'],
      filters: [
        { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
        { member: 'kpi_tree.period_label', operator: 'equals', values: ['FY2026'] },
        { member: 'kpi_tree.node', operator: 'equals', values: ['leads'] },
      ],
    });
    const treeLeads = Number(node!['kpi_tree.plan_full']); // the whole year's plan (plan is the plan to date, definition 17)
    expect(treeLeads / leads).toBeGreaterThanOrEqual(0.5);
    expect(treeLeads / leads).toBeLessThanOrEqual(2);
  });

  it('starts from the new_revenue targets, and the recurring rest is its own line', async () => {
    const csv = await fromCsv(
      (f) => `select sum(cast(target as double)) filter (where metric = 'new_revenue') as new_target,
                     sum(cast(target as double)) filter (where metric = 'revenue') as revenue_target
              from ${f('targets')} where cast(fiscal_month as date) between '${FY(2026)[0]}' and '${FY(2026)[1]}'`,
    );
    const [row] = await load({
      measures: ['plan.revenue_target', 'plan.new_business_target', 'plan.recurring_plan', 'plan.recurring_forecast'],
      filters: [{ member: 'plan.stage', operator: 'equals', values: ['won'] }],
      timeDimensions: [{ dimension: 'plan.fiscal_month', dateRange: FY(2026) }],
    });
    expect(Number(row!['plan.new_business_target'])).toBeCloseTo(csv.new_target!, 0);
    expect(Number(row!['plan.revenue_target'])).toBeCloseTo(csv.revenue_target!, 0);
    expect(Number(row!['plan.recurring_plan'])).toBeCloseTo(csv.revenue_target! - csv.new_target!, 0);
    expect(Number(row!['plan.recurring_forecast'])).toBeGreaterThan(0);
  });

  it('without new_revenue targets (a what-if), plans revenue target − recurring forecast', async () => {
    const base = await t.request('/api/plan', { method: 'POST', body: '{}' });
    expect(base.status).toBe(200);
    const lines = base.body.plan.targets as { month: string; revenueTarget: number; renewalsDue: number }[];
    const fiscalMonths = lines.map((l) => ({ month: l.month, revenueTarget: l.revenueTarget }));
    const res = await t.request('/api/plan', { method: 'POST', body: JSON.stringify({ fiscalMonths }) });
    expect(res.status).toBe(200);
    const { renewalRate, expansionPerMonth } = res.body.plan.assumptions;
    for (const [i, line] of (res.body.plan.targets as Record<string, number | string>[]).entries()) {
      const recurring = lines[i]!.renewalsDue * renewalRate + expansionPerMonth;
      expect(line.source).toBe('revenue_minus_recurring');
      expect(line.recurringForecast as number).toBeCloseTo(recurring, 4);
      expect(line.newBusinessTarget as number).toBeCloseTo(Math.max(0, lines[i]!.revenueTarget - recurring), 4);
    }
  });
});

describe('the KPI tree on the bundled data', () => {
  it('shows no conversion above 100 % in any period or column', async () => {
    const rows = await load({
      dimensions: ['kpi_tree.period_type', 'kpi_tree.period_label', 'kpi_tree.node', 'kpi_tree.label'],
      measures: ['kpi_tree.actual', 'kpi_tree.plan', 'kpi_tree.previous', 'kpi_tree.year_ago'],
      filters: [{ member: 'kpi_tree.node', operator: 'startsWith', values: ['conversion:'] }],
      limit: 50_000,
    });
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) {
      for (const m of ['actual', 'plan', 'previous', 'year_ago']) {
        const v = r[`kpi_tree.${m}`];
        if (v === null) continue;
        expect(Number(v), `${r['kpi_tree.period_label']} ${r['kpi_tree.node']} ${m}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('counts new deals on the funnel branch and the rest as recurring revenue (FY2025, against the CSVs)', async () => {
    const csv = await fromCsv(
      (f) => `select count(*) filter (where deal_type = 'new') as new_wins,
                     sum(cast(amount as double)) filter (where deal_type = 'new') as new_revenue,
                     sum(cast(amount as double)) filter (where deal_type <> 'new') as recurring
              from ${f('opportunities')}
              where status = 'won' and ${local('closed_at')} between '${FY(2025)[0]}' and '${FY(2025)[1]}'`,
    );
    const rows = await load({
      dimensions: ['kpi_tree.node'],
      measures: ['kpi_tree.actual', 'kpi_tree.effect_vs_plan', 'kpi_tree.gap_effect_vs_plan'],
      filters: [
        { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
        { member: 'kpi_tree.period_label', operator: 'equals', values: ['FY2025'] },
      ],
    });
    const by = Object.fromEntries(rows.map((r) => [r['kpi_tree.node'], r]));
    expect(Number(by.wins['kpi_tree.actual'])).toBe(csv.new_wins);
    expect(Number(by.new_business_revenue['kpi_tree.actual'])).toBe(csv.new_revenue);
    expect(Number(by.recurring_revenue['kpi_tree.actual'])).toBe(csv.recurring);
    expect(Number(by.revenue['kpi_tree.actual'])).toBe(csv.new_revenue! + csv.recurring!);
    // the gap decomposition against plan still sums exactly
    const effects = rows.reduce((s, r) => s + Number(r['kpi_tree.gap_effect_vs_plan'] ?? 0), 0);
    expect(effects).toBeCloseTo(Number(by.revenue['kpi_tree.effect_vs_plan']), 2);
  });
});
