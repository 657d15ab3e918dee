/*
 * Hostile input against the running server (real HTTP, real DuckDB): bad
 * tokens on every route, malformed JSON on every route, huge limits, deep
 * filters, injection strings in values and member names, oversized bodies,
 * the same through GraphQL, /v1/sql and /v1/dry-run. Each gets a 4xx naming
 * the reason — never a 5xx — and no answer holds another team's rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { LEADS } from '../support/security-fixture';
import type { TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';

let t: TestServer;

beforeAll(async () => {
  t = await sharedFixtureServer('security'); // the run's shared server: this file only asks
});
afterAll(async () => {
  await t?.server.close();
});

const now = () => Math.floor(Date.now() / 1000);
const good = { role: 'executive', aud: 'revcycle-api', iss: 'revcycle' };
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Every route that takes a token, called the way a client would. */
const ROUTES: [string, string, string | undefined][] = [
  ['GET', '/cubejs-api/v1/meta', undefined],
  ['POST', '/cubejs-api/v1/load', JSON.stringify({ query: { measures: ['leads_view.amount'] } })],
  ['POST', '/cubejs-api/v1/sql', JSON.stringify({ query: { measures: ['leads_view.amount'] } })],
  ['POST', '/cubejs-api/v1/dry-run', JSON.stringify({ query: { measures: ['leads_view.amount'] } })],
  ['POST', '/cubejs-api/graphql', JSON.stringify({ query: '{ cube { leads_view { amount } } }' })],
  ['POST', '/api/session', '{}'],
  ['POST', '/api/plan', '{}'],
  ['GET', '/api/actions', undefined],
];

