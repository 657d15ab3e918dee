/*
 * The public views (attribution, channel_performance, unit_economics, plan,
 * kpi_tree) and POST /api/plan over HTTP, on the hand-made fixture
 * (test/fixtures/seeds-attribution), against figures worked out by hand.
 *
 * Hand figures (as_of 2026-07-05 JST; "trailing 12 months" = 2025-07 … 2026-06):
 *   Customers: A0 (first win 2024-06, new), A2 (2025-05, churned 2026-03-15),
 *   A1 (2025-07-15), A4 (2025-10-20; upsell 2026-02-10).
 *   Period 2026-06 (window 2025-07-01 … 2026-06-30), segment all:
 *     revenue 3 000 000 + 2 000 000 + 1 000 000 = 6 000 000
 *     active customers A0, A2, A1, A4 = 4 → ARPA 1 500 000
 *     customers at start A0, A2 = 2, churned A2 = 1 → churn 0.5
 *     LTV = 1 500 000 × 0.75 ÷ 0.5 = 2 250 000
 *     cost 12 × 50 000 seo + 300 000 trade show + 200 000 webinar + 100 000 web ads
 *          = 1 200 000; new customers A1, A4 = 2 → CAC 600 000
 *     LTV:CAC 3.75; payback 600 000 ÷ (1 500 000 × 0.75 ÷ 12) = 6.4 months
 *   Plan inputs: cohort conversions over the trailing 12 matured months
 *     lead→mql 5/6 (median velocity 5 d, matured to 2026-05), mql→sal 3/5,
 *     sal→sql 3/3, sql→opportunity 3/3, opportunity→won 2/4; velocities
 *     5, 2, 5, 6, 46 days → cumulative to won 64, 59, 57, 52, 46 → offset
 *     round(÷ 30.4) = 2 months for every stage before won.
 *     Average deal size (won new, 12 months): (3 000 000 + 2 000 000) ÷ 2.
 *     Mix (first-touch leads L5, L4, L7, L8, L9, L6): seo 2/6, trade_show,
 *     (none), web_ads, email 1/6 each; CPL seo 600 000 ÷ 2, trade_show
 *     300 000, web_ads 100 000, email and (none) 0.
 *     CAC (w_shaped wins O1, O4, O6): seo 600 000 ÷ 0.3 = 2 000 000,
 *     webinar 200 000 ÷ 0.05, web_ads 100 000 ÷ 0.3, trade_show no win
 *     (unbounded); allowable CAC 2 250 000 ÷ 3 = 750 000.
 *   Plan for needed-by month 2026-07: lead requirements of the 2026-09 target
 *     (7 500 000 ÷ 2 500 000 = 3 wins → 3 ÷ 0.5 = 6 opportunities = 6 SQL =
 *     6 SAL → 6 ÷ 0.6 = 10 MQL → 10 ÷ 5/6 = 12 leads), and the wins of the
 *     2026-07 target (5 000 000 ÷ 2 500 000 = 2). Leads per channel seo 4
 *     (budget 1 200 000), trade_show 2 (600 000), web_ads 2 (200 000),
 *     email 2, (none) 2. Within the LTV bound seo and trade_show drop out:
 *     web_ads, email, (none) 4 leads each, web_ads budget 400 000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacPaybackMonths, ltv, ltvToCac } from '../reference/unit-economics.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ATTRIBUTION_SEEDS, buildTempWarehouse, MODEL_DIR, removeTempWarehouses } from './helpers.js';

let t: TestServer;

beforeAll(async () => {
  const warehouse = await buildTempWarehouse(ATTRIBUTION_SEEDS);
  t = await startTestServer({ warehousePath: warehouse, modelDir: MODEL_DIR, dashboardDist: '/nonexistent' });
});
afterAll(async () => {
  await t?.server.close();
  await removeTempWarehouses();
});

async function load(query: unknown): Promise<Record<string, any>[]> {
  const res = await t.load(query);
  expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
  return res.body.data;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

describe('meta', () => {
  const mine = ['attribution', 'channel_performance', 'unit_economics', 'plan', 'kpi_tree'];

  it('titles and describes every member of the five views in Japanese and English', async () => {
    const res = await t.request('/cubejs-api/v1/meta');
    expect(res.status).toBe(200);
    const views = res.body.cubes.filter((c: { name: string }) => mine.includes(c.name));
    expect(views.map((v: { name: string }) => v.name).sort()).toEqual([...mine].sort());
    for (const view of views) {
      expect(view.type).toBe('view');
      expect(view.description, view.name).toMatch(/[ぁ-んァ-ヶ一-龠][\s\S]*\n[A-Za-z]/);
      for (const m of [...view.measures, ...view.dimensions]) {
        expect(m.shortTitle, m.name).toMatch(/[ぁ-んァ-ヶ一-龠A-Z]/);
        expect(m.description, m.name).toMatch(/[ぁ-んァ-ヶ一-龠][\s\S]*\n.*[A-Za-z]/);
        expect(m.meta?.title_en, m.name).toBeTruthy();
      }
    }
  });

  it('has the members the issue and the dashboard name', async () => {
    const res = await t.request('/cubejs-api/v1/meta');
    const names = new Set<string>(res.body.cubes.flatMap((c: any) => [...c.measures, ...c.dimensions].map((m: any) => m.name)));
    const required = [
      'attribution.model',
      'attribution.channel',
      'attribution.campaign',
      'attribution.conversion',
      'attribution.converted_at',
      'attribution.industry',
      'attribution.credit',
      'attribution.attributed_pipeline',
      'attribution.attributed_revenue',
      'channel_performance.channel',
      'channel_performance.month',
      'channel_performance.model',
      'channel_performance.cost',
      'channel_performance.leads',
      'channel_performance.cpl',
      'channel_performance.attributed_wins',
      'channel_performance.attributed_revenue',
      'channel_performance.cac',
      'channel_performance.roi',
      'channel_performance.roas',
      'unit_economics.segment_type',
      'unit_economics.segment',
      'unit_economics.period',
      'unit_economics.arpa',
      'unit_economics.churn_rate',
      'unit_economics.ltv',
      'unit_economics.cac',
      'unit_economics.ltv_to_cac',
      'unit_economics.cac_payback_months',
      'plan.fiscal_month',
      'plan.stage',
      'plan.channel',
      'plan.required',
      'plan.actual',
      'plan.gap',
      'plan.required_budget',
      'plan.allowable_cac',
      'plan.is_over_allowable_cac',
      'plan.conversion_rate',
      'plan.velocity_days',
      'plan.average_deal_size',
      'plan.channel_cpl',
      'plan.channel_cac',
      'plan.ltv_bounded_required',
      'plan.ltv_bounded_budget',
      'kpi_tree.node',
      'kpi_tree.parent',
      'kpi_tree.label',
      'kpi_tree.label_ja',
      'kpi_tree.unit',
      'kpi_tree.lever',
      'kpi_tree.sort_order',
      'kpi_tree.fiscal_month',
      'kpi_tree.period_type',
      'kpi_tree.actual',
      'kpi_tree.plan',
      'kpi_tree.previous',
      'kpi_tree.year_ago',
      'kpi_tree.effect_vs_plan',
      'kpi_tree.effect_vs_previous',
      'kpi_tree.effect_vs_year_ago',
      'kpi_tree.share_of_gap_vs_plan',
      'kpi_tree.share_of_gap_vs_previous',
      'kpi_tree.share_of_gap_vs_year_ago',
      'kpi_tree.gap_effect_vs_plan',
    ];
    expect(required.filter((m) => !names.has(m))).toEqual([]);
    expect(names.has('attribution.owner_team')).toBe(true);
  });

  it('refuses the private cubes behind them', async () => {
    for (const m of [
      'attribution_credits.credit',
      'channel_months.cost',
      'plan_requirements.required',
      'kpi_tree_nodes.actual',
    ]) {
      expect((await t.load({ measures: [m] })).status, m).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('attribution view', () => {
  it('puts the seven models side by side in one query, each adding up to the pipeline', async () => {
    const rows = await load({
      measures: ['attribution.credit', 'attribution.attributed_pipeline'],
      dimensions: ['attribution.model', 'attribution.channel'],
      filters: [{ member: 'attribution.conversion', operator: 'equals', values: ['opportunity'] }],
    });
    const models = new Set(rows.map((r) => r['attribution.model']));
    expect(models.size).toBe(7);
    for (const model of models) {
      const own = rows.filter((r) => r['attribution.model'] === model);
      expect(own.reduce((s, r) => s + Number(r['attribution.credit']), 0)).toBeCloseTo(8, 9);
      expect(own.reduce((s, r) => s + Number(r['attribution.attributed_pipeline']), 0)).toBeCloseTo(15_300_000, 4);
    }
    const firstTouchSeo = rows.find((r) => r['attribution.model'] === 'first_touch' && r['attribution.channel'] === 'seo');
    // O1 and O3 start with seo: 3 000 000 + 5 000 000
    expect(num(firstTouchSeo!['attribution.attributed_pipeline'])).toBeCloseTo(8_000_000, 4);
  });

  it('answers a stage conversion by campaign', async () => {
    const rows = await load({
      measures: ['attribution.credit', 'attribution.conversions'],
      dimensions: ['attribution.campaign'],
      filters: [
        { member: 'attribution.conversion', operator: 'equals', values: ['sal->sql'] },
        { member: 'attribution.model', operator: 'equals', values: ['linear'] },
      ],
    });
    // leads reaching sql: L0, L1, L3, L4, L5, L6
    expect(rows.reduce((s, r) => s + Number(r['attribution.credit']), 0)).toBeCloseTo(6, 9);
  });
});

describe('row-level scope', () => {
  it('narrows attribution to the team of a team token', async () => {
    const res = await t.load(
      {
        measures: ['attribution.credit'],
        dimensions: ['attribution.conversion_id'],
        filters: [
          { member: 'attribution.conversion', operator: 'equals', values: ['opportunity'] },
          { member: 'attribution.model', operator: 'equals', values: ['linear'] },
        ],
      },
      { token: t.token({ team: 'east_team' }) },
    );
    expect(res.status).toBe(200);
    // east_team owns O1 (A1) and O7, O8 (A0)
    expect(res.body.data.map((r: Record<string, string>) => r['attribution.conversion_id']).sort()).toEqual(['O1', 'O7', 'O8']);
  });
});

describe('channel_performance view', () => {
  const range = { dimension: 'channel_performance.month', dateRange: ['2025-07-01', '2026-06-30'] };

  it('gives cost, leads, CPL, attributed wins, CAC, ROI and ROAS per channel (w_shaped)', async () => {
    const rows = await load({
      measures: [
        'channel_performance.cost',
        'channel_performance.leads',
        'channel_performance.cpl',
        'channel_performance.attributed_wins',
        'channel_performance.attributed_revenue',
        'channel_performance.cac',
        'channel_performance.roi',
        'channel_performance.roas',
      ],
      dimensions: ['channel_performance.channel'],
      filters: [{ member: 'channel_performance.model', operator: 'equals', values: ['w_shaped'] }],
      timeDimensions: [range],
    });
    const seo = rows.find((r) => r['channel_performance.channel'] === 'seo')!;
    expect(num(seo['channel_performance.cost'])).toBe(600_000);
    expect(num(seo['channel_performance.leads'])).toBe(2);
    expect(num(seo['channel_performance.cpl'])).toBe(300_000);
    expect(num(seo['channel_performance.attributed_wins'])).toBeCloseTo(0.3, 12);
    expect(num(seo['channel_performance.attributed_revenue'])).toBeCloseTo(900_000, 6);
    expect(num(seo['channel_performance.cac'])).toBeCloseTo(2_000_000, 6);
    expect(num(seo['channel_performance.roi'])).toBeCloseTo(0.5, 12);
    expect(num(seo['channel_performance.roas'])).toBeCloseTo(1.5, 12);
    const tradeShow = rows.find((r) => r['channel_performance.channel'] === 'trade_show')!;
    expect(num(tradeShow['channel_performance.cac'])).toBeNull();
    expect(num(tradeShow['channel_performance.roi'])).toBe(-1);
  });

  it('keeps cost and leads true without a model filter', async () => {
    const [row] = await load({ measures: ['channel_performance.cost', 'channel_performance.leads'], timeDimensions: [range] });
    expect(num(row!['channel_performance.cost'])).toBe(1_200_000);
    expect(num(row!['channel_performance.leads'])).toBe(6);
  });
});

describe('unit_economics view: LTV and payback by hand', () => {
  const measures = ['arpa', 'churn_rate', 'ltv', 'cac', 'program_cac', 'team_cost', 'ltv_to_cac', 'cac_payback_months'].map(
    (m) => `unit_economics.${m}`,
  );
  const june = { dimension: 'unit_economics.period', dateRange: ['2026-06-01', '2026-06-30'] };

  it('all customers, the 12 months to 2026-06', async () => {
    const [row] = await load({
      measures,
      filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['all'] }],
      timeDimensions: [june],
    });
    expect(num(row!['unit_economics.arpa'])).toBe(1_500_000);
    expect(num(row!['unit_economics.churn_rate'])).toBe(0.5);
    expect(num(row!['unit_economics.ltv'])).toBeCloseTo(2_250_000, 6);
    expect(num(row!['unit_economics.cac'])).toBe(600_000);
    // the fixture has no team_costs.csv: no people or overhead, so the fully loaded CAC is the program CAC (definition 10)
    expect(num(row!['unit_economics.team_cost'])).toBe(0);
    expect(num(row!['unit_economics.program_cac'])).toBe(600_000);
    expect(num(row!['unit_economics.ltv_to_cac'])).toBeCloseTo(3.75, 12);
    expect(num(row!['unit_economics.cac_payback_months'])).toBeCloseTo(6.4, 12);
    // the same figures from the engine's functions
    expect(ltv({ arpa: 1_500_000, grossMargin: 0.75, annualChurn: 0.5 })).toBeCloseTo(num(row!['unit_economics.ltv'])!, 6);
    expect(cacPaybackMonths(600_000, 1_500_000, 0.75)).toBeCloseTo(num(row!['unit_economics.cac_payback_months'])!, 12);
    expect(ltvToCac(2_250_000, 600_000)).toBeCloseTo(num(row!['unit_economics.ltv_to_cac'])!, 12);
  });

  it('caps the lifetime at 10 years when a segment has no churn (manufacturing)', async () => {
    const rows = await load({
      measures,
      dimensions: ['unit_economics.segment'],
      filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['industry'] }],
      timeDimensions: [june],
    });
    const manufacturing = rows.find((r) => r['unit_economics.segment'] === 'manufacturing')!;
    // A0 and A1 active, revenue 3 000 000 (O1) → ARPA 1 500 000; nobody churned
    expect(num(manufacturing['unit_economics.arpa'])).toBe(1_500_000);
    expect(num(manufacturing['unit_economics.ltv'])).toBeCloseTo(1_500_000 * 0.75 * 10, 6);
    expect(ltv({ arpa: 1_500_000, grossMargin: 0.75, annualChurn: 0 })).toBeCloseTo(1_500_000 * 0.75 * 10, 6);
  });
});

describe('plan view: the reverse plan for one month by hand', () => {
  it('2026-07: 12 leads by channel, 10 MQL, 6 SAL, 6 SQL, 6 opportunities, 2 wins', async () => {
    const rows = await load({
      measures: [
        'plan.required',
        'plan.actual',
        'plan.gap',
        'plan.required_budget',
        'plan.ltv_bounded_required',
        'plan.ltv_bounded_budget',
      ],
      dimensions: ['plan.stage', 'plan.channel', 'plan.is_over_allowable_cac'],
      timeDimensions: [{ dimension: 'plan.fiscal_month', dateRange: ['2026-07-01', '2026-07-31'] }],
    });
    const get = (stage: string, channel: string) => rows.find((r) => r['plan.stage'] === stage && r['plan.channel'] === channel)!;
    const expected: [string, string, number, number, number, number][] = [
      // stage, channel, required, budget, bounded required, bounded budget
      ['lead', 'seo', 4, 1_200_000, 0, 0],
      ['lead', 'trade_show', 2, 600_000, 0, 0],
      ['lead', 'web_ads', 2, 200_000, 4, 400_000],
      ['lead', 'email', 2, 0, 4, 0],
      ['lead', '(none)', 2, 0, 4, 0],
      ['mql', '(all)', 10, 0, 10, 0],
      ['sal', '(all)', 6, 0, 6, 0],
      ['sql', '(all)', 6, 0, 6, 0],
      ['opportunity', '(all)', 6, 0, 6, 0],
      ['won', '(all)', 2, 0, 2, 0],
    ];
    expect(rows).toHaveLength(expected.length);
    for (const [stage, channel, required, budget, bRequired, bBudget] of expected) {
      const r = get(stage, channel);
      expect(num(r['plan.required']), `${stage} ${channel}`).toBeCloseTo(required, 9);
      expect(num(r['plan.required_budget'])).toBeCloseTo(budget, 4);
      expect(num(r['plan.ltv_bounded_required'])).toBeCloseTo(bRequired, 9);
      expect(num(r['plan.ltv_bounded_budget'])).toBeCloseTo(bBudget, 4);
      // July has begun (as_of 2026-07-05) with nothing arrived yet: the gap is the requirement
      expect(num(r['plan.actual'])).toBe(0);
      expect(num(r['plan.gap'])).toBeCloseTo(-required, 9);
    }
    expect(get('lead', 'seo')['plan.is_over_allowable_cac']).toBe(true);
    expect(get('lead', 'trade_show')['plan.is_over_allowable_cac']).toBe(true);
    expect(get('lead', 'web_ads')['plan.is_over_allowable_cac']).toBe(false);
  });

  it('exposes the rates, velocities and bound it used', async () => {
    const rows = await load({
      measures: [
        'plan.conversion_rate',
        'plan.velocity_days',
        'plan.offset_months',
        'plan.average_deal_size',
        'plan.allowable_cac',
        'plan.ltv',
      ],
      dimensions: ['plan.stage'],
    });
    const by = Object.fromEntries(rows.map((r) => [r['plan.stage'], r]));
    const rates = { lead: 5 / 6, mql: 0.6, sal: 1, sql: 1, opportunity: 0.5 };
    const velocities = { lead: 5, mql: 2, sal: 5, sql: 6, opportunity: 46 };
    for (const [stage, rate] of Object.entries(rates)) {
      expect(num(by[stage]['plan.conversion_rate'])).toBeCloseTo(rate, 12);
      expect(num(by[stage]['plan.velocity_days'])).toBeCloseTo(velocities[stage as keyof typeof velocities], 12);
      expect(num(by[stage]['plan.offset_months'])).toBe(2);
    }
    expect(num(by.won['plan.offset_months'])).toBe(0);
    expect(num(by.won['plan.average_deal_size'])).toBe(2_500_000);
    expect(num(by.won['plan.ltv'])).toBeCloseTo(2_250_000, 6);
    expect(num(by.won['plan.allowable_cac'])).toBeCloseTo(750_000, 6);
  });
});

describe('plan view: the new-business target, by hand (definition 11)', () => {
  it('2026-07: revenue target 5 000 000 − recurring forecast 83 333.33 = new-business target 4 916 666.67', async () => {
    // as_of 2026-07-05: trailing 12 months = 2025-07 … 2026-06.
    // renewals due in that window = won new + renewal closed 12 months earlier (2024-07 … 2025-06):
    //   O2 1 200 000 (2025-05) + O8 800 000 (2025-06) = 2 000 000; renewals won in the window: none → rate 0.
    // expansion: O6 upsell 1 000 000 (2026-02) ÷ 12 = 83 333.33 a month.
    // July: renewals due = won new + renewal closed 2025-07 = O1 3 000 000; forecast = 3 000 000 × 0 + 83 333.33.
    const [row] = await load({
      measures: [
        'plan.revenue_target',
        'plan.recurring_forecast',
        'plan.new_business_target',
        'plan.recurring_plan',
        'plan.required',
      ],
      filters: [{ member: 'plan.stage', operator: 'equals', values: ['won'] }],
      timeDimensions: [{ dimension: 'plan.fiscal_month', dateRange: ['2026-07-01', '2026-07-31'] }],
    });
    expect(num(row!['plan.revenue_target'])).toBe(5_000_000);
    expect(num(row!['plan.recurring_forecast'])).toBeCloseTo(1_000_000 / 12, 6);
    expect(num(row!['plan.new_business_target'])).toBeCloseTo(5_000_000 - 1_000_000 / 12, 6);
    expect(num(row!['plan.recurring_plan'])).toBeCloseTo(1_000_000 / 12, 6);
    // wins = ⌈4 916 666.67 ÷ 2 500 000⌉ = ⌈1.97⌉ = 2
    expect(num(row!['plan.required'])).toBe(2);
  });
});

describe('kpi_tree view', () => {
  it('decomposes the FY2025 revenue change against FY2024 into levers that add up', async () => {
    const filters = [
      { member: 'kpi_tree.period_type', operator: 'equals', values: ['fiscal_year'] },
      { member: 'kpi_tree.period_label', operator: 'equals', values: ['FY2025'] },
    ];
    const [revenue] = await load({
      measures: ['kpi_tree.actual', 'kpi_tree.previous', 'kpi_tree.effect_vs_previous'],
      filters: [...filters, { member: 'kpi_tree.node', operator: 'equals', values: ['revenue'] }],
    });
    // FY2025 wins: new O2 1 200 000, O1 3 000 000, O4 2 000 000 (6 200 000); recurring O8 renewal 800 000,
    // O6 upsell 1 000 000 (1 800 000). FY2024: O7 new 800 000, no recurring.
    expect(num(revenue!['kpi_tree.actual'])).toBe(8_000_000);
    expect(num(revenue!['kpi_tree.previous'])).toBe(800_000);
    expect(num(revenue!['kpi_tree.effect_vs_previous'])).toBeCloseTo(7_200_000, 4);
    const levers = await load({
      measures: ['kpi_tree.gap_effect_vs_previous'],
      dimensions: ['kpi_tree.lever'],
      filters: [...filters, { member: 'kpi_tree.lever', operator: 'set' }],
    });
    expect(levers.map((r) => r['kpi_tree.lever']).sort()).toEqual(['conversion', 'deal_size', 'recurring', 'velocity', 'volume']);
    expect(levers.reduce((s, r) => s + Number(r['kpi_tree.gap_effect_vs_previous']), 0)).toBeCloseTo(7_200_000, 4);
    // like with like: the funnel branch is new business (+5 400 000), recurring its own branch (+1 800 000)
    const lever = (name: string) => num(levers.find((r) => r['kpi_tree.lever'] === name)!['kpi_tree.gap_effect_vs_previous']);
    expect(lever('recurring')).toBeCloseTo(1_800_000, 4);
    const branches = await load({
      measures: ['kpi_tree.actual', 'kpi_tree.previous'],
      dimensions: ['kpi_tree.node'],
      filters: [
        ...filters,
        { member: 'kpi_tree.node', operator: 'equals', values: ['new_business_revenue', 'recurring_revenue', 'wins'] },
      ],
    });
    const node = (key: string) => branches.find((r) => r['kpi_tree.node'] === key)!;
    expect(num(node('new_business_revenue')['kpi_tree.actual'])).toBe(6_200_000);
    expect(num(node('new_business_revenue')['kpi_tree.previous'])).toBe(800_000);
    expect(num(node('recurring_revenue')['kpi_tree.actual'])).toBe(1_800_000);
    expect(num(node('wins')['kpi_tree.actual'])).toBe(3);
  });
});

describe('POST /api/plan', () => {
  const post = (body: unknown, token?: string | null) =>
    t.request('/api/plan', { method: 'POST', body: JSON.stringify(body), token });

  it('requires a valid token', async () => {
    expect((await post({}, null)).status).toBe(401);
    expect((await post({}, 'not-a-token')).status).toBe(401);
    expect((await post({}, t.token({ scopes: ['meta'] }))).status).toBe(403);
    expect(
      (
        await t.request('/api/plan', {
          method: 'POST',
          body: '{}',
          headers: { authorization: `Bearer ${t.token()}` },
          token: null,
        })
      ).status,
    ).toBe(200);
  });

  it('answers 400 naming each invalid field', async () => {
    const res = await post({
      fiscalMonths: [{ month: '2026-10-01', revenueTarget: -1 }],
      conversionRates: { 'lead->mql': 1.5, 'sql->won': 0.5, 'mql->sal': 0 },
      channelMix: { tiktok: 1 },
      ltvCacTarget: 0,
      attributionModel: 'last_click',
      colour: 'blue',
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['attributionModel', 'colour']));
    const engine = await post({
      fiscalMonths: [{ month: '2026-10-01', revenueTarget: -1 }],
      conversionRates: { 'lead->mql': 1.5, 'sql->won': 0.5, 'mql->sal': 0 },
      channelMix: { tiktok: 1 },
      ltvCacTarget: 0,
    });
    expect(engine.status).toBe(400);
    expect(engine.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        'fiscalMonths[0].revenueTarget',
        'conversionRates.lead->mql',
        'conversionRates.mql->sal',
        'conversionRates.sql->won',
        'channelMix.tiktok',
        'ltvCacTarget',
      ]),
    );
    expect((await post({ conversionRates: 0.5 })).body.errors[0].field).toBe('conversionRates');
    expect((await post({ channelMix: { seo: 0.5, webinar: 0.5 } })).body.errors).toEqual([
      { field: 'channelCpl.webinar', message: 'missing CPL for a channel in the mix' },
    ]);
  });

  it('without overrides returns exactly the rows of the plan view', async () => {
    const res = await post({});
    expect(res.status).toBe(200);
    const view = await load({
      measures: [
        'plan.required',
        'plan.actual',
        'plan.gap',
        'plan.required_budget',
        'plan.ltv_bounded_required',
        'plan.ltv_bounded_budget',
      ],
      dimensions: ['plan.stage', 'plan.channel'],
      timeDimensions: [{ dimension: 'plan.fiscal_month', granularity: 'month' }],
      limit: 5000,
    });
    const key = (month: string, stage: string, channel: string) => `${month.slice(0, 10)}|${stage}|${channel}`;
    const fromView = new Map(view.map((r) => [key(r['plan.fiscal_month.month'], r['plan.stage'], r['plan.channel']), r]));
    expect(res.body.rows.length).toBe(view.length);
    for (const row of res.body.rows) {
      const v = fromView.get(key(row.fiscal_month, row.stage, row.channel));
      expect(v, key(row.fiscal_month, row.stage, row.channel)).toBeDefined();
      expect(num(v!['plan.required'])).toBeCloseTo(row.required, 9);
      expect(num(v!['plan.actual'])).toEqual(row.actual);
      if (row.gap === null) expect(v!['plan.gap']).toBeNull();
      else expect(num(v!['plan.gap'])).toBeCloseTo(row.gap, 9);
      expect(num(v!['plan.required_budget'])).toBeCloseTo(row.required_budget, 4);
      expect(num(v!['plan.ltv_bounded_required'])).toBeCloseTo(row.ltv_bounded_required, 9);
      expect(num(v!['plan.ltv_bounded_budget'])).toBeCloseTo(row.ltv_bounded_budget, 4);
    }
    expect(res.body.plan.ltvBound.allowableCac).toBeCloseTo(750_000, 6);
    const tradeShow = res.body.plan.ltvBound.channels.find((c: { channel: string }) => c.channel === 'trade_show');
    expect(tradeShow).toMatchObject({ cac: null, cacUnbounded: true, withinBound: false });
  });

  /*
   * What-if by hand: 10 000 000 in 2026-10 at 2 000 000 per deal → 5 wins;
   * every rate 0.5 except opportunity→won 0.25 → 20 opportunities, 40 SQL,
   * 80 SAL, 160 MQL, 320 leads. Velocities 10, 5, 5, 10, 30.4 days →
   * cumulative 30.4 (opportunity), 40.4, 45.4, 50.4, 60.4 (lead) → offsets
   * round(÷ 30.4) = 1, 1, 1, 2, 2: wins in 2026-10, opportunities, SQL and
   * SAL in 2026-09, MQL and leads in 2026-08. Mix seo ½ at the observed CPL
   * 300 000 and web_ads ½ at 100 000: 160 leads each, budgets 48 000 000
   * and 16 000 000. ltvCacTarget 2 → allowable CAC 1 125 000: seo (w_shaped
   * CAC 2 000 000) is over it, so within the bound web_ads takes all 320
   * leads for 32 000 000.
   */
  it('computes a what-if plan with overrides, checked by hand', async () => {
    const res = await post({
      fiscalMonths: [{ month: '2026-10-01', revenueTarget: 10_000_000 }],
      averageDealSize: 2_000_000,
      conversionRates: { 'lead->mql': 0.5, 'mql->sal': 0.5, 'sal->sql': 0.5, 'sql->opportunity': 0.5, 'opportunity->won': 0.25 },
      velocityDays: { 'lead->mql': 10, 'mql->sal': 5, 'sal->sql': 5, 'sql->opportunity': 10, 'opportunity->won': 30.4 },
      channelMix: { seo: 0.5, web_ads: 0.5 },
      ltvCacTarget: 2,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows: any[] = res.body.rows;
    const req = (month: string, stage: string, channel = '(all)') =>
      rows.filter((r) => r.fiscal_month === month && r.stage === stage && r.channel === channel);
    expect(req('2026-10-01', 'won')[0]).toMatchObject({ required: 5, revenue_target: 10_000_000, actual: null, gap: null });
    for (const [stage, n] of [
      ['opportunity', 20],
      ['sql', 40],
      ['sal', 80],
    ] as const) {
      expect(req('2026-09-01', stage)[0]!.required).toBeCloseTo(n, 9);
    }
    expect(req('2026-08-01', 'mql')[0]!.required).toBeCloseTo(160, 9);
    const seo = req('2026-08-01', 'lead', 'seo')[0]!;
    const webAds = req('2026-08-01', 'lead', 'web_ads')[0]!;
    expect(seo.required).toBeCloseTo(160, 9);
    expect(seo.required_budget).toBeCloseTo(48_000_000, 4);
    expect(seo.is_over_allowable_cac).toBe(true);
    expect(seo.ltv_bounded_required).toBe(0);
    expect(webAds.required_budget).toBeCloseTo(16_000_000, 4);
    expect(webAds.ltv_bounded_required).toBeCloseTo(320, 9);
    expect(webAds.ltv_bounded_budget).toBeCloseTo(32_000_000, 4);
    expect(res.body.plan.totals.budget).toBeCloseTo(64_000_000, 4);
    expect(res.body.ltvBoundedPlan.totals.budget).toBeCloseTo(32_000_000, 4);
    expect(res.body.plan.ltvBound.allowableCac).toBeCloseTo(1_125_000, 6);
  });

  it('takes channel CAC from the attribution model asked for', async () => {
    // first touch: O1's first touch in its window is seo → seo CAC 600 000 ÷ 1; web_ads earns no win
    const res = await post({ channelMix: { seo: 0.5, web_ads: 0.5 }, ltvCacTarget: 2, attributionModel: 'first_touch' });
    expect(res.status).toBe(200);
    const checks = Object.fromEntries(res.body.plan.ltvBound.channels.map((c: { channel: string }) => [c.channel, c]));
    expect(checks.seo).toMatchObject({ cac: 600_000, withinBound: true });
    expect(checks.web_ads).toMatchObject({ cac: null, cacUnbounded: true, withinBound: false });
    expect(res.body.attributionModel).toBe('first_touch');
  });
});
