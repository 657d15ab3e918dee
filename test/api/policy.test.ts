/*
 * Roles and row-level access (security/policy.ts) against the real server
 * over HTTP, on a fixture whose rows are listed in
 * test/support/security-fixture.ts: what each role sees in each view is
 * computed here by filtering those rows, never copied from the server.
 * REST /load, GraphQL, /v1/sql, /v1/dry-run and /v1/meta obey the same
 * policy; escape attempts (or / notSet filters on owner_team) find nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COSTS, LEADS, TARGETS, TEAM_LABELS } from '../support/security-fixture';
import type { TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';

let t: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await sharedFixtureServer('security'); // the run's shared server: this file only asks
  for (const role of ['executive', 'analyst', 'team:east_team', 'team:west_team', 'agency:seo,ads'])
    tokens[role] = t.token({ role });
});
afterAll(async () => {
  await t?.server.close();
});

const sum = (rows: { amount?: number; cost?: number; target?: number }[], k: 'amount' | 'cost' | 'target') =>
  rows.reduce((a, r) => a + (r[k] ?? 0), 0);
/** What each role may see of each table, by filtering the fixture rows. */
const expected: Record<
  string,
  { leads: typeof LEADS | null; costs: typeof COSTS | null; targets: typeof TARGETS | null; email: boolean }
> = {
  executive: { leads: LEADS, costs: COSTS, targets: TARGETS, email: false },
  analyst: { leads: LEADS, costs: COSTS, targets: TARGETS, email: true },
  'team:east_team': { leads: LEADS.filter((l) => l.owner_team === 'east_team'), costs: null, targets: null, email: false },
  'team:west_team': { leads: LEADS.filter((l) => l.owner_team === 'west_team'), costs: null, targets: null, email: false },
  'agency:seo,ads': {
    leads: LEADS.filter((l) => ['seo', 'ads'].includes(l.channel)),
    costs: COSTS.filter((c) => ['seo', 'ads'].includes(c.channel)),
    targets: null,
    email: false,
  },
};

describe('every view × role over REST', () => {
  for (const [role, want] of Object.entries(expected)) {
    it(`${role}`, async () => {
      const token = tokens[role]!;
      const leads = await t.load(
        { measures: ['leads_view.amount', 'leads_view.leads'], dimensions: ['leads_view.owner_team', 'leads_view.channel'] },
        { token },
      );
      expect(leads.status).toBe(200);
      const got = leads.body.data
        .map((r: any) => [r['leads_view.owner_team'], r['leads_view.channel'], Number(r['leads_view.amount'])])
        .sort();
      expect(got).toEqual(want.leads!.map((l) => [l.owner_team, l.channel, l.amount]).sort());

      const costs = await t.load({ measures: ['costs_view.cost'] }, { token });
      if (want.costs) {
        expect(costs.status).toBe(200);
        expect(Number(costs.body.data[0]['costs_view.cost'])).toBe(sum(want.costs, 'cost'));
      } else {
        expect(costs.status).toBe(403);
        expect(costs.body.error).toMatch(/'costs_view' has no (owner_team|channel)/);
      }

      const targets = await t.load({ measures: ['targets_view.target'] }, { token });
      if (want.targets) {
        expect(targets.status).toBe(200);
        expect(Number(targets.body.data[0]['targets_view.target'])).toBe(sum(want.targets, 'target'));
      } else {
        expect(targets.status).toBe(403);
      }

      const emails = await t.load({ dimensions: ['leads_view.email'] }, { token });
      if (want.email) {
        expect(emails.status).toBe(200);
        expect(emails.body.data.map((r: any) => r['leads_view.email']).sort()).toEqual(want.leads!.map((l) => l.email).sort());
      } else {
        expect(emails.status).toBe(403);
        expect(emails.body.error).toMatch(/'leads_view.email' is personal data/);
      }
      // Personal data is refused wherever the query names it, not only as a dimension.
      const viaFilter = await t.load(
        { measures: ['leads_view.leads'], filters: [{ member: 'leads_view.email', operator: 'contains', values: ['@'] }] },
        { token },
      );
      expect(viaFilter.status).toBe(want.email ? 200 : 403);
    });
  }
});

