/*
 * The practice views (issue 14) against figures worked out by hand on
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
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { contentVerdict } from '../../server/contract/content-map';
import { num, PROJECT_ROOT, startSemanticServer, type SemanticServer } from './semantic-server';

let s: SemanticServer;

beforeAll(async () => {
  s = await startSemanticServer(path.join(PROJECT_ROOT, 'test/fixtures/seeds-semantic'));
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const eq = (member: string, ...values: string[]) => ({ member, operator: 'equals', values });
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
      'content_map',
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
