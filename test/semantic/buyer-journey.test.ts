/*
 * The buyer's process beside the revenue cycle (docs/metrics.md definition
 * 20), deal attribution at account and lead level (definition 9, "Credit
 * level") and persona coverage per company size, through the API, against
 * figures worked out by hand on test/fixtures/seeds-buying-group (times JST,
 * lookback 30 days; buying-group.test.ts tells the fixture's story).
 *
 * Campaign steps: C1 whitepaper = information_gathering, C2 webinar =
 * comparison, C3 newsletter = status_quo.
 *
 * Content coverage. Leads jump lead → opportunity, so each of K2 (B1,
 * department_head, east, 04-20 10:00), K4 (B2, field_staff, east, 05-01),
 * K6 (B3, department_head, west, 05-10) and K8 (B4, executive, west, 05-02)
 * converts lead->mql, mql->sal, sal->sql and sql->opportunity at the same
 * instant, with the same window of its account's touches:
 *   K2: P01 04-01 C2, P02 04-10 seo (no campaign), P03 04-15 C1
 *       linear 1/3 comparison + 1/3 information_gathering; first touch P01: 1 comparison
 *   K4: P04 seo only; K8: P07 direct only → no content
 *   K6: P05 04-20 C2, P06 04-22 C1
 *       linear 1/2 comparison + 1/2 information_gathering; first touch P05: 1 comparison
 * opportunity->won (K2 06-10, K6 07-01, K8 06-30): no touch in any window.
 * So per pair (four pairs) under linear: comparison × department_head
 * 1/3 + 1/2 = 5/6, information_gathering × department_head 5/6, every other
 * step × persona cell 0 (unserved); under first touch comparison ×
 * department_head 2 and information_gathering unserved. east_team (K2 only):
 * comparison × department_head 1/3 per pair.
 *
 * Account against lead level, conversion `opportunity` (window: 30 days
 * before creation):
 *   O1 B1 (K2): account P01 webinar, P02 seo, P03 content; lead (K2) P02 seo
 *   O2 B2 (K4): P04 seo at both levels
 *   O3 B3 (K6): account P05 webinar, P06 content; lead P05 webinar
 *   O4 B4 (K8): P07 direct at both levels
 *   O5 B2 (K4, 09-01): no touch in the window → (none) at both levels
 *   linear, account: webinar 1/3 + 1/2 = 5/6, content 5/6, seo 1/3 + 1 = 4/3, direct 1, (none) 1
 *   linear, lead:    seo 2, webinar 1, direct 1, (none) 1
 *   U-shaped O1 account: first P01 40 %, lead creation (K2's last touch at or
 *   before its creation 04-10 09:00) P02 40 %, P03 the other 20 %.
 *
 * Persona coverage per company size (executive, closed new deals):
 *   300-999 O1 engaged won; 1-49 O4 engaged won; 50-299 O2 missing lost;
 *   1000+ O3 missing won. Wilson 95 % for 1 of 1: (1 + 1.9208 ± 1.96·√0.9604) / 4.8416
 *   = 0.2065 … 1; for 0 of 1: 0 … 0.7935.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { eq, num, PROJECT_ROOT, type SemanticServer, sharedSemanticServer, TIME_ZONE } from './semantic-server';

let s: SemanticServer;

beforeAll(async () => {
  // the run's shared server over this fixture: this file only reads
  s = await sharedSemanticServer(path.join(PROJECT_ROOT, 'test/fixtures/seeds-buying-group'));
}, 300_000);
afterAll(async () => {
  await s?.close();
});

const PERSONAS = ['department_head', 'executive', 'field_staff', 'it_admin', 'procurement'];
const STEPS = ['status_quo', 'problem_aware', 'information_gathering', 'understanding', 'comparison', 'decision', 'unmapped'];

async function stepPersonaCells(model: string, filters: object[] = []) {
  const rows = await s.rows({
    measures: ['content_coverage.content_credit', 'content_coverage.unserved'],
    dimensions: ['content_coverage.buyer_journey_step', 'content_coverage.step_order', 'content_coverage.persona'],
    filters: [eq('content_coverage.model', model), ...filters],
    order: { 'content_coverage.step_order': 'asc', 'content_coverage.persona': 'asc' },
  });
  return new Map(rows.map((r) => [`${r.buyer_journey_step}|${r.persona}`, [num(r.content_credit), num(r.unserved)]]));
}

describe('content coverage by buyer-journey step and persona', () => {
  it('has a row for every step and persona, in step order, with the content credit worked out by hand', async () => {
    const linear = await stepPersonaCells('linear');
    expect([...new Set([...linear.keys()].map((k) => k.split('|')[0]))]).toEqual(STEPS);
    expect(linear.size).toBe(STEPS.length * PERSONAS.length);
    expect(linear.get('comparison|department_head')![0]).toBeCloseTo(4 * (5 / 6), 9);
    expect(linear.get('information_gathering|department_head')![0]).toBeCloseTo(4 * (5 / 6), 9);
    for (const [key, [credit]] of linear) {
      if (key === 'comparison|department_head' || key === 'information_gathering|department_head') continue;
      expect(credit, key).toBe(0);
    }
  });

  it('flags the cells no content serves (unserved = 1), never the unmapped column', async () => {
    const linear = await stepPersonaCells('linear');
    const unserved = [...linear].filter(([, [, flag]]) => flag === 1).map(([k]) => k);
    const served = [...linear].filter(([, [, flag]]) => flag === 0).map(([k]) => k);
    expect(served.sort()).toEqual(
      ['comparison|department_head', 'information_gathering|department_head', ...PERSONAS.map((p) => `unmapped|${p}`)].sort(),
    );
    expect(unserved).toHaveLength((STEPS.length - 1) * PERSONAS.length - 2);
    // Under first touch the whitepaper never comes first: information gathering goes unserved.
    const first = await stepPersonaCells('first_touch');
    expect(first.get('comparison|department_head')).toEqual([4 * 2, 0]);
    expect(first.get('information_gathering|department_head')).toEqual([0, 1]);
  });

  it('draws by revenue-cycle stage and step: no content serves opportunity->won', async () => {
    const rows = await s.rows({
      measures: ['content_coverage.content_credit', 'content_coverage.unserved'],
      dimensions: ['content_coverage.stage_pair', 'content_coverage.pair_position', 'content_coverage.buyer_journey_step'],
      filters: [eq('content_coverage.model', 'linear'), eq('content_coverage.buyer_journey_step', 'comparison')],
      order: { 'content_coverage.pair_position': 'asc' },
    });
    expect(rows.map((r) => [r.stage_pair, Number(num(r.content_credit)!.toFixed(9)), num(r.unserved)])).toEqual([
      ['lead->mql', Number((5 / 6).toFixed(9)), 0],
      ['mql->sal', Number((5 / 6).toFixed(9)), 0],
      ['sal->sql', Number((5 / 6).toFixed(9)), 0],
      ['sql->opportunity', Number((5 / 6).toFixed(9)), 0],
      ['opportunity->won', 0, 1],
    ]);
  });

  it('agrees with the content map per campaign, whose view carries the step and persona too', async () => {
    const rows = await s.rows({
      measures: ['content_map.content_credit'],
      dimensions: ['content_map.buyer_journey_step', 'content_map.persona'],
      filters: [eq('content_map.model', 'linear'), { member: 'content_map.campaign', operator: 'set' }],
      order: { 'content_map.buyer_journey_step': 'asc' },
    });
    expect(rows.map((r) => [r.buyer_journey_step, r.persona, Number(num(r.content_credit)!.toFixed(9))])).toEqual([
      ['comparison', 'department_head', Number((10 / 3).toFixed(9))],
      ['information_gathering', 'department_head', Number((10 / 3).toFixed(9))],
    ]);
  });

  it('holds to a team token (east_team: K2 alone) and refuses an agency', async () => {
    const res = await s.t.load(
      {
        timezone: TIME_ZONE,
        measures: ['content_coverage.content_credit', 'content_coverage.unserved'],
        dimensions: ['content_coverage.owner_team', 'content_coverage.buyer_journey_step', 'content_coverage.persona'],
        filters: [eq('content_coverage.model', 'linear'), eq('content_coverage.persona', 'department_head')],
      },
      { token: s.t.token({ role: 'team:east_team' }) },
    );
    expect(res.status).toBe(200);
    const rows = res.body.data as Record<string, unknown>[];
    expect(new Set(rows.map((r) => r['content_coverage.owner_team']))).toEqual(new Set(['east_team']));
    const comparison = rows.find((r) => r['content_coverage.buyer_journey_step'] === 'comparison')!;
    expect(num(comparison['content_coverage.content_credit'])).toBeCloseTo(4 / 3, 9);
    const agency = await s.t.load(
      { measures: ['content_coverage.content_credit'] },
      { token: s.t.token({ role: 'agency:webinar' }) },
    );
    expect(agency.status).toBe(403);
  });
});

describe('account-level attribution beside lead level', () => {
  async function byChannel(model: string, level: string) {
    const rows = await s.rows({
      measures: ['account_attribution.credit'],
      dimensions: ['account_attribution.channel'],
      filters: [
        eq('account_attribution.model', model),
        eq('account_attribution.credit_level', level),
        eq('account_attribution.conversion', 'opportunity'),
      ],
      order: { 'account_attribution.channel': 'asc' },
    });
    return Object.fromEntries(rows.map((r) => [r.channel, Number(num(r.credit)!.toFixed(9))]));
  }
  const r9 = (v: number) => Number(v.toFixed(9));

  it('credits every contact of the account at account level and the primary contact alone at lead level', async () => {
    expect(await byChannel('linear', 'account')).toEqual({
      '(none)': 1,
      content: r9(5 / 6),
      direct: 1,
      seo: r9(4 / 3),
      webinar: r9(5 / 6),
    });
    expect(await byChannel('linear', 'lead')).toEqual({ '(none)': 1, direct: 1, seo: 2, webinar: 1 });
    expect(await byChannel('first_touch', 'account')).toEqual({ '(none)': 1, direct: 1, seo: 1, webinar: 2 });
    expect(await byChannel('first_touch', 'lead')).toEqual({ '(none)': 1, direct: 1, seo: 2, webinar: 1 });
  });

  it('places the U-shaped positions on the account touches (O1: 40 % first, 40 % lead creation, 20 % other)', async () => {
    const rows = await s.rows({
      measures: ['account_attribution.credit'],
      dimensions: ['account_attribution.channel'],
      filters: [
        eq('account_attribution.model', 'u_shaped'),
        eq('account_attribution.credit_level', 'account'),
        eq('account_attribution.conversion', 'opportunity'),
        eq('account_attribution.conversion_id', 'O1'),
      ],
      order: { 'account_attribution.channel': 'asc' },
    });
    expect(rows.map((r) => [r.channel, r9(num(r.credit)!)])).toEqual([
      ['content', 0.2],
      ['seo', 0.4],
      ['webinar', 0.4],
    ]);
  });

  it('sums to 1 per deal, model and level, and its account level is the attribution view', async () => {
    const rows = await s.rows({
      measures: ['account_attribution.credit'],
      dimensions: [
        'account_attribution.conversion',
        'account_attribution.conversion_id',
        'account_attribution.credit_level',
        'account_attribution.model',
      ],
    });
    // 5 opportunities and 3 wins, 2 levels, 7 models
    expect(rows).toHaveLength((5 + 3) * 2 * 7);
    for (const r of rows) expect(num(r.credit), JSON.stringify(r)).toBeCloseTo(1, 9);

    const attribution = await s.rows({
      measures: ['attribution.credit', 'attribution.attributed_pipeline'],
      dimensions: ['attribution.model', 'attribution.channel'],
      filters: [eq('attribution.conversion', 'opportunity')],
      order: { 'attribution.model': 'asc', 'attribution.channel': 'asc' },
    });
    const account = await s.rows({
      measures: ['account_attribution.credit', 'account_attribution.attributed_pipeline'],
      dimensions: ['account_attribution.model', 'account_attribution.channel'],
      filters: [eq('account_attribution.conversion', 'opportunity'), eq('account_attribution.credit_level', 'account')],
      order: { 'account_attribution.model': 'asc', 'account_attribution.channel': 'asc' },
    });
    const shape = (rs: typeof rows) =>
      rs.map((r) => [r.model, r.channel, r9(num(r.credit)!), Math.round(num(r.attributed_pipeline)!)]);
    expect(shape(account)).toEqual(shape(attribution));
  });

  it('holds to a team token and scopes an agency to its channels, as the attribution view does', async () => {
    const query = {
      timezone: TIME_ZONE,
      measures: ['account_attribution.conversions'],
      dimensions: ['account_attribution.owner_team', 'account_attribution.channel'],
      filters: [
        eq('account_attribution.model', 'linear'),
        eq('account_attribution.credit_level', 'lead'),
        eq('account_attribution.conversion', 'opportunity'),
      ],
      order: { 'account_attribution.channel': 'asc' },
    };
    const east = await s.t.load(query, { token: s.t.token({ role: 'team:east_team' }) });
    expect(east.status).toBe(200);
    // east_team: O1 (seo), O2 (seo), O5 ((none))
    expect(
      east.body.data.map((r: Record<string, unknown>) => [
        r['account_attribution.owner_team'],
        r['account_attribution.channel'],
        num(r['account_attribution.conversions']),
      ]),
    ).toEqual([
      ['east_team', '(none)', 1],
      ['east_team', 'seo', 2],
    ]);
    const agency = await s.t.load(query, { token: s.t.token({ role: 'agency:webinar' }) });
    expect(agency.status).toBe(200);
    expect(agency.body.data.map((r: Record<string, unknown>) => r['account_attribution.channel'])).toEqual(['webinar']);
  });
});

describe('persona coverage per company size', () => {
  it('splits the executive comparison by employee band with counts and Wilson intervals', async () => {
    const rows = await s.rows({
      measures: [
        'persona_coverage.won_deals',
        'persona_coverage.closed_deals',
        'persona_coverage.win_rate_low',
        'persona_coverage.win_rate_high',
      ],
      dimensions: ['persona_coverage.employee_band', 'persona_coverage.is_engaged'],
      filters: [eq('persona_coverage.persona', 'executive'), eq('persona_coverage.deal_type', 'new')],
      order: { 'persona_coverage.employee_band': 'asc' },
    });
    const r4 = (v: unknown) => Number(num(v)!.toFixed(4));
    expect(
      rows.map((r) => [
        r.employee_band,
        r.is_engaged,
        num(r.won_deals),
        num(r.closed_deals),
        r4(r.win_rate_low),
        r4(r.win_rate_high),
      ]),
    ).toEqual([
      ['1-49', true, 1, 1, 0.2065, 1],
      ['1000+', false, 1, 1, 0.2065, 1],
      ['300-999', true, 1, 1, 0.2065, 1],
      ['50-299', false, 0, 1, 0, 0.7935],
    ]);
  });
});
