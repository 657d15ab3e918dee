/*
 * Cost limits and the edges of a request, against the real server over real
 * HTTP (SECURITY.md, "Limits on cost"):
 *   - the heavy lane: with one heavy query running and no queue, another heavy
 *     one is answered 503 at once, while a light query answers 200;
 *   - the query timeout: a query past it is stopped and answered 503 with a
 *     clear message, and the lane is free again afterwards;
 *   - the rate limit per token subject: 429 with Retry-After, other subjects
 *     unaffected;
 *   - token lifetime: exp far ahead or iat in the future are refused (401);
 *   - the Authorization header reads the same on Cube's and /api routes;
 *   - /healthz is JSON, never the dashboard's page; /readyz fails when
 *     Object.prototype was changed in the process;
 *   - unfinished headers and unfinished bodies are cut off.
 * The warehouse holds 3 M generated leads, so a query grouped by lead runs
 * for seconds; here any query with a dimension is heavy (heavyDimensions 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../server/config';
import { SECURITY_MODEL_DIR } from '../support/security-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { tempDir } from '../support/browser';
import { buildHeavyWarehouse, HEAVY_QUERY } from './heavy-fixture';

let t: TestServer;
let warehouse: string;
const SECRET = 'test-secret-0123456789abcdef';
const RATE = 40;

beforeAll(async () => {
  warehouse = await buildHeavyWarehouse(3_000_000);
  const dashboardDist = tempDir('revcycle-limits-dist-');
  mkdirSync(dashboardDist, { recursive: true });
  writeFileSync(path.join(dashboardDist, 'index.html'), '<!doctype html><title>dashboard</title>');
  const { security } = loadConfig({
    ...process.env,
    CUBEJS_API_SECRET: SECRET,
    NODE_ENV: 'test',
    REVCYCLE_QUERY_TIMEOUT_SECONDS: '2',
    REVCYCLE_HEAVY_QUERY_CONCURRENCY: '1',
    REVCYCLE_HEAVY_QUERY_QUEUE: '0',
    REVCYCLE_HEAVY_QUERY_DIMENSIONS: '1',
    REVCYCLE_RATE_LIMIT_PER_MINUTE: String(RATE),
    REVCYCLE_MAX_TOKEN_LIFETIME_SECONDS: '86400',
    REVCYCLE_REQUEST_TIMEOUT_SECONDS: '3',
    REVCYCLE_HEADERS_TIMEOUT_SECONDS: '2',
  });
  t = await startTestServer({ warehousePath: warehouse, modelDir: SECURITY_MODEL_DIR, dashboardDist, timeZone: 'UTC', security });
}, 240_000);
afterAll(async () => {
  await t?.server.close();
  rmSync(warehouse, { force: true });
});

let n = 0;
/** A query no cache answers (its filter differs every time). */
const uncached = (q: Record<string, unknown>) => ({
  ...q,
  filters: [...((q.filters as unknown[]) ?? []), { member: 'leads_view.channel', operator: 'notEquals', values: [`x${n++}`] }],
});
/** 3 M leads × 1,000 text comparisons each: far past the 2 s limit on any machine. */
const SLOW = {
  ...HEAVY_QUERY,
  filters: [{ member: 'leads_view.lead_id', operator: 'notContains', values: Array.from({ length: 1000 }, (_, i) => `zz${i}`) }],
};
const tokenOf = (sub: string) => t.token({ role: 'executive', sub });
/** Loads a heavy query, asking again while the lane is still busy with an earlier one (for at most 20 s). */
async function loadWhenLaneFree(q: Record<string, unknown>, token: string) {
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await t.load(uncached(q), { token });
    if (res.status !== 503 || !/heavy queries/.test(res.body.error) || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the heavy lane and the query timeout', () => {
  it('runs one heavy query at a time, refuses another at once (503), and keeps light ones answering', async () => {
    const first = t.load(uncached(SLOW), { token: tokenOf('heavy-1') });
    await new Promise((r) => setTimeout(r, 300));
    const second = await t.load(uncached(HEAVY_QUERY), { token: tokenOf('heavy-2') });
    expect(second.status, JSON.stringify(second.body)).toBe(503);
    expect(second.body.error).toMatch(/heavy queries/);
    const light = await t.load(uncached({ measures: ['leads_view.leads'] }), { token: tokenOf('light') });
    expect(light.status, JSON.stringify(light.body)).toBe(200);
    const done = await first;
    // the heavy one finishes or meets the 2 s time limit: either way no 5xx but the clear 503
    expect([200, 503]).toContain(done.status);
    if (done.status === 503) expect(done.body.error).toMatch(/more time or memory than the server allows/);
  });

  it('refuses a heavy query asking for more rows than a heavy query may return (400)', async () => {
    const res = await t.load({ ...HEAVY_QUERY, limit: 10_001 }, { token: tokenOf('many-rows') });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/at most 10000 rows per request/);
    expect((await t.load({ measures: ['leads_view.leads'], limit: 20_000 }, { token: tokenOf('many-rows') })).status).toBe(200);
  });

  it('stops a query past the time limit (503 with the reason), and the lane serves the next one', async () => {
    const slow = await loadWhenLaneFree(SLOW, tokenOf('slow'));
    expect(slow.status, JSON.stringify(slow.body)).toBe(503);
    expect(slow.body.error).toMatch(/more time or memory than the server allows/);
    expect(slow.body.error).not.toMatch(/Error|select|duckdb|main\.leads/i);
    const next = await loadWhenLaneFree(
      { dimensions: ['leads_view.owner_team'], measures: ['leads_view.leads'] },
      tokenOf('after-slow'),
    );
    expect(next.status, JSON.stringify(next.body)).toBe(200);
  });
});

