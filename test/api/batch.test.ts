/*
 * POST /cubejs-api/v1/batch (server/cube/batch-load.ts) against the real
 * server over HTTP, on the access-policy fixture (test/support/security-fixture.ts):
 * each entry is answered as its own request to /v1/load or /v1/meta would
 * be — the same rows for each role (computed here from the fixture's rows),
 * the same 403 for a view the role cannot be scoped on, the same 400 for a
 * bad query, each in its own entry while the others answer — and what
 * applies to the request as a whole (token, body form, rate limit per entry)
 * is refused as a whole. The entries for revcycle's own reads (the action
 * list, a reverse plan) answer as GET /api/actions and POST /api/plan do for
 * the same token: a team sees its own actions only, an agency is refused.
 * The entries run at once, down to DuckDB: a short read answers while a long
 * one still runs (on another connection, configured as the driver's own).
 * A session request (POST /api/session, server/api/session.ts) that carries
 * a first batch answers it with the new token as the batch route does for
 * that token, each body located by the header in the session's text; a
 * malformed first batch is a 400, and one the route refuses as a whole
 * (the rate limit) leaves the session without it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { BATCH_BODIES_HEADER, MAX_CUBE_BATCH, readBatchSpans } from '../../server/contract/cube-batch';
import { buildSecurityWarehouse, COSTS, LEADS, SECURITY_MODEL_DIR } from '../support/security-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { tempDir } from '../support/browser';
import { heavyQueryLane } from '../../server/cube/cube-server';

const SECRET = 'test-secret-0123456789abcdef';
const RATE = 30;
let t: TestServer;
let warehouse: string;

beforeAll(async () => {
  warehouse = await buildSecurityWarehouse();
  const dashboardDist = tempDir('revcycle-batch-dist-');
  mkdirSync(dashboardDist, { recursive: true });
  writeFileSync(path.join(dashboardDist, 'index.html'), '<!doctype html><title>dashboard</title>');
  const { security } = loadConfig({ ...process.env, CUBEJS_API_SECRET: SECRET, REVCYCLE_RATE_LIMIT_PER_MINUTE: String(RATE) });
  // Its own state directory: the actions this file writes must not land in (or be read back from) the checkout's
  // .revcycle/, where a second run would find the first run's and count them.
  const stateDir = tempDir('revcycle-batch-state-');
  t = await startTestServer({
    warehousePath: warehouse,
    modelDir: SECURITY_MODEL_DIR,
    dashboardDist,
    stateDir,
    timeZone: 'UTC',
    security,
  });
}, 240_000);
afterAll(async () => {
  await t?.server.close();
  rmSync(warehouse, { force: true });
});

const batch = (requests: unknown, token: string | null) =>
  t.request('/cubejs-api/v1/batch', { method: 'POST', token, body: JSON.stringify({ requests }) });

const LEADS_QUERY = { measures: ['leads_view.amount'], dimensions: ['leads_view.owner_team', 'leads_view.channel'] };
const COSTS_QUERY = { measures: ['costs_view.cost'] };
const UNKNOWN_MEMBER = { measures: ['leads_view.no_such_measure'] };
const BAD_LIMIT = { measures: ['leads_view.leads'], limit: 0 };
const TOO_MANY_ROWS = { dimensions: ['leads_view.lead_id'], ungrouped: true, limit: 20_000 };

const ENTRIES = [
  { route: 'load', query: LEADS_QUERY, queryType: 'multi' },
  { route: 'load', query: COSTS_QUERY },
  { route: 'meta' },
  { route: 'load', query: UNKNOWN_MEMBER, queryType: 'multi' },
  { route: 'load', query: BAD_LIMIT },
  { route: 'load', query: TOO_MANY_ROWS },
  { route: 'sql', query: LEADS_QUERY },
];

/** What the same request answers on its own route. */
async function alone(entry: (typeof ENTRIES)[number], token: string) {
  if (entry.route === 'meta') return t.request('/cubejs-api/v1/meta', { token });
  if (entry.route === 'load') return t.load(entry.query, { token, queryType: entry.queryType });
  return { status: 400, body: { error: '"route" must be one of load, meta, actions, plan' } };
}