describe('bad tokens on every route', () => {
  const secret = () => t.config.apiSecret;
  const cases: [string, () => string, RegExp][] = [
    ['garbage', () => 'not-a-token', /not a JWT/],
    ['three garbage parts', () => 'a.b.c', /not a JWT|malformed/],
    [
      'wrong signature',
      () => jwt.sign({ ...good, exp: now() + 60 }, 'another-secret-0123456789abcdef'),
      /signature does not verify/,
    ],
    [
      'alg none',
      () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...good, exp: now() + 60 })}.`,
      /algorithm "none" is not accepted/,
    ],
    [
      'HS512',
      () => jwt.sign({ ...good, exp: now() + 60 }, secret(), { algorithm: 'HS512' }),
      /algorithm "HS512" is not accepted/,
    ],
    ['expired', () => jwt.sign({ ...good, exp: now() - 10 }, secret()), /expired/],
    ['no expiry', () => jwt.sign({ ...good }, secret()), /no expiry|exp/],
    [
      'wrong audience',
      () => jwt.sign({ ...good, aud: 'someone-else', exp: now() + 60 }, secret()),
      /audience \(aud\) is not "revcycle-api"/,
    ],
    ['wrong issuer', () => jwt.sign({ ...good, iss: 'evil', exp: now() + 60 }, secret()), /issuer \(iss\) is not "revcycle"/],
    ['no role', () => jwt.sign({ ...good, role: undefined, exp: now() + 60 }, secret()), /carries no role/],
    ['unknown role', () => jwt.sign({ ...good, role: 'admin', exp: now() + 60 }, secret()), /carries no role/],
    ['several roles', () => jwt.sign({ ...good, role: ['executive', 'analyst'], exp: now() + 60 }, secret()), /several roles/],
    ['team without a team', () => jwt.sign({ ...good, role: 'team', exp: now() + 60 }, secret()), /exactly one team/],
    [
      'injection in the team name',
      () => jwt.sign({ ...good, role: "team:east_team' or '1'='1", exp: now() + 60 }, secret()),
      /not a valid name/,
    ],
    [
      'a role it was not given (payload edited, signature kept)',
      () => {
        const [h, , s] = jwt.sign({ ...good, role: 'team:east_team', exp: now() + 60 }, secret()).split('.');
        return `${h}.${b64({ ...good, role: 'analyst', exp: now() + 60 })}.${s}`;
      },
      /signature does not verify/,
    ],
  ];
  it('without a token', async () => {
    for (const [method, path, body] of ROUTES) {
      if (path === '/api/session') continue; // anonymous local-dev sessions: test/api/origin.test.ts
      const res = await t.request(path, { method, body, token: null });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(JSON.stringify(res.body), `${method} ${path}`).toMatch(/token/i);
    }
  });
  for (const [name, make, reason] of cases) {
    it(name, async () => {
      const token = make();
      for (const [method, path, body] of ROUTES) {
        const res = await t.request(path, { method, body, token: `Bearer ${token}` });
        expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(401);
        expect(res.body.error, `${method} ${path}`).toMatch(reason);
      }
    });
  }
});

describe('malformed JSON on every route', () => {
  it('is a 400 naming the JSON error', async () => {
    const routes = [
      ...ROUTES.filter(([m]) => m === 'POST').map(([, p]) => ['POST', p]),
      ['POST', '/api/actions'],
      ['PATCH', '/api/actions/some-id'],
      ['POST', '/cubejs-api/v1/cubesql'],
      ['POST', '/cubejs-api/v1/subscribe'],
    ];
    for (const [method, path] of routes) {
      const res = await t.request(path!, { method, body: '{"query": {"measures": [', token: `Bearer ${t.token()}` });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error, `${method} ${path}`).toMatch(/not valid JSON/);
    }
  });
  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify({
      query: { measures: ['leads_view.amount'] },
      pad: 'x'.repeat(t.config.security.maxRequestBytes),
    });
    for (const path of ['/cubejs-api/v1/load', '/api/plan', '/api/actions']) {
      const res = await t.request(path, { method: 'POST', body: big });
      expect(res.status, path).toBe(413);
      expect(res.body.error).toMatch(/larger than/);
    }
  });
});

describe('hostile queries', () => {
  const load = (query: unknown, token?: string) => t.load(query, { token });
  const expect4xx = (res: { status: number; body: any }, reason: RegExp) => {
    expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toMatch(reason);
  };
  it('unknown members and members of private cubes', async () => {
    expect4xx(await load({ measures: ['leads_view.nope'] }), /nope/);
    expect4xx(await load({ measures: ['leads.amount'] }), /not a public member/);
    expect4xx(await load({ measures: ['nosuchview.x'] }), /not a public member/);
  });
  it('a huge limit', async () => {
    expect4xx(await load({ measures: ['leads_view.amount'], limit: 100_000_000 }), /limit/);
    expect4xx(await load({ dimensions: ['leads_view.lead_id'], limit: -1 }), /limit/);
  });
  it('deeply nested filters', async () => {
    const leaf = '{"member":"leads_view.owner_team","operator":"equals","values":["east_team"]}';
    for (const depth of [20, 5000]) {
      const filter = '{"or":['.repeat(depth) + leaf + ']}'.repeat(depth);
      const body = `{"query":{"measures":["leads_view.amount"],"filters":[${filter}]}}`;
      expect4xx(await t.request('/cubejs-api/v1/load', { method: 'POST', body }), /nested deeper than 16 levels/);
    }
  });
  it('injection strings in member names', async () => {
    for (const member of [
      'leads_view.amount; drop table leads; --',
      'leads_view.amount"',
      'leads_view.`amount`',
      '{"sql":"1","cubeName":"leads_view"}',
      '__proto__.x',
      'leads_view.__proto__',
    ]) {
      expect4xx(await load({ measures: [member] }), /./);
      expect4xx(await load({ dimensions: [member] }), /./);
      expect4xx(await load({ measures: ['leads_view.amount'], filters: [{ member, operator: 'equals', values: ['x'] }] }), /./);
      expect4xx(await load({ measures: ['leads_view.amount'], order: { [member]: 'asc' } }), /./);
    }
    expect4xx(await load({ measures: ['leads_view.amount'], order: { 'leads_view.amount': 'asc; drop table leads' } }), /./);
  });
  it('injection strings in values are only values', async () => {
    const east = t.token({ role: 'team:east_team' });
    for (const value of [
      "east_team' or '1'='1",
      "x'); drop table leads; --",
      "west_team\\' or 1=1 --",
      "%' or owner_team like '%",
    ]) {
      const res = await load(
        {
          measures: ['leads_view.amount'],
          dimensions: ['leads_view.owner_team'],
          filters: [{ member: 'leads_view.owner_team', operator: 'contains', values: [value] }],
        },
        east,
      );
      expect(res.status).toBe(200);
      for (const row of res.body.data) expect(row['leads_view.owner_team']).toBe('east_team');
    }
    const all = await load({ measures: ['leads_view.leads'] });
    expect(Number(all.body.data[0]['leads_view.leads'])).toBe(LEADS.length); // the table is still there
  });
  it('malformed shapes', async () => {
    expect4xx(await load({ measures: 'leads_view.amount' }), /measures/);
    expect4xx(await load({ measures: [42] }), /./);
    expect4xx(await load({ filters: [{ member: 'leads_view.owner_team', operator: 'nope', values: ['x'] }] }), /./);
    expect4xx(await load({ filters: [{ member: 'leads_view.owner_team', operator: 'equals', values: [{ a: 1 }] }] }), /./);
    expect4xx(await load(null), /./);
    expect4xx(await load([]), /./);
    expect4xx(await t.request('/cubejs-api/v1/load', { method: 'POST', body: '[]' }), /./);
    expect4xx(await t.request('/cubejs-api/v1/load', { method: 'POST', body: '"x"' }), /./);
  });
  it('the same through /v1/sql and /v1/dry-run', async () => {
    for (const route of ['/cubejs-api/v1/sql', '/cubejs-api/v1/dry-run']) {
      const post = (query: unknown) => t.request(route, { method: 'POST', body: JSON.stringify({ query }) });
      expect4xx(await post({ measures: ['leads_view.amount'], limit: 100_000_000 }), /limit/);
      expect4xx(await post({ measures: ['leads_view.amount; drop table leads'] }), /./);
      expect4xx(await post({ measures: ['{"sql":"1"}'] }), /./);
    }
  });
  it('the same through GraphQL', async () => {
    const gql = (query: string, token?: string) =>
      t.request('/cubejs-api/graphql', { method: 'POST', token, body: JSON.stringify({ query }) });
    expect4xx(await gql('{ cube { leads_view { nope } } }'), /nope/);
    expect4xx(await gql('{ cube(limit: 100000000) { leads_view { amount } } }'), /limit/);
    expect4xx(await gql('{ cube { leads_view { amount } '), /Syntax Error/);
    let where = '{ owner_team: { equals: "east_team" } }';
    for (let i = 0; i < 3000; i++) where = `{ OR: [${where}] }`;
    expect4xx(await gql(`{ cube(where: { leads_view: ${where} }) { leads_view { amount } } }`), /./);
    const east = t.token({ role: 'team:east_team' });
    const injected = await gql(
      "{ cube(where: { leads_view: { owner_team: { equals: \"east_team' or '1'='1\" } } }) { leads_view { amount owner_team } } }",
      east,
    );
    expect(injected.status).toBe(200);
    for (const row of injected.body.data.cube) expect(row.leads_view.owner_team ?? 'east_team').toBe('east_team');
  });
});
