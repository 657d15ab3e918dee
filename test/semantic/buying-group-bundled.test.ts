/*
 * The buying-group analysis (docs/metrics.md definition 19) on the bundled
 * sample, through the API, against what the generator planted
 * (seeds/generator/buying-group.ts):
 *
 *   planted   a new deal whose account had an executive (経営層) engage in the
 *             180 days before the opportunity wins 1.45 × its base rate,
 *             every other deal 0.8 × — so "executive engaged" must win more,
 *             beyond chance (the 95 % Wilson intervals do not overlap);
 *   not       no other persona changes the win rate. Held to the deals
 *   planted   without an executive engaged (so the planted effect cannot leak
 *             in through the persona mix), engaged and missing intervals
 *             overlap for department head, IT, field staff and procurement;
 *             across all deals they overlap for IT, field staff and
 *             procurement. (Across all deals the department head reads
 *             lower: where a department head engages, an executive engages
 *             less often — larger companies — which is why the persona
 *             table is read with another persona held fixed.)
 *
 * The expected counts are recomputed from the seed CSVs with plain SQL (a
 * different path from the warehouse marts) and compared with the view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TestServer } from '../support/server';
import { sharedTestServer } from '../support/shared-server';
import { PROJECT_ROOT, TIME_ZONE } from './semantic-server';

const SEEDS = path.join(PROJECT_ROOT, 'seeds');
let t: TestServer;

// The run's shared server over the bundled data: this file only reads.
beforeAll(async () => {
  t = await sharedTestServer(SEEDS);
}, 900_000);
afterAll(async () => {
  await t?.server.close();
});

interface Side {
  won: number;
  closed: number;
  low: number;
  high: number;
}
type Coverage = Record<string, { engaged: Side; missing: Side }>;

async function coverage(extra: object[] = []): Promise<Coverage> {
  const res = await t.load({
    timezone: TIME_ZONE,
    measures: [
      'persona_coverage.closed_deals',
      'persona_coverage.won_deals',
      'persona_coverage.win_rate_low',
      'persona_coverage.win_rate_high',
    ],
    dimensions: ['persona_coverage.persona', 'persona_coverage.is_engaged'],
    filters: [{ member: 'persona_coverage.deal_type', operator: 'equals', values: ['new'] }, ...extra],
  });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  const out: Coverage = {};
  for (const r of res.body.data as Record<string, string | boolean>[]) {
    const side: Side = {
      won: Number(r['persona_coverage.won_deals']),
      closed: Number(r['persona_coverage.closed_deals']),
      low: Number(r['persona_coverage.win_rate_low']),
      high: Number(r['persona_coverage.win_rate_high']),
    };
    const persona = String(r['persona_coverage.persona']);
    out[persona] ??= {} as Coverage[string];
    const engaged = r['persona_coverage.is_engaged'] === true || r['persona_coverage.is_engaged'] === 'true';
    out[persona]![engaged ? 'engaged' : 'missing'] = side;
  }
  return out;
}

const overlap = (a: Side, b: Side) => a.low <= b.high && b.low <= a.high;

/** Per persona and engaged flag, closed and won new deals: plain SQL over the seed CSVs (lookback 180 days). */
async function fromCsv(): Promise<Record<string, [number, number]>> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const f = (table: string) => `read_csv('${path.join(SEEDS, `${table}.csv`)}', all_varchar = true)`;
    const rows = (
      await c.runAndReadAll(`
      with leads as (select lead_id, account_id, persona from ${f('leads')}),
      events as (
        select lead_id, cast(occurred_at as timestamptz) as at from ${f('touchpoints')}
        union all select lead_id, cast(transitioned_at as timestamptz) from ${f('stage_transitions')}
      ),
      deals as (
        select opportunity_id, account_id, status, cast(created_at as timestamptz) as created_at
        from ${f('opportunities')} where deal_type = 'new' and status in ('won', 'lost')
      ),
      engaged as (
        select distinct d.opportunity_id, l.persona
        from deals d join leads l using (account_id) join events e using (lead_id)
        where e.at <= d.created_at and e.at >= d.created_at - interval 180 day
      ),
      personas as (select distinct persona from leads)
      select p.persona, (e.persona is not null) as engaged, count(*) as closed, count(*) filter (where d.status = 'won') as won
      from deals d cross join personas p
      left join engaged e on e.opportunity_id = d.opportunity_id and e.persona = p.persona
      group by all`)
    ).getRowObjectsJS();
    return Object.fromEntries(rows.map((r) => [`${r.persona}:${r.engaged}`, [Number(r.won), Number(r.closed)]]));
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('the planted buying-group effect on the bundled data', () => {
  it('persona coverage counts are the seeds’ own (plain SQL over the CSVs)', async () => {
    const [api, csv] = await Promise.all([coverage(), fromCsv()]);
    for (const [persona, sides] of Object.entries(api)) {
      expect([sides.engaged.won, sides.engaged.closed], persona).toEqual(csv[`${persona}:true`]);
      expect([sides.missing.won, sides.missing.closed], persona).toEqual(csv[`${persona}:false`]);
    }
  });

  it('finds it: deals with an executive engaged before the opportunity win more, beyond chance', async () => {
    const { engaged, missing } = (await coverage()).executive!;
    expect(engaged.closed).toBeGreaterThan(300);
    expect(engaged.low).toBeGreaterThan(missing.high);
  });

  it('finds none where none was planted: no other persona, with the executive held fixed', async () => {
    const held = await coverage([
      { member: 'persona_coverage.personas_covered', operator: 'notContains', values: ['executive'] },
    ]);
    expect(held.executive!.engaged).toBeUndefined();
    for (const persona of ['department_head', 'it_admin', 'field_staff', 'procurement']) {
      const { engaged, missing } = held[persona]!;
      expect(engaged.closed, persona).toBeGreaterThan(100);
      expect(overlap(engaged, missing), persona).toBe(true);
    }
    const all = await coverage();
    for (const persona of ['it_admin', 'field_staff', 'procurement'])
      expect(overlap(all[persona]!.engaged, all[persona]!.missing), persona).toBe(true);
  });

  it('buying groups have several contacts: most deals had more than one persona engaged', async () => {
    const res = await t.load({
      timezone: TIME_ZONE,
      measures: ['buying_groups.opportunities', 'buying_groups.avg_engaged_contacts'],
      dimensions: ['buying_groups.personas_engaged'],
      filters: [{ member: 'buying_groups.deal_type', operator: 'equals', values: ['new'] }],
    });
    expect(res.status).toBe(200);
    const rows = res.body.data as Record<string, string>[];
    const count = (pred: (n: number) => boolean) =>
      rows
        .filter((r) => pred(Number(r['buying_groups.personas_engaged'])))
        .reduce((a, r) => a + Number(r['buying_groups.opportunities']), 0);
    expect(count((n) => n >= 2)).toBeGreaterThan(count((n) => n === 1));
  });
});