/** The rows of a load answer (blending shape or regular), without timing fields. */
const rowsOf = (body: any) => (body.results ? body.results.map((r: any) => r.data) : body.data);

describe('a batch of loads and meta', () => {
  const roles = {
    executive: { leads: LEADS, costs: COSTS as typeof COSTS | null },
    'team:east_team': { leads: LEADS.filter((l) => l.owner_team === 'east_team'), costs: null },
    'agency:seo,ads': {
      leads: LEADS.filter((l) => ['seo', 'ads'].includes(l.channel)),
      costs: COSTS.filter((c) => ['seo', 'ads'].includes(c.channel)),
    },
  };
  for (const [role, want] of Object.entries(roles)) {
    it(`answers each entry as its own request would, for ${role}`, async () => {
      const token = t.token({ role, sub: `batch-${role}` });
      const res = await batch(ENTRIES, token);
      expect(res.status).toBe(200);
      const results = res.body.results as { status: number; body: any }[];
      expect(results).toHaveLength(ENTRIES.length);

      // the role's rows, as the fixture says
      const [leads, costs, meta, unknown, badLimit, tooMany, sql] = results;
      expect(leads!.status).toBe(200);
      expect(
        leads!.body.results[0].data
          .map((r: any) => [r['leads_view.owner_team'], r['leads_view.channel'], Number(r['leads_view.amount'])])
          .sort(),
      ).toEqual(want.leads.map((l) => [l.owner_team, l.channel, l.amount]).sort());
      if (want.costs) {
        expect(costs!.status).toBe(200);
        expect(Number(costs!.body.data[0]['costs_view.cost'])).toBe(want.costs.reduce((s, c) => s + c.cost, 0));
      } else {
        expect(costs!.status).toBe(403);
        expect(costs!.body.error).toMatch(/'costs_view' has no owner_team/);
      }
      expect(meta!.status).toBe(200);
      expect(unknown!.status).toBe(400);
      expect(unknown!.body.error).toMatch(/no_such_measure/);
      expect(badLimit!.status).toBe(400);
      expect(badLimit!.body.error).toMatch(/limit must be a whole number/);
      expect(tooMany!.status).toBe(400);
      expect(tooMany!.body.error).toMatch(/heavy query .* at most/);
      expect(sql!.status).toBe(400);

      // and exactly what each answers alone (status, rows or reason)
      for (const [i, entry] of ENTRIES.entries()) {
        const own = await alone(entry, token);
        const got = results[i]!;
        expect(got.status, entry.route + JSON.stringify(entry.query)).toBe(own.status);
        if (own.status !== 200) expect(got.body.error).toBe(own.body.error);
        else if (entry.route === 'meta')
          expect(got.body.cubes.map((c: any) => [c.name, c.measures.length, c.dimensions.length])).toEqual(
            own.body.cubes.map((c: any) => [c.name, c.measures.length, c.dimensions.length]),
          );
        else expect(rowsOf(got.body)).toEqual(rowsOf(own.body));
      }
    });
  }
});