describe('team scope cannot be escaped', () => {
  const east = () => tokens['team:east_team']!;
  const eastAmount = sum(
    LEADS.filter((l) => l.owner_team === 'east_team'),
    'amount',
  );
  it('through or / notSet / equals filters on owner_team', async () => {
    const attempts = [
      [
        {
          or: [
            { member: 'leads_view.owner_team', operator: 'notSet' },
            { member: 'leads_view.owner_team', operator: 'equals', values: ['west_team'] },
          ],
        },
      ],
      [{ member: 'leads_view.owner_team', operator: 'equals', values: ['west_team'] }],
      [
        {
          or: [
            { member: 'leads_view.owner_team', operator: 'set' },
            { member: 'leads_view.lead_id', operator: 'set' },
          ],
        },
      ],
      [{ and: [{ or: [{ member: 'leads_view.owner_team', operator: 'notEquals', values: ['east_team'] }] }] }],
    ];
    const amounts: number[] = [];
    for (const filters of attempts) {
      const res = await t.load(
        { measures: ['leads_view.amount'], dimensions: ['leads_view.owner_team'], filters },
        { token: east() },
      );
      expect(res.status).toBe(200);
      for (const row of res.body.data) expect(row['leads_view.owner_team']).toBe('east_team');
      amounts.push(res.body.data.reduce((a: number, r: any) => a + Number(r['leads_view.amount']), 0));
    }
    expect(amounts).toEqual([0, 0, eastAmount, 0]);
  });
  it('through ungrouped lists, lead ids and blending queries', async () => {
    const list = await t.load(
      { dimensions: ['leads_view.lead_id', 'leads_view.owner_team'], ungrouped: true },
      { token: east() },
    );
    expect(list.body.data.map((r: any) => r['leads_view.lead_id']).sort()).toEqual(
      LEADS.filter((l) => l.owner_team === 'east_team').map((l) => l.lead_id),
    );
    const blend = await t.load(
      [
        { measures: ['leads_view.amount'], timeDimensions: [{ dimension: 'leads_view.created_at', granularity: 'month' }] },
        { measures: ['targets_view.target'], timeDimensions: [{ dimension: 'targets_view.month', granularity: 'month' }] },
      ],
      { token: east(), queryType: 'multi' },
    );
    expect(blend.status).toBe(403);
  });
  it('through GraphQL', async () => {
    const gql = (query: string) =>
      t.request('/cubejs-api/graphql', { method: 'POST', token: east(), body: JSON.stringify({ query }) });
    const ok = await gql(
      '{ cube(where: { leads_view: { OR: [{ owner_team: { set: false } }, { owner_team: { equals: "west_team" } }] } }) { leads_view { amount } } }',
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((ok.body.data?.cube ?? []).filter((r: any) => r.leads_view.amount !== null)).toEqual([]);
    const mine = await gql('{ cube { leads_view { amount owner_team } } }');
    expect(mine.body.data.cube).toEqual([{ leads_view: { amount: eastAmount, owner_team: 'east_team' } }]);
    const refused = await gql('{ cube { costs_view { cost } } }');
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/'costs_view' has no owner_team/);
    expect(JSON.stringify(refused.body)).not.toMatch(/"cost":\s*\d/);
  });
  it('through /v1/sql and /v1/dry-run', async () => {
    const q = encodeURIComponent(JSON.stringify({ measures: ['leads_view.amount'] }));
    const sql = await t.request(`/cubejs-api/v1/sql?query=${q}`, { token: east() });
    expect(sql.status).toBe(200);
    expect(JSON.stringify(sql.body.sql)).toMatch(/owner_team/);
    expect(sql.body.sql.sql[1]).toContain('east_team');
    const dry = await t.request(`/cubejs-api/v1/dry-run?query=${q}`, { token: east() });
    // dry-run answers the query as asked (Cube shows it before the rewrite) and runs nothing; it still passes the policy.
    expect(dry.status).toBe(200);
    const costs = encodeURIComponent(JSON.stringify({ measures: ['costs_view.cost'] }));
    expect((await t.request(`/cubejs-api/v1/sql?query=${costs}`, { token: east() })).status).toBe(403);
    expect((await t.request(`/cubejs-api/v1/dry-run?query=${costs}`, { token: east() })).status).toBe(403);
  });
});

