/*
 * The practice views (docs/metrics.md: stage_definitions, stage_definition_changes,
 * handoff_quality, content_map) against figures worked out by hand on
 * test/fixtures/seeds-semantic (its header in fixture.test.ts lists the
 * leads; times JST, as_of 2025-10-15; the bundled stage definitions):
 *
 * Hand-offs (definition 16), one per entry into the handing stage:
 *   mql->sal          L1 mql 04-10 → sal      accepted, later sql   (converted)
 *                     L2 mql 05-03 → recycled recycled
 *                     L2 mql 07-01 → sal      accepted, no sql      (not converted)
 *                     L5 mql 10-05            pending
 *                     L6 mql 04-09 → disq.    rejected
 *   sql->opportunity  L1 sql 04-20 → opp.     accepted, won         (converted)
 *                     L3 sql 04-25 → opp.     accepted, lost        (not converted)
 *   L7 enters at opportunity: never handed over. won->expansion is sales → sales: no boundary.
 *
 * Content map (definition 15), linear model, account lookback 180 days. The
 * only campaign is C1 (webinar_attend): P3 (A1/L2, 04-14) and P6 (A2/L5, 09-30).
 *   lead->mql  6 conversions (L1 L2 L3 L5 L6 L7); C1: L2 1/3 (P1 P2 P3), L5 1/2 (P4 P6) = 5/6
 *   mql->sal   4 (L1 L2 L3 L7); C1: L2 1/3 (07-03: P1 P2 P3)             → 1/12 < 10 %: missing
 *   sal->sql   3 (L1 L3 L7);    C1: L1 1/3 (04-20: P1 P2 P3)             → 1/9
 *   sql->opportunity 3;         C1: L1 1/3                               → 1/9
 *   opportunity->won 2 (L1 L7); C1: L1 1/3                               → 1/6
 *   lead->mql by touch type: webinar_attend 5/6; form_submit L1 1/2 + L2 1/3 + L3 1 + L5 1/2 = 7/3;
 *   page_view L1 1/2 + L2 1/3 = 5/6; (none) L6 + L7 = 2.
 *
 * A lead's journey (GET /api/leads/:id/journey, personal data): L1's touches,
 * transitions and opportunities O1 (won), O5 (won), O4 (open) in time order;
 * its account A1's other lead is L2, last seen at sal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { TokenClaims } from '../../server/auth';
import { contentVerdict } from '../../server/contract/content-map';
import type { LeadJourney } from '../../server/contract/journey';
import { eq, num, PROJECT_ROOT, type SemanticServer, startSemanticServer } from './semantic-server';

let s: SemanticServer;

beforeAll(async () => {
  s = await startSemanticServer(path.join(PROJECT_ROOT, 'test/fixtures/seeds-semantic'));
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const byKey = <T extends Record<string, unknown>>(rows: T[], key: string) =>
  Object.fromEntries(rows.map((r) => [String(r[key]), r]));

describe('stage definitions document', () => {
  it('builds with its data tests', () => {
    expect(s.build.tests.failed).toBe(0);
    const models = new Set(s.build.tests.results.map((r) => r.model));
    for (const m of [
      'stg_stage_definitions',
      'stg_stage_definition_changes',
      'stage_definitions',
      'stage_definition_changes',
      'handoff_quality',
      'content_map_weights', // the content map's rows (content_map is its long-form view)
    ]) {
      expect(models.has(m), m).toBe(true);
    }
  });

  it('gives each funnel stage its texts, team, SLA and hand-off flag from the seeds', async () => {
    const rows = await s.rows({
      dimensions: [
        'stage_definitions.stage_order',
        'stage_definitions.stage',
        'stage_definitions.team',
        'stage_definitions.sla_days',
        'stage_definitions.is_handoff',
        'stage_definitions.next_stage',
        'stage_definitions.definition_en',
        'stage_definitions.has_definition',
      ],
      filters: [eq('stage_definitions.is_funnel', 'true')],
      order: { 'stage_definitions.stage_order': 'asc' },
    });
    expect(rows.map((r) => r.stage)).toEqual(['lead', 'mql', 'sal', 'sql', 'opportunity', 'won', 'expansion']);
    const at = byKey(rows, 'stage');
    expect(rows.filter((r) => r.is_handoff === true || r.is_handoff === 'true').map((r) => r.stage)).toEqual(['mql', 'sql']);
    expect(at.mql!.team).toBe('marketing');
    expect(num(at.sal!.sla_days)).toBe(5);
    expect(at.sql!.next_stage).toBe('opportunity');
    expect(at.mql!.definition_en).toBe('A lead marketing judges ready for a sales conversation.');
    // the fixture's extra stage has no written definition: shown as not agreed, not dropped
    expect([false, 'false']).toContain(at.expansion!.has_definition);
  });

  it('lists the change log oldest first, with who agreed', async () => {
    const rows = await s.rows({
      dimensions: [
        'stage_definition_changes.change_number',
        'stage_definition_changes.changed_on',
        'stage_definition_changes.stage',
        'stage_definition_changes.agreed_by',
      ],
      order: { 'stage_definition_changes.change_number': 'asc' },
    });
    expect(rows.map((r) => [String(r.changed_on).slice(0, 10), r.stage])).toEqual([
      ['2024-04-01', null],
      ['2024-10-01', 'mql'],
      ['2025-04-01', 'sql'],
    ]);
    expect(rows.every((r) => typeof r.agreed_by === 'string' && r.agreed_by.length > 0)).toBe(true);
  });
});

describe('hand-off quality (definition 16)', () => {
  const measures = [
    'handed_over',
    'accepted',
    'rejected',
    'recycled',
    'pending',
    'acceptance_rate',
    'rejection_rate',
    'accepted_conversion_rate',
  ].map((m) => `handoff_quality.${m}`);

  it('per boundary, all time', async () => {
    const rows = byKey(
      await s.rows({
        measures,
        dimensions: ['handoff_quality.boundary', 'handoff_quality.from_team', 'handoff_quality.to_team'],
      }),
      'boundary',
    );
    expect(Object.keys(rows).sort()).toEqual(['mql->sal', 'sql->opportunity']);
    const mql = rows['mql->sal']!;
    expect([mql.from_team, mql.to_team]).toEqual(['marketing', 'inside_sales']);
    expect([mql.handed_over, mql.accepted, mql.rejected, mql.recycled, mql.pending].map(num)).toEqual([5, 2, 1, 1, 1]);
    expect(num(mql.acceptance_rate)).toBeCloseTo(2 / 5, 10);
    expect(num(mql.rejection_rate)).toBeCloseTo(2 / 5, 10);
    expect(num(mql.accepted_conversion_rate)).toBeCloseTo(1 / 2, 10);
    const sql = rows['sql->opportunity']!;
    expect([sql.handed_over, sql.accepted, sql.rejected, sql.recycled, sql.pending].map(num)).toEqual([2, 2, 0, 0, 0]);
    expect(num(sql.accepted_conversion_rate)).toBeCloseTo(1 / 2, 10);
  });

  it('cut on the hand-over time in the settings zone: April 2025 holds L1 and L6 at mql', async () => {
    const rows = await s.rows({
      measures: ['handoff_quality.handed_over', 'handoff_quality.accepted', 'handoff_quality.rejected'],
      filters: [eq('handoff_quality.boundary', 'mql->sal')],
      timeDimensions: [{ dimension: 'handoff_quality.handed_over_at', dateRange: ['2025-04-01', '2025-04-30'] }],
    });
    expect([rows[0]!.handed_over, rows[0]!.accepted, rows[0]!.rejected].map(num)).toEqual([2, 1, 1]);
  });
});

describe('content map (definition 15)', () => {
  it('content share per stage pair under the linear model, and which pair misses content', async () => {
    const rows = byKey(
      await s.rows({
        measures: ['content_map.conversions', 'content_map.content_credit', 'content_map.credit', 'content_map.content_share'],
        dimensions: ['content_map.stage_pair'],
        filters: [eq('content_map.model', 'linear')],
      }),
      'stage_pair',
    );
    const expected: Record<string, [number, number]> = {
      'lead->mql': [6, 5 / 6],
      'mql->sal': [4, 1 / 3],
      'sal->sql': [3, 1 / 3],
      'sql->opportunity': [3, 1 / 3],
      'opportunity->won': [2, 1 / 3],
    };
    expect(Object.keys(rows).sort()).toEqual(Object.keys(expected).sort());
    for (const [pair, [conversions, content]] of Object.entries(expected)) {
      expect(num(rows[pair]!.conversions), pair).toBe(conversions);
      expect(num(rows[pair]!.credit), pair).toBeCloseTo(conversions, 10);
      expect(num(rows[pair]!.content_credit), pair).toBeCloseTo(content, 10);
      expect(num(rows[pair]!.content_share), pair).toBeCloseTo(content / conversions, 10);
    }
    const missing = Object.keys(expected).filter(
      (p) => contentVerdict(num(rows[p]!.content_credit), num(rows[p]!.conversions)) === 'missing',
    );
    expect(missing).toEqual(['mql->sal']);
  });

  it('counts each conversion once: alone as the card asks, and under content filters that split it', async () => {
    const conversions = async (filters: unknown[]) =>
      Object.fromEntries(
        (
          await s.rows({
            measures: ['content_map.conversions'],
            dimensions: ['content_map.stage_pair'],
            filters: [eq('content_map.model', 'linear'), ...filters],
          })
        ).map((r) => [r.stage_pair, num(r.conversions)]),
      );
    expect(await conversions([])).toEqual({
      'lead->mql': 6,
      'mql->sal': 4,
      'sal->sql': 3,
      'sql->opportunity': 3,
      'opportunity->won': 2,
    });
    // lead->mql credit rows on these touch types: L1 form_submit + page_view, L2 form_submit + page_view, L3
    // form_submit, L5 form_submit: six rows, four conversions
    const leadMql = eq('content_map.stage_pair', 'lead->mql');
    const touchTypes = (values: string[]) => ({ member: 'content_map.touch_type', operator: 'equals', values });
    expect(await conversions([leadMql, touchTypes(['form_submit', 'page_view'])])).toEqual({ 'lead->mql': 4 });
    expect(await conversions([leadMql, touchTypes(['page_view'])])).toEqual({ 'lead->mql': 2 });
    // C1's credit: L2 (P3) and L5 (P6)
    expect(await conversions([leadMql, { member: 'content_map.campaign', operator: 'set' }])).toEqual({ 'lead->mql': 2 });
  });

  it('per campaign and per touch type', async () => {
    const campaigns = await s.rows({
      measures: ['content_map.credit'],
      dimensions: ['content_map.campaign', 'content_map.campaign_name'],
      filters: [
        eq('content_map.model', 'linear'),
        eq('content_map.stage_pair', 'lead->mql'),
        { member: 'content_map.campaign', operator: 'set' },
      ],
    });
    expect(campaigns.map((r) => [r.campaign, r.campaign_name])).toEqual([['C1', 'DX推進ウェビナー']]);
    const types = byKey(
      await s.rows({
        measures: ['content_map.credit'],
        dimensions: ['content_map.touch_type'],
        filters: [eq('content_map.model', 'linear'), eq('content_map.stage_pair', 'lead->mql')],
      }),
      'touch_type',
    );
    expect(num(types.webinar_attend!.credit)).toBeCloseTo(5 / 6, 10);
    expect(num(types.form_submit!.credit)).toBeCloseTo(7 / 3, 10);
    expect(num(types.page_view!.credit)).toBeCloseTo(5 / 6, 10);
    expect(num(types['(none)']!.credit)).toBeCloseTo(2, 10);
  });
});

describe('lead journey (personal data, API route)', () => {
  const journey = (lead: string, claims: Record<string, unknown> = { role: 'analyst' }) =>
    s.t.request(`/api/leads/${encodeURIComponent(lead)}/journey`, { token: `Bearer ${s.t.token(claims as TokenClaims)}` });

  it('gives L1 its touches, stage changes with reasons and teams, and opportunities in time order', async () => {
    const res = await journey('L1');
    expect(res.status).toBe(200);
    const body = res.body as LeadJourney;
    expect(body.lead).toMatchObject({
      leadId: 'L1',
      email: 'l1@alpha.example.jp',
      accountId: 'A1',
      leadSource: 'seo',
      ownerTeam: 'east',
      currentStage: 'won',
      createdAt: '2025-04-05T10:00:00',
    });
    expect(body.events.map((e) => [e.at, e.type, e.touchType ?? e.toStage ?? e.opportunityId])).toEqual([
      ['2025-04-01T12:00:00', 'touch', 'page_view'],
      ['2025-04-05T10:00:00', 'touch', 'form_submit'],
      ['2025-04-05T10:00:00', 'transition', 'lead'],
      ['2025-04-10T10:00:00', 'transition', 'mql'],
      ['2025-04-12T10:00:00', 'transition', 'sal'],
      ['2025-04-20T10:00:00', 'transition', 'sql'],
      ['2025-05-01T10:00:00', 'transition', 'opportunity'],
      ['2025-05-01T10:00:00', 'opportunity_created', 'O1'],
      ['2025-06-10T10:00:00', 'transition', 'won'],
      ['2025-06-10T10:00:00', 'opportunity_closed', 'O1'],
      ['2025-06-15T10:00:00', 'opportunity_created', 'O5'],
      ['2025-07-01T10:00:00', 'opportunity_closed', 'O5'],
      ['2025-08-01T10:00:00', 'opportunity_created', 'O4'],
    ]);
    expect(body.events[4]).toMatchObject({ fromStage: 'mql', toStage: 'sal', reason: 'accepted', team: 'inside_sales' });
    expect(body.events[0]).toMatchObject({ channel: 'seo', campaignId: null });
    expect(body.events[7]).toMatchObject({ amount: 1200000, status: 'won', dealType: 'new' });
    expect(body.accountLeads).toEqual([
      expect.objectContaining({ leadId: 'L2', email: 'l2@alpha.example.jp', currentStage: 'sal' }),
    ]);
  });

  it('names the campaign of a campaign touch', async () => {
    const body = (await journey('L2')).body as LeadJourney;
    expect(body.events.find((e) => e.type === 'touch')).toMatchObject({
      channel: 'webinar',
      campaignId: 'C1',
      campaignName: 'DX推進ウェビナー',
      touchType: 'webinar_attend',
    });
  });

  it('answers executives without personal data, refuses team and other roles (403) and unknown leads (404)', async () => {
    const executive = await journey('L1', { role: 'executive' });
    expect(executive.status).toBe(200);
    // the personal-data rule (server/security/policy.ts): only analysts see emails
    expect([executive.body.lead.email, ...executive.body.accountLeads.map((l: { email: unknown }) => l.email)]).toEqual([
      null,
      null,
    ]);
    const team = await journey('L1', { team: 'east' });
    expect(team.status).toBe(403);
    expect(team.body.error).toMatch(/team/); // refused by the route rule (server/security/policy.ts)
    expect((await journey('L1', { role: 'agency:seo' })).status).toBe(403);
    expect((await journey('L1', { role: 'analyst', scopes: ['meta'] })).status).toBe(403);
    expect((await s.t.request('/api/leads/L1/journey', { token: null })).status).toBe(401);
    const missing = await journey('NOPE');
    expect([missing.status, missing.body.error]).toEqual([404, 'no lead with id NOPE']);
  });

  it('is in no public view', async () => {
    const meta = (await s.t.request('/cubejs-api/v1/meta')).body as { cubes: { name: string; dimensions: { name: string }[] }[] };
    const members = meta.cubes.flatMap((c) => c.dimensions.map((d) => d.name));
    // a campaign's buyer_journey_step (docs/metrics.md definition 20) is no one's journey
    expect(members.filter((m) => /email|journey/.test(m.replace('buyer_journey_step', '')))).toEqual([]);
  });
});