describe("the session's first batch", () => {
  const session = async (body: unknown, token: string) => {
    const res = await fetch(`${t.url}/api/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, header: res.headers.get(BATCH_BODIES_HEADER), body: JSON.parse(text) };
  };
  const FIRST = ENTRIES.filter((e) => e.route !== 'sql');

  for (const role of ['executive', 'team:east_team', 'agency:seo,ads']) {
    it(`answers it with the new token as the batch route does, for ${role}`, async () => {
      const got = await session({ first: { requests: FIRST } }, t.token({ role, sub: `session-${role}` }));
      expect(got.status).toBe(200);
      const results = got.body.first.results as { status: number; body: any }[];
      expect(results).toHaveLength(FIRST.length);
      // each body where the header says, in the session's own text
      const spans = readBatchSpans(got.header, got.text);
      expect(spans?.map((s) => [s.status, JSON.parse(got.text.slice(s.start, s.start + s.length))])).toEqual(
        results.map((r) => [r.status, r.body]),
      );
      // the batch route's answer to the same entries with the token the session gave (the same role and scope)
      const direct = await batch(FIRST, got.body.token);
      expect(direct.status).toBe(200);
      for (const [i, entry] of FIRST.entries()) {
        const own = direct.body.results[i] as { status: number; body: any };
        expect(results[i]!.status, JSON.stringify(entry)).toBe(own.status);
        if (own.status !== 200) expect(results[i]!.body.error).toBe(own.body.error);
        else if (entry.route === 'meta')
          expect(results[i]!.body.cubes.map((c: any) => c.name)).toEqual(own.body.cubes.map((c: any) => c.name));
        else expect(rowsOf(results[i]!.body)).toEqual(rowsOf(own.body));
      }
      // scoped as the role is: the team's leads only, the costs view refused to a team
      const leads = results[0]!.body.results[0].data as Record<string, string>[];
      if (role === 'team:east_team') {
        expect(new Set(leads.map((r) => r['leads_view.owner_team']))).toEqual(new Set(['east_team']));
        expect(results[1]!.status).toBe(403);
      } else expect(leads.length).toBeGreaterThan(0);
    });
  }

  it('refuses a malformed first batch (400), answers without one as before, and leaves one refused whole out', async () => {
    const token = t.token({ sub: 'session-form' });
    const empty = await session({ first: { requests: [] } }, token);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/Invalid first batch: a batch holds 1 to/);
    const notList = await session({ first: [{ route: 'meta' }] }, token);
    expect(notList.status).toBe(400);
    const plain = await session({}, token);
    expect(plain.status).toBe(200);
    expect(Object.keys(plain.body).sort()).toEqual(['channels', 'expiresIn', 'readOnly', 'role', 'team', 'token']);
    // Past the rate limit the batch route refuses the batch as a whole (429): the session still answers, without it.
    const limited = t.token({ sub: 'session-rate' });
    const spent = await batch(
      Array.from({ length: RATE }, () => ({ route: 'load', query: COSTS_QUERY })),
      limited,
    );
    expect(spent.status).toBe(200);
    const refused = await session({ first: { requests: [{ route: 'meta' }] } }, limited);
    expect(refused.status).toBe(200);
    expect(refused.body.token).toEqual(expect.any(String));
    expect(refused.body.first).toBeUndefined();
  });
});

describe("a batch carrying revcycle's own reads", () => {
  const ACTION = { hypothesis: 'h', action: 'a', owner: 'o' };
  const PLAN_BODY = { fiscalPeriod: { start: '2026-04-01', end: '2026-06-01' } };
  const OWN = [{ route: 'actions' }, { route: 'plan', body: PLAN_BODY }, { route: 'load', query: COSTS_QUERY }];

  it('answers the action list and the plan as their own routes do, for each role', async () => {
    const created = [];
    for (const role of ['executive', 'team:east_team', 'team:west_team']) {
      const res = await t.request('/api/actions', {
        method: 'POST',
        token: t.token({ role, sub: `own-${role}` }),
        body: JSON.stringify({ ...ACTION, action: `by ${role}` }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      created.push(res.body.action);
    }
    const seen: Record<string, number> = {};
    for (const role of ['executive', 'team:east_team', 'agency:seo,ads']) {
      const token = t.token({ role, sub: `own-read-${role}` });
      const res = await batch(OWN, token);
      expect(res.status).toBe(200);
      const [actions, plan, load] = res.body.results as { status: number; body: any }[];
      const list = await t.request('/api/actions', { token });
      expect(actions!.status, role).toBe(list.status);
      expect(actions!.body, role).toEqual(list.body);
      const planned = await t.request('/api/plan', { method: 'POST', token, body: JSON.stringify(PLAN_BODY) });
      expect(plan!.status, role).toBe(planned.status);
      if (planned.status === 200) expect(plan!.body).toEqual(planned.body);
      else expect(plan!.body.error).toBe(planned.body.error);
      expect(load!.status).toBe((await t.load(COSTS_QUERY, { token })).status);
      if (actions!.status === 200) seen[role] = actions!.body.actions.length;
      else expect(actions!.body.error, role).toMatch(/Forbidden/);
    }
    // the team sees its own action only; the executive every one of them
    expect(seen['team:east_team']).toBe(1);
    expect(seen.executive).toBeGreaterThanOrEqual(created.length);
  });

  it('refuses an own entry with fields it does not take, in that entry only', async () => {
    const res = await batch([{ route: 'actions', status: 'open' }, { route: 'meta' }], t.token({ sub: 'own-form' }));
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toEqual({ status: 400, body: { error: 'unknown field "status" in a actions request' } });
    expect(res.body.results[1].status).toBe(200);
  });
});

describe('what applies to the batch as a whole', () => {
  it('refuses a batch without a token (401), one not a list or too long (400), and one not POSTed', async () => {
    const noToken = await batch([{ route: 'load', query: LEADS_QUERY }], null);
    expect(noToken.status).toBe(401);
    const token = t.token({ sub: 'batch-form' });
    const notList = await t.request('/cubejs-api/v1/batch', { method: 'POST', token, body: JSON.stringify({ requests: {} }) });
    expect(notList.status).toBe(400);
    expect(notList.body.error).toMatch(/Invalid batch: .*"requests"/);
    const empty = await batch([], token);
    expect(empty.status).toBe(400);
    const tooLong = await batch(
      Array.from({ length: MAX_CUBE_BATCH + 1 }, () => ({ route: 'meta' })),
      token,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatch(new RegExp(`1 to ${MAX_CUBE_BATCH} requests, not ${MAX_CUBE_BATCH + 1}`));
    const get = await t.request('/cubejs-api/v1/batch', { token });
    expect(get.status).toBe(405);
    const hostile = await t.request('/cubejs-api/v1/batch', {
      method: 'POST',
      token,
      body: '{"requests":[{"route":"load","query":{"measures":["leads_view.leads"],"__proto__":{"x":1}}}]}',
    });
    expect(hostile.status).toBe(400);
    expect(hostile.body.error).toMatch(/reserved/);
  });

  it('counts each entry against the rate limit (429 with Retry-After past it)', async () => {
    const token = t.token({ sub: 'batch-rate' });
    const first = await batch(
      Array.from({ length: RATE - 5 }, () => ({ route: 'load', query: COSTS_QUERY })),
      token,
    );
    expect(first.status).toBe(200);
    expect(first.body.results.every((r: { status: number }) => r.status === 200)).toBe(true);
    const second = await fetch(`${t.url}/cubejs-api/v1/batch`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ requests: Array.from({ length: 10 }, () => ({ route: 'load', query: COSTS_QUERY })) }),
    });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    const res = await fetch(`${t.url}/cubejs-api/v1/meta`, { headers: { authorization: t.token({ sub: 'batch-other' }) } });
    expect(res.status).toBe(200);
  });
});

describe('the entries run at once, down to DuckDB', () => {
  it("answers a short read while a long one runs, on another connection configured as the driver's", async () => {
    const { DuckDBDriver } = createRequire(import.meta.url)('@cubejs-backend/duckdb-driver');
    const dir = tempDir('revcycle-batch-duckdb-');
    mkdirSync(dir, { recursive: true });
    // A zone the machine's own is not: a connection the driver did not configure would answer another.
    const driver = heavyQueryLane(
      loadConfig({ ...process.env, CUBEJS_API_SECRET: SECRET }).security.limits,
      'duckdb',
    ).withHeavyLane(new DuckDBDriver({ databasePath: path.join(dir, 'w.duckdb'), initSql: "SET TimeZone = 'America/Lima'" }));
    try {
      const { defaultConnection } = await driver.getInitiatedState();
      // A read that would run for hours, on the driver's own connection (the first light one) until interrupted.
      let longDone = false;
      const long = driver
        .query('select count(*) as n from range(1000000000000) t(i) where i % 7 = 3', [])
        .finally(() => (longDone = true));
      const stop = new Promise((resolve) => setTimeout(resolve, 30_000, 'not answered while the long read ran'));
      const short = driver.query("select current_setting('TimeZone') as zone", []);
      const zone = await Promise.race([short.then((rows: { zone: string }[]) => rows[0]!.zone), stop]);
      const longRunning = !longDone;
      defaultConnection.interrupt();
      await expect(long).rejects.toThrow(/interrupt/i);
      expect(zone).toBe('America/Lima');
      expect(longRunning).toBe(true);
    } finally {
      await driver.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
