/*
 * Every public view against numbers worked out by hand on the small seed set
 * in test/fixtures/seeds-semantic (times JST; as_of 2025-10-15 23:59:59):
 *
 *   L1 A1 seo        lead 04-05 → mql 04-10 → sal 04-12 → sql 04-20 → opportunity 05-01 → won 06-10   (success)
 *   L2 A1 webinar    lead 04-15 → mql 05-03 → recycled 05-20 → mql 07-01 → sal 07-03                (detour)
 *   L3 A2 seo        sql 04-25 → opportunity 05-10 → lost 06-20                                      (fast: skips lead, mql, sal)
 *   L4 A3 web_ads    lead 06-01 08:00 JST (05-31 UTC), nothing after                                (single transition)
 *   L5 A2 webinar    lead 10-01 → mql 10-05                                                         (immature cohort)
 *   L6 A4 trade_show lead 04-08 → mql 04-09 → disqualified 04-20
 *   L7 A4 referral   opportunity 06-02 → won 07-15                                                  (fast: business card)
 *   all at 10:00 JST unless noted. Stage `expansion` (after won) is reached by nobody.
 *   O1 A1/L1 won new 1,200,000 05-01→06-10 (40 d)   O2 A2/L3 lost new 800,000 05-10→06-20 (41 d)
 *   O3 A4/L7 won new 600,000 06-02→07-15 (43 d, no touchpoints on A4)
 *   O4 A1/L1 open upsell 500,000 (08-01)             O5 A1/L1 won upsell 300,000 06-15→07-01 (16 d)
 *   revenue targets: Apr 0.5M, May 0.5M, Jun 1M, Jul 1M, Aug 0.5M; wins Jun 1, Jul 1; sql Apr 2.
 * August and September 2025 hold no transition and no closed deal (empty periods).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildWarehouse } from '../../server/warehouse/index';
import { eq, num, PROJECT_ROOT, type SemanticServer, startSemanticServer } from './semantic-server';

const SEEDS = path.join(PROJECT_ROOT, 'test/fixtures/seeds-semantic');

let s: SemanticServer;

beforeAll(async () => {
  s = await startSemanticServer(SEEDS);
});
afterAll(async () => {
  await s?.close();
});

const month = (m: string) => `2025-${m}-01T00:00:00.000`;

describe('warehouse build', () => {
  it('passes every data test on the fixture', () => {
    expect(s.build.tests.failed).toBe(0);
    const marts = new Set(s.build.tests.results.map((r) => r.model));
    for (const m of [
      'leads',
      'lead_stage_reach',
      'account_stage_reach',
      'stage_conversions',
      'stage_flow',
      'backlog_stints',
      'backlog_inventory',
      'lead_paths',
      'stage_exits',
      'deals',
      'targets',
    ]) {
      expect(marts.has(m), m).toBe(true);
    }
  });
});

describe('meta', () => {
  it('exposes only views, the funnel views among them, each member titled and described in Japanese and English', async () => {
    const res = await s.t.request('/cubejs-api/v1/meta');
    expect(res.status).toBe(200);
    const mine = ['backlog', 'backlog_leads', 'conversions', 'deals', 'flow', 'paths', 'stage_reach', 'stages', 'targets'];
    expect(res.body.cubes.every((c: { type: string }) => c.type === 'view')).toBe(true);
    expect(mine.filter((v) => !res.body.cubes.some((c: { name: string }) => c.name === v))).toEqual([]);
    for (const view of res.body.cubes.filter((c: { name: string }) => mine.includes(c.name))) {
      expect(view.title, view.name).toBeTruthy();
      expect(view.description, view.name).toMatch(/[ぁ-んァ-ヶ一-龠][\s\S]*\n[A-Za-z]/);
      for (const m of [...view.measures, ...view.dimensions]) {
        expect(m.shortTitle, m.name).toMatch(/[ぁ-んァ-ヶ一-龠A-Z]/);
        expect(m.description, m.name).toMatch(/\n.*[A-Za-z]/);
        expect(m.meta?.title_en, m.name).toBeTruthy();
      }
    }
  });
  it('has the members the dashboard and analysts rely on', async () => {
    const res = await s.t.request('/cubejs-api/v1/meta');
    const names = new Set<string>(res.body.cubes.flatMap((c: any) => [...c.measures, ...c.dimensions].map((m: any) => m.name)));
    const required = [
      'stage_reach.stage',
      'stage_reach.stage_order',
      'stage_reach.reached_at',
      'stage_reach.lead_source',
      'stage_reach.persona',
      'stage_reach.industry',
      'stage_reach.employee_band',
      'stage_reach.is_skipped',
      'stage_reach.leads',
      'stage_reach.accounts',
      'conversions.from_stage',
      'conversions.to_stage',
      'conversions.cohort_at',
      'conversions.lead_source',
      'conversions.persona',
      'conversions.entered',
      'conversions.converted',
      'conversions.conversion_rate',
      'conversions.median_days_to_convert',
      'conversions.conversion_rate_30d',
      'conversions.conversion_rate_60d',
      'conversions.conversion_rate_90d',
      'conversions.conversion_rate_180d',
      'conversions.is_immature',
      'conversions.immature',
      'conversions.account_conversion_rate',
      'flow.from_stage',
      'flow.to_stage',
      'flow.reached_at',
      'flow.from_volume',
      'flow.to_volume',
      'flow.flow_conversion_rate',
      'backlog.stage',
      'backlog.snapshot_at',
      'backlog.aging_bucket',
      'backlog.is_stuck',
      'backlog.team',
      'backlog.leads',
      'backlog.stuck_leads',
      'backlog.is_sla_stage',
      'backlog_leads.lead_id',
      'backlog_leads.aging_days',
      'backlog_leads.days_over_sla',
      'backlog_leads.breach_at',
      'backlog_leads.is_stuck',
      'backlog_leads.avg_aging_days',
      'backlog_leads.accounts',
      'paths.is_success_path',
      'paths.is_fast_path',
      'paths.is_detour_path',
      'paths.recycle_count',
      'paths.recycle_rate',
      'paths.recycle_return_rate',
      'paths.accounts',
      'deals.status',
      'deals.deal_type',
      'deals.created_at',
      'deals.closed_at',
      'deals.lead_source',
      'deals.industry',
      'deals.opportunities',
      'deals.won',
      'deals.lost',
      'deals.win_rate',
      'deals.won_amount',
      'deals.avg_deal_size',
      'deals.avg_sales_cycle_days',
      'deals.open_pipeline',
      'deals.pipeline_velocity',
      'targets.fiscal_month',
      'targets.metric',
      'targets.target',
      'targets.actual',
    ];
    expect(required.filter((m) => !names.has(m))).toEqual([]);
    // Views with owner_team are filtered for team-scoped tokens.
    for (const v of ['stage_reach', 'conversions', 'flow', 'backlog', 'backlog_leads', 'paths', 'deals'])
      expect(names.has(`${v}.owner_team`), v).toBe(true);
  });
  it('refuses the private cubes behind the views', async () => {
    const res = await s.t.load({ measures: ['lead_stage_reach.leads'] });
    expect(res.status).toBeGreaterThanOrEqual(400);
  });
});

describe('stage_reach (stage volume, lead and account grain)', () => {
  it('counts leads and accounts per stage; the stage nobody reached has no row', async () => {
    const rows = await s.rows({
      measures: ['stage_reach.leads', 'stage_reach.accounts', 'stage_reach.skipped_leads'],
      dimensions: ['stage_reach.stage', 'stage_reach.stage_order'],
      order: { 'stage_reach.stage_order': 'asc' },
    });
    expect(rows.map((r) => [r.stage, num(r.leads), num(r.accounts), num(r.skipped_leads)])).toEqual([
      ['lead', 7, 4, 2],
      ['mql', 6, 3, 2],
      ['sal', 4, 3, 2],
      ['sql', 3, 3, 1],
      ['opportunity', 3, 3, 0],
      ['won', 2, 2, 0],
    ]);
  });
  it('cuts months in JST (L4 entered 06-01 08:00 JST = 05-31 UTC) and back-fills skipped stages', async () => {
    const q = (timezone: string) =>
      s.rows({
        measures: ['stage_reach.leads', 'stage_reach.accounts'],
        timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'month' }],
        filters: [eq('stage_reach.stage', 'lead')],
        order: { 'stage_reach.reached_at': 'asc' },
        timezone,
      });
    expect((await q('Asia/Tokyo')).map((r) => [r['reached_at.month'], num(r.leads), num(r.accounts)])).toEqual([
      [month('04'), 4, 3],
      [month('06'), 2, 1],
      [month('10'), 1, 0],
    ]);
    expect((await q('UTC')).map((r) => [r['reached_at.month'], num(r.leads)])).toEqual([
      [month('04'), 4],
      [month('05'), 1],
      [month('06'), 1],
      [month('10'), 1],
    ]);
  });
  it('account grain: an account reaches a stage when its first lead does (A4 reaches sal through L7 in June)', async () => {
    const rows = await s.rows({
      measures: ['stage_reach.accounts'],
      timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'month' }],
      filters: [eq('stage_reach.stage', 'sal')],
      order: { 'stage_reach.reached_at': 'asc' },
    });
    expect(rows.map((r) => [r['reached_at.month'], num(r.accounts)])).toEqual([
      [month('04'), 2],
      [month('06'), 1],
      [month('07'), 0],
    ]);
  });
  it('answers an empty period with zeros', async () => {
    const rows = await s.rows({
      measures: ['stage_reach.leads', 'stage_reach.accounts'],
      timeDimensions: [{ dimension: 'stage_reach.reached_at', dateRange: ['2025-08-01', '2025-09-30'] }],
    });
    expect(rows.map((r) => [num(r.leads), num(r.accounts)])).toEqual([[0, 0]]);
  });
  it('groups by fiscal year (April start) as a custom granularity', async () => {
    const rows = await s.rows({
      measures: ['stage_reach.leads'],
      timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'fiscal_year' }],
      filters: [eq('stage_reach.stage', 'won')],
    });
    expect(rows.map((r) => [r['reached_at.fiscal_year'], num(r.leads)])).toEqual([[month('04'), 2]]);
  });
  it('filters a team-scoped token to its own rows', async () => {
    const res = await s.t.load(
      { measures: ['stage_reach.leads'], filters: [eq('stage_reach.stage', 'lead')], timezone: 'Asia/Tokyo' },
      { token: s.t.token({ team: 'east' }) },
    );
    expect(res.status).toBe(200);
    expect(num(res.body.data[0]['stage_reach.leads'])).toBe(3); // L1, L2, L4
  });
});

describe('conversions (cohort conversion and velocity)', () => {
  const pair = (from: string, to: string) => [eq('conversions.from_stage', from), eq('conversions.to_stage', to)];
  it('mql → sql by cohort month, with windows, velocity and immature flags', async () => {
    const rows = await s.rows({
      measures: [
        'conversions.entered',
        'conversions.converted',
        'conversions.conversion_rate',
        'conversions.converted_30d',
        'conversions.median_days_to_convert',
        'conversions.p75_days_to_convert',
        'conversions.immature',
        'conversions.immature_30d',
        'conversions.immature_90d',
        'conversions.immature_180d',
      ],
      timeDimensions: [{ dimension: 'conversions.cohort_at', granularity: 'month' }],
      filters: pair('mql', 'sql'),
      order: { 'conversions.cohort_at': 'asc' },
    });
    const cols = [
      'entered',
      'converted',
      'conversion_rate',
      'converted_30d',
      'median_days_to_convert',
      'p75_days_to_convert',
      'immature',
      'immature_30d',
      'immature_90d',
      'immature_180d',
    ];
    expect(rows.map((r) => [r['cohort_at.month'], ...cols.map((c) => num(r[c]))])).toEqual([
      // April: L1 (10 days), L3 (0 days, back-filled), L6 (never); 180 days after April's end is past as_of.
      [month('04'), 3, 2, 2 / 3, 2, 5, 7.5, 0, 0, 0, 1],
      [month('05'), 1, 0, 0, 0, null, null, 0, 0, 0, 1], // L2 (recycled before sql)
      [month('06'), 1, 1, 1, 1, 0, 0, 0, 0, 0, 1], // L7 (skipped to opportunity)
      // October: L5; the month's end + the median velocity (0 days) lies past as_of.
      [month('10'), 1, 0, 0, 0, null, null, 1, 1, 1, 1],
    ]);
  });
  it('lead → won over all cohorts and in windows', async () => {
    const [r] = await s.rows({
      measures: [
        'conversions.entered',
        'conversions.converted',
        'conversions.conversion_rate',
        'conversions.converted_60d',
        'conversions.converted_90d',
        'conversions.median_days_to_convert',
      ],
      filters: pair('lead', 'won'),
    });
    // L1 66 days, L7 43 days.
    expect([r!.entered, r!.converted, r!.converted_60d, r!.converted_90d, r!.median_days_to_convert].map(num)).toEqual([
      7, 2, 1, 2, 54.5,
    ]);
    expect(num(r!.conversion_rate)).toBeCloseTo(2 / 7, 12);
  });
  it('account grain: A4 converts mql → sql through L7 although its cohort lead L6 never did', async () => {
    const [r] = await s.rows({
      measures: [
        'conversions.account_entered',
        'conversions.account_converted',
        'conversions.account_conversion_rate',
        'conversions.account_converted_30d',
        'conversions.account_conversion_rate_60d',
        'conversions.account_median_days_to_convert',
      ],
      timeDimensions: [{ dimension: 'conversions.cohort_at', dateRange: ['2025-04-01', '2025-04-30'] }],
      filters: pair('mql', 'sql'),
    });
    // A1 10 days, A2 0 days, A4 54 days (L6 mql 04-09 → L7 sql 06-02).
    expect(
      [
        r!.account_entered,
        r!.account_converted,
        r!.account_conversion_rate,
        r!.account_converted_30d,
        r!.account_conversion_rate_60d,
        r!.account_median_days_to_convert,
      ].map(num),
    ).toEqual([3, 3, 1, 2, 1, 10]);
  });
  it('a stage nobody reached: won → expansion has a cohort and no conversion', async () => {
    const [r] = await s.rows({
      measures: [
        'conversions.entered',
        'conversions.converted',
        'conversions.conversion_rate',
        'conversions.median_days_to_convert',
      ],
      filters: pair('won', 'expansion'),
    });
    expect([r!.entered, r!.converted, r!.conversion_rate, r!.median_days_to_convert].map(num)).toEqual([2, 0, 0, null]);
  });
  it('filters cohorts by lead source and persona', async () => {
    const rows = await s.rows({
      measures: ['conversions.entered', 'conversions.converted'],
      dimensions: ['conversions.lead_source'],
      filters: pair('lead', 'opportunity'),
      order: { 'conversions.lead_source': 'asc' },
    });
    expect(rows.map((r) => [r.lead_source, num(r.entered), num(r.converted)])).toEqual([
      ['referral', 1, 1],
      ['seo', 2, 2],
      ['trade_show', 1, 0],
      ['web_ads', 1, 0],
      ['webinar', 2, 0],
    ]);
  });
});

describe('flow (monthly-report ratio)', () => {
  it('lead → mql per month, including a month whose from volume is zero', async () => {
    const rows = await s.rows({
      measures: ['flow.from_volume', 'flow.to_volume', 'flow.flow_conversion_rate', 'flow.account_flow_conversion_rate'],
      timeDimensions: [{ dimension: 'flow.reached_at', granularity: 'month' }],
      filters: [eq('flow.from_stage', 'lead'), eq('flow.to_stage', 'mql')],
      order: { 'flow.reached_at': 'asc' },
    });
    expect(
      rows.map((r) => [
        r['reached_at.month'],
        num(r.from_volume),
        num(r.to_volume),
        num(r.flow_conversion_rate),
        num(r.account_flow_conversion_rate),
      ]),
    ).toEqual([
      [month('04'), 4, 3, 0.75, 1],
      [month('05'), 0, 1, null, null],
      [month('06'), 2, 1, 0.5, 0],
      [month('10'), 1, 1, 1, null],
    ]);
  });
  it('differs from the cohort conversion of the same pair and period', async () => {
    const [flow] = await s.rows({
      measures: ['flow.flow_conversion_rate'],
      timeDimensions: [{ dimension: 'flow.reached_at', dateRange: ['2025-04-01', '2025-06-30'] }],
      filters: [eq('flow.from_stage', 'mql'), eq('flow.to_stage', 'sql')],
    });
    const [cohort] = await s.rows({
      measures: ['conversions.conversion_rate'],
      timeDimensions: [{ dimension: 'conversions.cohort_at', dateRange: ['2025-04-01', '2025-06-30'] }],
      filters: [eq('conversions.from_stage', 'mql'), eq('conversions.to_stage', 'sql')],
    });
    expect(num(flow!.flow_conversion_rate)).toBeCloseTo(3 / 5, 12); // sql 3 ÷ mql 5
    expect(num(cohort!.conversion_rate)).toBeCloseTo(3 / 5, 12); // same here by chance of the fixture
    const [julyFlow] = await s.rows({
      measures: ['flow.from_volume', 'flow.to_volume'],
      timeDimensions: [{ dimension: 'flow.reached_at', dateRange: ['2025-07-01', '2025-07-31'] }],
      filters: [eq('flow.from_stage', 'mql'), eq('flow.to_stage', 'sal')],
    });
    expect([num(julyFlow!.from_volume), num(julyFlow!.to_volume)]).toEqual([0, 1]); // L2's sal in July, its mql in May
  });
});

describe('backlog (inventory at an instant)', () => {
  // Stages with no lead at the instant come back with 0 (the running sum of their changes).
  const held = <T extends Record<string, unknown>>(rows: T[]) => rows.filter((r) => num(r.leads) !== 0);
  it('month-end inventory per stage with stuck leads', async () => {
    const rows = await s.rows({
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month', dateRange: ['2025-07-01', '2025-07-31'] }],
      filters: [eq('backlog.is_month_end', 'true')],
      order: { 'backlog.stage': 'asc' },
    });
    // 2025-07-31 23:59:59 JST: L2 in sal since 07-03 (28.58 d > SLA 5), L4 in lead since 06-01 08:00 (60.67 d > 30).
    expect(held(rows).map((r) => [r.stage, num(r.leads), num(r.stuck_leads)])).toEqual([
      ['disqualified', 1, 0],
      ['lead', 1, 1],
      ['lost', 1, 0],
      ['sal', 1, 1],
      ['won', 2, 0],
    ]);
  });
  it('April-end inventory: two leads in sql, neither past the 14-day SLA', async () => {
    const rows = await s.rows({
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage', 'backlog.aging_bucket', 'backlog.aging_bucket_order'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month', dateRange: ['2025-04-01', '2025-04-30'] }],
      filters: [eq('backlog.stage', 'sql')],
      order: { 'backlog.aging_bucket_order': 'asc' },
    });
    expect(held(rows).map((r) => [r.aging_bucket, num(r.leads), num(r.stuck_leads)])).toEqual([
      ['0-7', 1, 0],
      ['8-14', 1, 0],
    ]);
  });
  it('daily inventory, the as-of inventory without a time dimension, and period ends at every granularity', async () => {
    const rows = await s.rows({
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage', 'backlog.stage_order', 'backlog.team'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'day', dateRange: ['2025-10-15', '2025-10-15'] }],
      filters: [eq('backlog.is_funnel', 'true')],
      order: { 'backlog.stage_order': 'asc' },
    });
    // L4 lead (stuck), L5 mql since 10-05 (10.58 d > 7), L2 sal (stuck), L1 and L7 won (no SLA).
    const asOf = [
      ['lead', 'marketing', 1, 1],
      ['mql', 'marketing', 1, 1],
      ['sal', 'inside_sales', 1, 1],
      ['won', 'sales', 2, 0],
    ];
    expect(held(rows).map((r) => [r.stage, r.team, num(r.leads), num(r.stuck_leads)])).toEqual(asOf);
    const now = await s.rows({
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage', 'backlog.stage_order', 'backlog.team'],
      filters: [eq('backlog.is_funnel', 'true')],
      order: { 'backlog.stage_order': 'asc' },
    });
    expect(held(now).map((r) => [r.stage, r.team, num(r.leads), num(r.stuck_leads)])).toEqual(asOf);
    const july2 = await s.rows({
      measures: ['backlog.leads'],
      dimensions: ['backlog.stage'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'day', dateRange: ['2025-07-02', '2025-07-02'] }],
      filters: [eq('backlog.stage', 'mql')],
    });
    expect(july2.map((r) => num(r.leads))).toEqual([1]); // L2, back from recycled on 07-01
    // won: L1 from 06-10, L7 from 07-15. Each period reads its last instant, never a sum over days.
    const won = async (granularity: string, dateRange: string[]) =>
      (
        await s.rows({
          measures: ['backlog.leads'],
          timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity, dateRange }],
          filters: [eq('backlog.stage', 'won')],
        })
      ).map((r) => num(r.leads));
    expect(await won('fiscal_quarter', ['2025-04-01', '2025-12-31'])).toEqual([1, 2, 2]);
    expect(await won('week', ['2025-07-07', '2025-07-20'])).toEqual([1, 2]); // weeks ending 07-13 and 07-20
    expect(await won('fiscal_year', ['2025-04-01', '2025-10-15'])).toEqual([2]); // the running year at as_of
  });
  it('the stuck list: SLA breaches of the current inventory, oldest breach first, with the team to act', async () => {
    const rows = await s.rows({
      dimensions: [
        'backlog_leads.lead_id',
        'backlog_leads.stage',
        'backlog_leads.team',
        'backlog_leads.owner_team',
        'backlog_leads.days_over_sla',
        'backlog_leads.breach_at',
      ],
      filters: [eq('backlog_leads.is_stuck', 'true')],
      order: [['backlog_leads.breach_at', 'asc']],
    });
    // as_of 2025-10-15 23:59:59: L2 sal since 07-03 10:00 (SLA 5), L4 lead since 06-01 08:00 (the fixture gives lead an SLA of 30), L5 mql since 10-05 (SLA 7).
    expect(rows.map((r) => [r.lead_id, r.stage, r.team])).toEqual([
      ['L4', 'lead', 'marketing'],
      ['L2', 'sal', 'inside_sales'],
      ['L5', 'mql', 'marketing'],
    ]);
    expect(num(rows[1]!.days_over_sla)).toBeCloseTo(104 + (14 * 3600 - 1) / 86400 - 5, 6);
    const [all] = await s.rows({
      measures: ['backlog_leads.leads', 'backlog_leads.stuck_leads', 'backlog_leads.accounts', 'backlog_leads.avg_aging_days'],
    });
    expect([num(all!.leads), num(all!.stuck_leads), num(all!.accounts)]).toEqual([7, 3, 4]);
  });
});

describe('backlog pre-aggregations', () => {
  // The queries the backlog cards send (aging-card, stuck-sla-card, inventory-trend-card), with the global filters.
  const day = ['2025-07-31', '2025-07-31'];
  const segment = [
    eq('backlog.industry', 'manufacturing'),
    eq('backlog.employee_band', '100-499'),
    eq('backlog.lead_source', 'webinar'),
  ];
  const cards = {
    aging: {
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage', 'backlog.aging_bucket', 'backlog.aging_bucket_order'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', dateRange: day }],
      filters: [eq('backlog.stage', 'lead', 'mql', 'sal', 'sql', 'opportunity', 'recycled')],
    },
    stuck: {
      measures: ['backlog.leads', 'backlog.stuck_leads'],
      dimensions: ['backlog.stage'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', dateRange: day }],
      filters: [eq('backlog.is_sla_stage', 'true')],
    },
    trend: {
      measures: ['backlog.leads'],
      dimensions: ['backlog.stage'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month', dateRange: ['2025-04-01', '2025-10-15'] }],
      filters: [eq('backlog.stage', 'lead', 'mql')],
    },
    // an older query that still filters month ends, and a persona segment
    older: {
      measures: ['backlog.leads'],
      dimensions: ['backlog.persona'],
      timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'quarter', dateRange: ['2025-04-01', '2025-09-30'] }],
      filters: [eq('backlog.is_month_end', 'true')],
    },
  };
  it('serves every backlog card query from a rollup built before the server answered', async () => {
    const warm = s.t.server.cube.warmup.last();
    expect(warm?.error).toBeUndefined();
    expect(warm?.preAggregations).toEqual(expect.arrayContaining(['backlog_inventory.by_day', 'backlog_inventory.by_day_state']));
    const asked = Date.now();
    for (const [name, query] of Object.entries(cards)) {
      for (const q of [query, { ...query, filters: [...query.filters, ...segment] }]) {
        const res = await s.t.load({ timezone: 'Asia/Tokyo', ...q }, { queryType: 'multi' });
        expect(res.status, name).toBe(200);
        const used = Object.values(res.body.results[0].usedPreAggregations ?? {}) as { lastUpdatedAt: number }[];
        expect(used.length, name).toBe(1);
        expect(used[0]!.lastUpdatedAt, name).toBeLessThan(asked);
        // unsegmented card queries read the small rollup
        if (q === query && name !== 'older')
          expect(Object.keys(res.body.results[0].usedPreAggregations)[0], name).toMatch(/_by_day_state$/);
      }
    }
  });
  it("builds a rebuilt warehouse's rollups after the swap and before answering from it", async () => {
    const before = s.t.server.cube.warmup.served();
    await buildWarehouse({ seedsDir: SEEDS, warehousePath: s.warehouse, log: () => {} });
    const swapped = Date.now();
    // The watcher notices the new file and warms it; no request is sent meanwhile.
    while (s.t.server.cube.warmup.served() === before) await new Promise((r) => setTimeout(r, 200));
    expect(s.t.server.cube.warmup.last()?.error).toBeUndefined();
    const asked = Date.now();
    const res = await s.t.load({ timezone: 'Asia/Tokyo', ...cards.stuck }, { queryType: 'multi' });
    const used = Object.values(res.body.results[0].usedPreAggregations ?? {}) as { lastUpdatedAt: number }[];
    expect(used.length).toBe(1);
    expect(used[0]!.lastUpdatedAt).toBeGreaterThanOrEqual(Math.floor(swapped / 1000) * 1000);
    expect(used[0]!.lastUpdatedAt).toBeLessThan(asked);
  }, 240_000);
});

describe('paths and recycling', () => {
  it('classifies success, fast and detour paths per lead', async () => {
    const [r] = await s.rows({
      measures: [
        'paths.leads',
        'paths.accounts',
        'paths.success_path_leads',
        'paths.fast_path_leads',
        'paths.detour_path_leads',
        'paths.recycled_leads',
        'paths.recycle_return_rate',
        'paths.avg_recycle_count',
      ],
    });
    expect(
      [
        r!.leads,
        r!.accounts,
        r!.success_path_leads,
        r!.fast_path_leads,
        r!.detour_path_leads,
        r!.recycled_leads,
        r!.recycle_return_rate,
      ].map(num),
    ).toEqual([7, 4, 4, 2, 1, 1, 1]);
    expect(num(r!.avg_recycle_count)).toBeCloseTo(1 / 7, 12);
    const fast = await s.rows({
      dimensions: ['paths.lead_id', 'paths.skip_count', 'paths.is_success_path'],
      filters: [eq('paths.is_fast_path', 'true')],
      order: { 'paths.lead_id': 'asc' },
    });
    expect(fast.map((x) => [x.lead_id, num(x.skip_count), x.is_success_path])).toEqual([
      ['L3', 3, false],
      ['L7', 4, false],
    ]);
  });
  it('recycle rate of mql per month: transitions to recycled ÷ all transitions out of mql', async () => {
    const rows = await s.rows({
      measures: ['paths.exits', 'paths.recycles', 'paths.recycle_rate', 'paths.recycle_event_return_rate'],
      dimensions: ['paths.exit_from_stage'],
      timeDimensions: [{ dimension: 'paths.exited_at', granularity: 'month' }],
      filters: [eq('paths.exit_from_stage', 'mql')],
      order: { 'paths.exited_at': 'asc' },
    });
    expect(
      rows.map((r) => [
        r['exited_at.month'],
        num(r.exits),
        num(r.recycles),
        num(r.recycle_rate),
        num(r.recycle_event_return_rate),
      ]),
    ).toEqual([
      [month('04'), 2, 0, 0, null],
      [month('05'), 1, 1, 1, 1],
      [month('07'), 1, 0, 0, null],
    ]);
  });
  it('keeps lead counts right when exit members join in', async () => {
    const rows = await s.rows({
      measures: ['paths.leads', 'paths.exits'],
      dimensions: ['paths.lead_source'],
      order: { 'paths.lead_source': 'asc' },
    });
    expect(rows.map((r) => [r.lead_source, num(r.leads), num(r.exits)])).toEqual([
      ['referral', 1, 1],
      ['seo', 2, 7],
      ['trade_show', 1, 2],
      ['web_ads', 1, 0],
      ['webinar', 2, 5],
    ]);
  });
});

describe('deals', () => {
  it('win rate, revenue, deal size, cycle, pipeline and velocity over all deals', async () => {
    const [r] = await s.rows({
      measures: [
        'deals.opportunities',
        'deals.won',
        'deals.lost',
        'deals.win_rate',
        'deals.won_amount',
        'deals.avg_deal_size',
        'deals.avg_sales_cycle_days',
        'deals.open_pipeline',
        'deals.pipeline_velocity',
        'deals.accounts',
      ],
    });
    expect(
      [
        r!.opportunities,
        r!.won,
        r!.lost,
        r!.win_rate,
        r!.won_amount,
        r!.avg_deal_size,
        r!.avg_sales_cycle_days,
        r!.open_pipeline,
        r!.accounts,
      ].map(num),
    ).toEqual([5, 3, 1, 0.75, 2_100_000, 900_000, 33, 500_000, 3]);
    expect(num(r!.pipeline_velocity)).toBeCloseTo((1 * 0.75 * 900_000) / 33, 6);
  });
  it("new business's win rate and sales cycle leave the upsell out: won O1, O3 and lost O2 of the new deals", async () => {
    const [r] = await s.rows({
      measures: ['deals.new_won', 'deals.new_lost', 'deals.new_win_rate', 'deals.win_rate', 'deals.new_avg_sales_cycle_days'],
    });
    expect([num(r!.new_won), num(r!.new_lost)]).toEqual([2, 1]);
    expect(num(r!.new_win_rate)).toBeCloseTo(2 / 3, 12);
    expect(num(r!.win_rate)).toBe(0.75); // O5 (upsell) won too
    // O1 05-01 → 06-10 (40 days), O3 06-02 → 07-15 (43 days); with O5's 16 days every type's mean is 33
    expect(num(r!.new_avg_sales_cycle_days)).toBe(41.5);
    const months = await s.rows({
      measures: ['deals.new_win_rate'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-06-01', '2025-07-31'] }],
      order: { 'deals.closed_at': 'asc' },
    });
    expect(months.map((m) => [m['closed_at.month'], num(m.new_win_rate)])).toEqual([
      [month('06'), 0.5],
      [month('07'), 1],
    ]);
  });
  it('per closing month; the upsell counts in revenue, not in deal size', async () => {
    const rows = await s.rows({
      measures: ['deals.won', 'deals.win_rate', 'deals.won_amount', 'deals.avg_deal_size', 'deals.avg_sales_cycle_days'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-06-01', '2025-09-30'] }],
      order: { 'deals.closed_at': 'asc' },
    });
    expect(
      rows.map((r) => [
        r['closed_at.month'],
        num(r.won),
        num(r.win_rate),
        num(r.won_amount),
        num(r.avg_deal_size),
        num(r.avg_sales_cycle_days),
      ]),
    ).toEqual([
      [month('06'), 1, 0.5, 1_200_000, 1_200_000, 40],
      [month('07'), 2, 1, 900_000, 600_000, 29.5],
    ]);
  });
  it("pipeline velocity over a range ending at as_of keeps today's open deal", async () => {
    const [r] = await s.rows({
      measures: ['deals.open_opportunities', 'deals.win_rate', 'deals.pipeline_velocity'],
      timeDimensions: [{ dimension: 'deals.pipeline_at', dateRange: ['2025-07-01', '2025-10-15'] }],
    });
    expect([num(r!.open_opportunities), num(r!.win_rate)]).toEqual([1, 1]);
    expect(num(r!.pipeline_velocity)).toBeCloseTo(600_000 / 29.5, 6);
  });
  it('keeps the opportunity without touchpoints, and answers an empty period', async () => {
    const rows = await s.rows({
      measures: ['deals.won_amount'],
      dimensions: ['deals.lead_source'],
      filters: [eq('deals.status', 'won')],
      order: { 'deals.lead_source': 'asc' },
    });
    expect(rows.map((r) => [r.lead_source, num(r.won_amount)])).toEqual([
      ['referral', 600_000],
      ['seo', 1_500_000],
    ]);
    const [aug] = await s.rows({
      measures: ['deals.won', 'deals.win_rate'],
      timeDimensions: [{ dimension: 'deals.closed_at', dateRange: ['2025-08-01', '2025-08-31'] }],
    });
    // Served from the monthly rollup, an empty period's count comes back null rather than 0.
    expect([num(aug!.won) ?? 0, num(aug!.win_rate)]).toEqual([0, null]);
  });
  it('groups by fiscal quarter', async () => {
    const rows = await s.rows({
      measures: ['deals.won_amount'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'fiscal_quarter', dateRange: ['2025-04-01', '2026-03-31'] }],
      order: { 'deals.closed_at': 'asc' },
    });
    expect(rows.map((r) => [r['closed_at.fiscal_quarter'], num(r.won_amount)])).toEqual([
      [month('04'), 1_200_000],
      [month('07'), 900_000],
    ]);
  });
});

describe('targets (revenue against target in one query)', () => {
  it('per month and per fiscal year', async () => {
    const rows = await s.rows({
      measures: ['targets.target', 'targets.actual', 'targets.achievement_rate'],
      timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: ['2025-04-01', '2025-09-30'] }],
      filters: [eq('targets.metric', 'revenue')],
      order: { 'targets.fiscal_month': 'asc' },
    });
    expect(rows.map((r) => [r['fiscal_month.month'], num(r.target), num(r.actual), num(r.achievement_rate)])).toEqual([
      [month('04'), 500_000, 0, 0],
      [month('05'), 500_000, 0, 0],
      [month('06'), 1_000_000, 1_200_000, 1.2],
      [month('07'), 1_000_000, 900_000, 0.9],
      [month('08'), 500_000, 0, 0],
      [month('09'), null, 0, null],
    ]);
    const fy = await s.rows({
      measures: ['targets.target', 'targets.actual'],
      dimensions: ['targets.metric', 'targets.fiscal_year_label'],
      filters: [eq('targets.metric', 'revenue', 'wins', 'sql')],
      order: { 'targets.metric': 'asc' },
    });
    expect(fy.map((r) => [r.metric, r.fiscal_year_label, num(r.target), num(r.actual)])).toEqual([
      ['revenue', 'FY2025', 3_500_000, 2_100_000],
      ['sql', 'FY2025', 2, 3],
      ['wins', 'FY2025', 2, 3],
    ]);
  });
});

describe('GraphQL', () => {
  it('answers the documented example', async () => {
    const res = await s.t.request('/cubejs-api/graphql', {
      method: 'POST',
      body: JSON.stringify({
        query: `query {
          cube(where: { deals: { status: { equals: "won" } } }, timezone: "Asia/Tokyo") {
            deals { won_amount won closed_at { quarter } }
          }
        }`,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cube.map((c: any) => [c.deals.closed_at.quarter, num(c.deals.won_amount), num(c.deals.won)])).toEqual([
      ['2025-03-31T15:00:00.000Z', 1_200_000, 1], // FY2025 Q1 (April–June) in Tokyo
      ['2025-06-30T15:00:00.000Z', 900_000, 2],
    ]);
  });
});