describe('/v1/meta lists what the role may query', () => {
  const metaOf = async (role: string) => {
    const res = await t.request('/cubejs-api/v1/meta', { token: tokens[role] });
    expect(res.status).toBe(200);
    return Object.fromEntries(res.body.cubes.map((c: any) => [c.name, c.dimensions.map((d: any) => d.name).sort()]));
  };
  it('hides views a role cannot be scoped on and personal members', async () => {
    const analyst = await metaOf('analyst');
    expect(Object.keys(analyst).sort()).toEqual(['costs_view', 'labels_view', 'leads_view', 'targets_view']);
    expect(analyst.leads_view).toContain('leads_view.email');
    const executive = await metaOf('executive');
    expect(Object.keys(executive).sort()).toEqual(['costs_view', 'labels_view', 'leads_view', 'targets_view']);
    expect(executive.leads_view).not.toContain('leads_view.email');
    const team = await metaOf('team:east_team');
    expect(Object.keys(team).sort()).toEqual(['labels_view', 'leads_view']);
    expect(team.leads_view).not.toContain('leads_view.email');
    expect(Object.keys(await metaOf('agency:seo,ads')).sort()).toEqual(['costs_view', 'labels_view', 'leads_view']);
  });
});

describe('reference views (meta reference: true)', () => {
  it('are read by every role as they are', async () => {
    for (const role of Object.keys(expected)) {
      const res = await t.load(
        { dimensions: ['labels_view.team_code', 'labels_view.label'], order: { 'labels_view.team_code': 'asc' } },
        { token: tokens[role] },
      );
      expect(res.status, role).toBe(200);
      expect(res.body.data.map((r: any) => [r['labels_view.team_code'], r['labels_view.label']])).toEqual(
        TEAM_LABELS.map((l) => [l.team_code, l.label]),
      );
    }
  });
  it('do not open the other views of the same query', async () => {
    const res = await t.load([{ dimensions: ['labels_view.team_code'] }, { measures: ['costs_view.cost'] }], {
      token: tokens['team:east_team'],
      queryType: 'multi',
    });
    expect(res.status).toBe(403);
  });
});

describe('revcycle routes per role', () => {
  it('refuses the plan to team and agency roles and the action log to agencies', async () => {
    const post = (path: string, token: string) => t.request(path, { method: 'POST', body: '{}', token: `Bearer ${token}` });
    const plan = await post('/api/plan', tokens['team:east_team']!);
    expect(plan.status).toBe(403);
    expect(plan.body.error).toMatch(/team role may not use \/api\/plan/);
    expect((await post('/api/plan', tokens['agency:seo,ads']!)).status).toBe(403);
    const actions = await t.request('/api/actions', { token: `Bearer ${tokens['agency:seo,ads']}` });
    expect(actions.status).toBe(403);
    expect((await t.request('/api/actions', { token: `Bearer ${tokens['team:east_team']}` })).status).toBe(200);
  });
  it('exchanges a token for a session of the same role, whatever the request asks', async () => {
    const res = await t.request('/api/session', {
      method: 'POST',
      token: `Bearer ${tokens['team:east_team']}`,
      body: JSON.stringify({ role: 'analyst', team: 'west_team' }),
    });
    expect(res.status).toBe(200);
    expect([res.body.role, res.body.team]).toEqual(['team', 'east_team']);
    const rows = await t.load(
      { measures: ['leads_view.amount'], dimensions: ['leads_view.owner_team'] },
      { token: res.body.token },
    );
    expect(rows.body.data.map((r: any) => r['leads_view.owner_team'])).toEqual(['east_team']);
  });
});