describe('the rate limit', () => {
  it('answers 429 with Retry-After past the rate, per token subject', async () => {
    const token = tokenOf('chatty');
    const statuses: number[] = [];
    for (let i = 0; i < RATE + 5; i++) statuses.push((await t.request('/cubejs-api/v1/meta', { token })).status);
    expect(statuses.slice(0, RATE - 2).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const res = await fetch(`${t.url}/api/actions`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.request('/cubejs-api/v1/meta', { token: tokenOf('quiet') })).status).toBe(200);
  });
});

describe('tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>) =>
    jwt.sign({ role: 'executive', aud: 'revcycle-api', iss: 'revcycle', ...claims }, SECRET);
  it('refuses a token living longer than the limit, or issued in the future', async () => {
    for (const [claims, reason] of [
      [{ exp: 1e20 }, /lives longer than the 86400 s allowed/],
      [{ exp: now() + 10 * 86400 }, /lives longer/],
      [{ exp: now() + 600, iat: now() + 10 * 365 * 86400 }, /issued in the future/],
    ] as const) {
      for (const route of ['/cubejs-api/v1/meta', '/api/actions']) {
        const res = await t.request(route, { token: `Bearer ${sign(claims)}` });
        expect(res.status, route).toBe(401);
        expect(res.body.error).toMatch(reason);
      }
    }
    expect((await t.request('/cubejs-api/v1/meta', { token: sign({ exp: now() + 3600, iat: now() }) })).status).toBe(200);
  });

  it('reads the Authorization header the same way on Cube and /api routes', async () => {
    const token = tokenOf('header');
    for (const route of ['/cubejs-api/v1/meta', '/api/actions']) {
      for (const header of [`Bearer ${token}`, token, `bearer ${token}`])
        expect((await t.request(route, { token: header })).status, `${route} ${header.slice(0, 8)}`).toBe(200);
      for (const header of [`Token ${token}`, `Basic ${token}`, `Bearer ${token} extra`, 'Bearer'])
        expect((await t.request(route, { token: header })).status, `${route} ${header.slice(0, 8)}`).toBe(401);
    }
    const viaCubeHeader = await fetch(`${t.url}/cubejs-api/v1/meta`, { headers: { 'x-cube-authorization': token } });
    expect(viaCubeHeader.status).toBe(401);
  });
});

describe('health and readiness', () => {
  it('/healthz answers JSON, not the dashboard page', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${t.url}/some/page`)).text()).toContain('dashboard'); // the SPA fallback still works
  });
  it('/readyz is not ready once Object.prototype was changed in the process', async () => {
    expect((await t.request('/readyz', {})).status).toBe(200);
    (Object.prototype as Record<string, unknown>).polluted = 'yes';
    try {
      const res = await t.request('/readyz', {});
      expect(res.status).toBe(503);
      expect(res.body.reason).toMatch(/Object.prototype/);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect((await t.request('/readyz', {})).status).toBe(200);
  });
});

describe('slow clients', () => {
  /** Seconds until the server closes a connection that sent `data` and then nothing. */
  const heldFor = (data: string) =>
    new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(t.server.port, '127.0.0.1', () => socket.write(data));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve((Date.now() - started) / 1000));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        resolve(Infinity);
      }, 20_000);
    });
  it('cuts off unfinished headers and unfinished bodies', async () => {
    const [headers, body] = await Promise.all([
      heldFor('GET /cubejs-api/v1/meta HTTP/1.1\r\nHost: localhost\r\n'),
      heldFor(
        'POST /cubejs-api/v1/load HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":',
      ),
    ]);
    expect(headers).toBeLessThan(5);
    expect(body).toBeLessThan(6);
  });
});
