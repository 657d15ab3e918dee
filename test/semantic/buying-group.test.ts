/*
 * Buying groups, persona coverage and accounts in motion (docs/metrics.md
 * definition 19) through the API, against figures worked out by hand on
 * test/fixtures/seeds-buying-group (times JST, as_of 2025-09-30, lookback 30
 * days, so the buying-group window of an opportunity is the 30 days up to its
 * creation; opportunity_contact_roles.csv names K8 and K9 on O4).
 *
 * Buying groups (engaged = a touch or a stage entry in the window):
 *   O1 B1 created 04-20 10:00, won ¥3.0 M 06-10 (51 days), east
 *      K1 executive 04-01 09:00; K2 department_head 04-10, 04-20 10:00;
 *      K3 it_admin: lead 02-03 outside the window, touch 04-15 inside
 *      → 3 contacts, 3 personas, first executive, last department_head,
 *        19 d 1 h from first engagement
 *   O2 B2 created 05-01 10:00, lost 06-20, east
 *      K4 field_staff 04-05 09:00, 05-01 10:00; K5 executive: 01-10 only → out
 *      → 1 contact, field_staff, 26 d 1 h
 *   O3 B3 created 05-10 10:00, won ¥2.0 M 07-01 (52 days), west
 *      K6 department_head 04-20 09:00, 05-10 10:00; K7 procurement 04-22
 *      → 2 contacts, department_head,procurement, first = last department_head, 20 d 1 h
 *   O4 B4 created 05-02 10:00, won ¥1.5 M 06-30 (59 days), west
 *      K8 executive 05-01 09:00, 05-02 10:00; K9 it_admin arrives 05-03 (after):
 *      named by a contact role, not engaged
 *      → 1 contact, 2 named, executive, 1 d 1 h
 *   O5 B2 created 09-01, open: nobody engaged since 08-02 → 0, (none)
 *
 * Persona coverage over the closed deals O1 (won) O2 (lost) O3 (won) O4 (won):
 *   executive        engaged O1 O4 → 2/2 won; missing O2 O3 → 1/2
 *   department_head  engaged O1 O3 → 2/2;     missing O2 O4 → 1/2
 *   it_admin         engaged O1    → 1/1;     missing O2 O3 O4 → 2/3
 *   field_staff      engaged O2    → 0/1;     missing O1 O3 O4 → 3/3
 *   procurement      engaged O3    → 1/1;     missing O1 O2 O4 → 2/3
 *   Wilson 95 % for 2 of 2: ((1 + 1.9208/2) ± 1.96·√(0.9604/4)) / (1 + 3.8416/2)
 *   = 0.3424 … 1; for 1 of 2: (0.5 + 0.9604 ± 1.96·√(0.125 + 0.2401)) / 2.9208 = 0.0945 … 0.9055.
 *   executive engaged: deal size (3.0 M + 1.5 M) / 2 = 2.25 M, cycle (51 + 59) / 2 = 55 days.
 *
 * Accounts in motion (Monday weeks, active = ≥ 5 touches and stage entries of
 * the account's contacts in the 4 weeks ending with the week):
 *   B1 east  entered (new_opportunity) week 04-14 (window 6); quiet week 04-28 (window 4)
 *   B2 east  entered (new_opportunity) weeks 04-28 and 09-01 (never over 3)
 *   B3 west  entered (new_opportunity) week 05-05 (window 5); quiet week 05-12 (3)
 *   B4 west  entered (new_opportunity) week 04-28 (window 5); quiet week 05-26 (0)
 *   B5 east  entered (engagement) week 08-11 (4 + 1); quiet week 09-01 (1)
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

const HOUR = 1 / 24;

describe('buying group per opportunity', () => {
  it('lists the engaged contacts, personas, first and last persona and days from the first engagement', async () => {
    const rows = await s.rows({
      dimensions: [
        'buying_groups.opportunity_id',
        'buying_groups.engaged_contacts',
        'buying_groups.named_contacts',
        'buying_groups.personas_engaged',
        'buying_groups.personas_covered',
        'buying_groups.first_persona',
        'buying_groups.last_persona',
        'buying_groups.days_first_engagement_to_opportunity',
      ],
      order: { 'buying_groups.opportunity_id': 'asc' },
    });
    const shape = rows.map((r) => [
      r.opportunity_id,
      num(r.engaged_contacts),
      num(r.named_contacts),
      num(r.personas_engaged),
      r.personas_covered,
      r.first_persona,
      r.last_persona,
    ]);
    expect(shape).toEqual([
      ['O1', 3, 0, 3, 'department_head,executive,it_admin', 'executive', 'department_head'],
      ['O2', 1, 0, 1, 'field_staff', 'field_staff', 'field_staff'],
      ['O3', 2, 0, 2, 'department_head,procurement', 'department_head', 'department_head'],
      ['O4', 1, 2, 1, 'executive', 'executive', 'executive'],
      ['O5', 0, 0, 0, '(none)', '(none)', '(none)'],
    ]);
    const days = rows.map((r) => num(r.days_first_engagement_to_opportunity));
    for (const [got, want] of days.slice(0, 4).map((d, i) => [d, [19, 26, 20, 1][i]! + HOUR])) expect(got).toBeCloseTo(want!, 6);
    expect(days[4]).toBeNull();
  });

  it('gives win rate, deal size and cycle by the number of personas engaged', async () => {
    const rows = await s.rows({
      measures: [
        'buying_groups.opportunities',
        'buying_groups.closed_deals',
        'buying_groups.won_deals',
        'buying_groups.win_rate',
      ],
      dimensions: ['buying_groups.personas_engaged'],
      order: { 'buying_groups.personas_engaged': 'asc' },
    });
    expect(rows.map((r) => [num(r.personas_engaged), num(r.opportunities), num(r.closed_deals), num(r.won_deals)])).toEqual([
      [0, 1, 0, 0],
      [1, 2, 2, 1],
      [2, 1, 1, 1],
      [3, 1, 1, 1],
    ]);
    expect(num(rows[1]!.win_rate)).toBeCloseTo(0.5, 10);
    const [avg] = await s.rows({
      measures: ['buying_groups.avg_engaged_contacts', 'buying_groups.avg_days_first_engagement_to_opportunity'],
    });
    expect(num(avg!.avg_engaged_contacts)).toBeCloseTo(7 / 5, 10);
    expect(num(avg!.avg_days_first_engagement_to_opportunity)).toBeCloseTo((19 + 26 + 20 + 1 + 4 * HOUR) / 4, 6);
  });
});

describe('persona coverage: which personas win', () => {
  it('win rate where each persona engaged against where it was missing, with counts', async () => {
    const rows = await s.rows({
      measures: ['persona_coverage.closed_deals', 'persona_coverage.won_deals'],
      dimensions: ['persona_coverage.persona', 'persona_coverage.is_engaged'],
      timeDimensions: [{ dimension: 'persona_coverage.closed_at', dateRange: ['2025-04-01', '2025-09-30'] }],
      order: { 'persona_coverage.persona': 'asc', 'persona_coverage.is_engaged': 'desc' },
    });
    expect(rows.map((r) => [r.persona, r.is_engaged, num(r.won_deals), num(r.closed_deals)])).toEqual([
      ['department_head', true, 2, 2],
      ['department_head', false, 1, 2],
      ['executive', true, 2, 2],
      ['executive', false, 1, 2],
      ['field_staff', true, 0, 1],
      ['field_staff', false, 3, 3],
      ['it_admin', true, 1, 1],
      ['it_admin', false, 2, 3],
      ['procurement', true, 1, 1],
      ['procurement', false, 2, 3],
    ]);
  });

  it('executive engaged: win rate with its Wilson interval, deal size and cycle', async () => {
    const rows = await s.rows({
      measures: [
        'persona_coverage.win_rate',
        'persona_coverage.win_rate_low',
        'persona_coverage.win_rate_high',
        'persona_coverage.avg_deal_size',
        'persona_coverage.avg_sales_cycle_days',
      ],
      dimensions: ['persona_coverage.is_engaged'],
      filters: [eq('persona_coverage.persona', 'executive'), eq('persona_coverage.deal_type', 'new')],
      order: { 'persona_coverage.is_engaged': 'desc' },
    });
    const [engaged, missing] = rows;
    expect(num(engaged!.win_rate)).toBe(1);
    expect(num(engaged!.win_rate_low)).toBeCloseTo(0.3424, 4);
    expect(num(engaged!.win_rate_high)).toBeCloseTo(1, 10);
    expect(num(engaged!.avg_deal_size)).toBeCloseTo(2_250_000, 4);
    expect(num(engaged!.avg_sales_cycle_days)).toBeCloseTo(55, 6);
    expect(num(missing!.win_rate)).toBe(0.5);
    expect(num(missing!.win_rate_low)).toBeCloseTo(0.0945, 4);
    expect(num(missing!.win_rate_high)).toBeCloseTo(0.9055, 4);
  });

  it('holds to a team token: east_team sees only its deals', async () => {
    const res = await s.t.load(
      {
        timezone: TIME_ZONE,
        measures: ['persona_coverage.closed_deals', 'persona_coverage.won_deals'],
        dimensions: ['persona_coverage.is_engaged'],
        filters: [eq('persona_coverage.persona', 'executive')],
        order: { 'persona_coverage.is_engaged': 'desc' },
      },
      { token: s.t.token({ role: 'team:east_team' }) },
    );
    expect(res.status).toBe(200);
    // east_team: O1 (executive engaged, won) and O2 (missing, lost)
    expect(
      res.body.data.map((r: Record<string, unknown>) => [
        r['persona_coverage.is_engaged'],
        num(r['persona_coverage.won_deals']),
        num(r['persona_coverage.closed_deals']),
      ]),
    ).toEqual([
      [true, 1, 1],
      [false, 0, 1],
    ]);
    const agency = await s.t.load({ measures: ['persona_coverage.closed_deals'] }, { token: s.t.token({ role: 'agency:seo' }) });
    expect(agency.status).toBe(403);
  });
});

describe('accounts in motion', () => {
  it('lists the accounts that entered active consideration or went quiet, by week', async () => {
    const rows = await s.rows({
      dimensions: [
        'accounts_in_motion.account_id',
        'accounts_in_motion.owner_team',
        'accounts_in_motion.event',
        'accounts_in_motion.reason',
        'accounts_in_motion.engagements_window',
      ],
      timeDimensions: [{ dimension: 'accounts_in_motion.week_start_at', granularity: 'week' }],
      order: { 'accounts_in_motion.account_id': 'asc', 'accounts_in_motion.week_start_at': 'asc' },
    });
    expect(
      rows.map((r) => [
        r.account_id,
        String(r['week_start_at.week']).slice(0, 10),
        r.owner_team,
        r.event,
        r.reason,
        num(r.engagements_window),
      ]),
    ).toEqual([
      ['B1', '2025-04-14', 'east_team', 'entered', 'new_opportunity', 6],
      ['B1', '2025-04-28', 'east_team', 'went_quiet', 'engagement_fell', 4],
      ['B2', '2025-04-28', 'east_team', 'entered', 'new_opportunity', 1],
      ['B2', '2025-09-01', 'east_team', 'entered', 'new_opportunity', 0],
      ['B3', '2025-05-05', 'west_team', 'entered', 'new_opportunity', 5],
      ['B3', '2025-05-12', 'west_team', 'went_quiet', 'engagement_fell', 3],
      ['B4', '2025-04-28', 'west_team', 'entered', 'new_opportunity', 5],
      ['B4', '2025-05-26', 'west_team', 'went_quiet', 'engagement_fell', 0],
      ['B5', '2025-08-11', 'east_team', 'entered', 'engagement', 5],
      ['B5', '2025-09-01', 'east_team', 'went_quiet', 'engagement_fell', 1],
    ]);
  });

  it('counts per owner team, and a team token sees its own accounts only', async () => {
    const query = {
      timezone: TIME_ZONE,
      measures: ['accounts_in_motion.accounts_entered', 'accounts_in_motion.accounts_went_quiet'],
      dimensions: ['accounts_in_motion.owner_team'],
      order: { 'accounts_in_motion.owner_team': 'asc' },
    };
    const all = await s.rows(query);
    expect(all.map((r) => [r.owner_team, num(r.accounts_entered), num(r.accounts_went_quiet)])).toEqual([
      ['east_team', 4, 2],
      ['west_team', 2, 2],
    ]);
    const west = await s.t.load(query, { token: s.t.token({ role: 'team:west_team' }) });
    expect(west.status).toBe(200);
    expect(west.body.data.map((r: Record<string, unknown>) => r['accounts_in_motion.owner_team'])).toEqual(['west_team']);
  });
});
