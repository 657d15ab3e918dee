/*
 * The embedded Cube runtime over HTTP: auth, meta, Cube's REST format
 * (month time dimension, totals, compareDateRange, blending, ungrouped,
 * compact), GraphQL, the SQL API's answer without the native module,
 * row-level scoping and readiness — against a real server and a real DuckDB
 * file whose figures are listed in test/support/runtime-fixture.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APRIL_AGAINST_MAY, RUNTIME_MODEL_DIR, SALES_BY_MONTH } from '../support/runtime-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';

let t: TestServer;

beforeAll(async () => {
  t = await sharedFixtureServer('runtime'); // the run's shared server: this file only asks
});
afterAll(async () => {
  await t?.server.close();
});

const byMonth = SALES_BY_MONTH;

describe('auth', () => {
  it('refuses requests without a token', async () => {
    const res = await t.request('/cubejs-api/v1/meta', { token: null });
    expect([401, 403]).toContain(res.status);
  });
  it('refuses a token signed with another secret', async () => {
    const { signToken } = await import('../../server/auth');
    const res = await t.request('/cubejs-api/v1/meta', {
      token: signToken('another-secret-0123456789', { role: 'executive' }, 60),
    });
    expect(res.status).toBe(401);
  });
  it('refuses an expired token', async () => {
    const jwt = (await import('jsonwebtoken')).default;
    const expired = jwt.sign(
      { role: 'executive', aud: 'revcycle-api', iss: 'revcycle', exp: Math.floor(Date.now() / 1000) - 10 },
      t.config.apiSecret,
    );
    expect((await t.request('/cubejs-api/v1/meta', { token: expired })).status).toBe(401);
  });
  it('honours API scopes in the token', async () => {
    const metaOnly = t.token({ scopes: ['meta'] });
    expect((await t.request('/cubejs-api/v1/meta', { token: metaOnly })).status).toBe(200);
    expect((await t.load(byMonth, { token: metaOnly })).status).toBe(403);
  });
  it('hands a loopback dashboard a short-lived read-only session token in local dev mode', async () => {
    const res = await t.request('/api/session', { method: 'POST', token: null });
    expect(res.status).toBe(200);
    const { verifyToken } = await import('../../server/auth');
    const claims = verifyToken(t.config.apiSecret, res.body.token);
    expect(claims.scopes).toEqual(['meta', 'data', 'graphql']);
    expect(claims.exp! - Date.now() / 1000).toBeLessThanOrEqual(t.config.dashboardTokenTtl);
    expect((await t.load(byMonth, { token: res.body.token })).status).toBe(200);
  });
});

describe('meta', () => {
  it('lists only the public views, not the cubes behind them', async () => {
    const res = await t.request('/cubejs-api/v1/meta');
    expect(res.status).toBe(200);
    const names = res.body.cubes.map((c: { name: string; type: string }) => `${c.type}:${c.name}`).sort();
    expect(names).toEqual(['view:sales_view', 'view:targets_view']);
  });
});

describe("REST load in Cube's format", () => {
  it('answers a month time dimension with suffixed and plain keys', async () => {
    const res = await t.load(byMonth);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        'sales_view.sold_at.month': '2025-04-01T00:00:00.000',
        'sales_view.amount': '350',
        'sales_view.sales': '2',
        'sales_view.sold_at': '2025-04-01T00:00:00.000',
      },
      {
        'sales_view.sold_at.month': '2025-05-01T00:00:00.000',
        'sales_view.amount': '400',
        'sales_view.sales': '1',
        'sales_view.sold_at': '2025-05-01T00:00:00.000',
      },
    ]);
    expect(res.body.annotation.timeDimensions['sales_view.sold_at.month'].type).toBe('time');
    expect(res.body.annotation.measures['sales_view.amount'].type).toBe('number');
    expect(res.body.query.timezone).toBe('UTC');
  });
  it('cuts months in the time zone the query names', async () => {
    const res = await t.load({ ...byMonth, timezone: 'Asia/Tokyo' });
    expect(res.body.query.timezone).toBe('Asia/Tokyo');
    expect(res.body.data.map((r: any) => r['sales_view.sold_at.month'])).toEqual([
      '2025-04-01T00:00:00.000',
      '2025-05-01T00:00:00.000',
    ]);
    expect('total' in res.body).toBe(false);
  });
  it('counts all rows with total: true', async () => {
    const res = await t.load({
      dimensions: ['sales_view.channel'],
      measures: ['sales_view.sales'],
      total: true,
      limit: 1,
      order: { 'sales_view.channel': 'asc' },
    });
    expect(res.body.total).toBe(2);
    expect(res.body.data).toEqual([{ 'sales_view.channel': 'seo', 'sales_view.sales': '2' }]);
  });
  it('answers compareDateRange with one result set per range', async () => {
    const res = await t.load(APRIL_AGAINST_MAY, { queryType: 'multi' });
    expect(res.status).toBe(200);
    expect(res.body.queryType).toBe('compareDateRangeQuery');
    expect(res.body.results.map((r: any) => r.data)).toEqual([
      [{ 'sales_view.amount': '350', compareDateRange: '2025-04-01T00:00:00.000 - 2025-04-30T23:59:59.999' }],
      [{ 'sales_view.amount': '400', compareDateRange: '2025-05-01T00:00:00.000 - 2025-05-31T23:59:59.999' }],
    ]);
    expect(res.body.pivotQuery.dimensions).toEqual(['compareDateRange']);
  });
  it('blends two queries (revenue against target) with time.<granularity> keys', async () => {
    const res = await t.load(
      [
        {
          measures: ['sales_view.amount'],
          timeDimensions: [{ dimension: 'sales_view.sold_at', granularity: 'month', dateRange: ['2025-04-01', '2025-05-31'] }],
        },
        {
          measures: ['targets_view.target'],
          timeDimensions: [{ dimension: 'targets_view.month', granularity: 'month', dateRange: ['2025-04-01', '2025-05-31'] }],
        },
      ],
      { queryType: 'multi' },
    );
    expect(res.status).toBe(200);
    expect(res.body.queryType).toBe('blendingQuery');
    const [sales, targets] = res.body.results.map((r: any) => r.data);
    expect(sales.map((r: any) => [r['time.month'], r['sales_view.amount']])).toEqual([
      ['2025-04-01T00:00:00.000', '350'],
      ['2025-05-01T00:00:00.000', '400'],
    ]);
    expect(targets.map((r: any) => [r['time.month'], r['targets_view.target']])).toEqual([
      ['2025-04-01T00:00:00.000', '300'],
      ['2025-05-01T00:00:00.000', '500'],
    ]);
    expect(res.body.pivotQuery.timeDimensions).toEqual([{ dimension: 'time', granularity: 'month' }]);
  });
  it('returns one row per record for ungrouped queries', async () => {
    const res = await t.load({
      dimensions: ['sales_view.channel', 'sales_view.sold_at'],
      ungrouped: true,
      order: { 'sales_view.sold_at': 'asc' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { 'sales_view.channel': 'seo', 'sales_view.sold_at': '2025-04-03T10:00:00.000' },
      { 'sales_view.channel': 'seo', 'sales_view.sold_at': '2025-04-20T12:00:00.000' },
      { 'sales_view.channel': 'webinar', 'sales_view.sold_at': '2025-05-02T09:30:00.000' },
    ]);
  });
  it('answers the compact response format', async () => {
    const res = await t.load({ ...byMonth, responseFormat: 'compact' });
    expect(res.body.data).toEqual({
      members: ['sales_view.sold_at.month', 'sales_view.amount', 'sales_view.sales', 'sales_view.sold_at'],
      dataset: [
        ['2025-04-01T00:00:00.000', '350', '2', '2025-04-01T00:00:00.000'],
        ['2025-05-01T00:00:00.000', '400', '1', '2025-05-01T00:00:00.000'],
      ],
    });
  });
  it('shapes what @cubejs-client/core asks for (queryType multi on a plain query)', async () => {
    const res = await t.load(byMonth, { queryType: 'multi' });
    expect(res.body.queryType).toBe('regularQuery');
    expect(res.body.results[0].data[0]['sales_view.sold_at.month']).toBe('2025-04-01T00:00:00.000');
    expect(res.body.pivotQuery.queryType).toBe('regularQuery');
  });
});

describe('malformed queries get a 4xx with the reason', () => {
  it('names an unknown member', async () => {
    const res = await t.load({ measures: ['sales_view.nope'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/nope/);
  });
  it('refuses members of private cubes before running SQL', async () => {
    const res = await t.load({ measures: ['sales.amount'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/'sales.amount' is not a public member/);
  });
  it('refuses a query that is not JSON', async () => {
    const res = await t.request('/cubejs-api/v1/load?query=%7Bnope');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/Unable to decode query param as JSON/);
  });
});

describe('GraphQL', () => {
  it('answers the same figures as REST', async () => {
    const res = await t.request('/cubejs-api/graphql', {
      method: 'POST',
      body: JSON.stringify({
        query: '{ cube(orderBy: { sales_view: { sold_at: asc } }) { sales_view { amount sold_at { month } } } }',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cube).toEqual([
      { sales_view: { amount: 350, sold_at: { month: '2025-04-01T00:00:00.000Z' } } },
      { sales_view: { amount: 400, sold_at: { month: '2025-05-01T00:00:00.000Z' } } },
    ]);
  });
});

describe('row-level scope', () => {
  it("filters a team-scoped token to its team's rows", async () => {
    const res = await t.load({ measures: ['sales_view.amount', 'sales_view.sales'] }, { token: t.token({ team: 'west_team' }) });
    expect(res.body.data).toEqual([{ 'sales_view.amount': '250', 'sales_view.sales': '1' }]);
  });
});

describe('SQL API without the native module', () => {
  it('answers with a clear message', async () => {
    if (t.server.cube.runtime.native) return;
    const res = await t.request('/cubejs-api/v1/cubesql', { method: 'POST', body: JSON.stringify({ query: 'select 1' }) });
    expect(res.status).toBe(501);
    expect(JSON.stringify(res.body)).toMatch(/SQL API needs Cube's native module/);
  });
});

describe('readiness', () => {
  it('is ready when the model compiles and DuckDB answers', async () => {
    const res = await t.request('/readyz', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });
  it('is not ready when the warehouse cannot be opened', async () => {
    const broken = await startTestServer({
      warehousePath: '/nonexistent/dir/warehouse.duckdb',
      modelDir: RUNTIME_MODEL_DIR,
      dashboardDist: '/nonexistent',
    });
    try {
      const res = await broken.request('/readyz', { token: null });
      expect(res.status).toBe(503);
      expect(res.body.reason).toBeTruthy();
    } finally {
      await broken.server.close();
    }
  }, 240_000); // a server start inside the test (and Cube's import: this file asks the shared server otherwise)
});
