/*
 * Same-origin by default, over real HTTP against the real server: no CORS
 * header unless origins are configured, and the anonymous local-dev session
 * only for a same-origin request whose Host is allowed (DNS rebinding and
 * other pages refused). Raw node:http so Host, Origin and Sec-Fetch-Site can
 * be set as a browser or an attacker would send them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from '../support/runtime-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';
import { loadConfig, ConfigError } from '../../server/config';

let t: TestServer;
let withCors: TestServer;
let warehouse: string;

function raw(
  base: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: url.port, path, method, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  warehouse = await buildRuntimeWarehouse();
  const base = { warehousePath: warehouse, modelDir: RUNTIME_MODEL_DIR, dashboardDist: '/nonexistent', timeZone: 'UTC' };
  t = await sharedFixtureServer('runtime'); // the run's shared server over the same fixture, with the default origins
  const security = loadConfig({
    ...process.env,
    CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
    REVCYCLE_CORS_ORIGINS: 'https://bi.example.com',
    REVCYCLE_ALLOWED_HOSTS: 'revcycle.internal',
  }).security;
  withCors = await startTestServer({ ...base, security });
});
afterAll(async () => {
  await t?.server.close();
  await withCors?.server.close();
  rmSync(warehouse, { force: true });
});

describe('CORS', () => {
  it('sends no CORS header by default, on Cube routes, revcycle routes and preflights', async () => {
    const port = t.server.port;
    const evil = { origin: 'https://evil.example', host: `localhost:${port}` };
    for (const [path, method] of [
      ['/cubejs-api/v1/meta', 'GET'],
      ['/api/session', 'POST'],
      ['/cubejs-api/v1/load', 'OPTIONS'],
      ['/api/session', 'OPTIONS'],
    ] as const) {
      const res = await raw(t.url, path, method, { ...evil, authorization: t.token(), 'access-control-request-method': 'POST' });
      expect(res.headers['access-control-allow-origin'], `${method} ${path}`).toBeUndefined();
    }
  });
  it('answers only the configured origins when REVCYCLE_CORS_ORIGINS is set', async () => {
    const ok = await raw(withCors.url, '/cubejs-api/v1/meta', 'GET', {
      origin: 'https://bi.example.com',
      authorization: withCors.token(),
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://bi.example.com');
    const other = await raw(withCors.url, '/cubejs-api/v1/meta', 'GET', {
      origin: 'https://evil.example',
      authorization: withCors.token(),
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('validates REVCYCLE_CORS_ORIGINS and REVCYCLE_ALLOWED_HOSTS', () => {
    const env = { ...process.env, CUBEJS_API_SECRET: 'test-secret-0123456789abcdef' };
    expect(() => loadConfig({ ...env, REVCYCLE_CORS_ORIGINS: '*' })).toThrow(/"\*" is not allowed/);
    expect(() => loadConfig({ ...env, REVCYCLE_CORS_ORIGINS: 'bi.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, REVCYCLE_CORS_ORIGINS: 'https://bi.example.com/path' })).toThrow(/scheme:\/\/host/);
    expect(() => loadConfig({ ...env, REVCYCLE_ALLOWED_HOSTS: 'http://x.example' })).toThrow(/not a host name/);
    expect(
      loadConfig({ ...env, REVCYCLE_CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).security.corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
  });
});

describe('anonymous local-dev session', () => {
  const session = (s: TestServer, headers: Record<string, string>) => raw(s.url, '/api/session', 'POST', headers, '{}');
  it('is given to the same-origin dashboard on an allowed host', async () => {
    const port = t.server.port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const res = await session(t, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
      expect(res.status, host).toBe(200);
      expect(res.body.token).toBeTruthy();
    }
    // Not a browser (no Origin, no Sec-Fetch-Site): a local script, as curl.
    expect((await session(t, { host: `localhost:${port}` })).status).toBe(200);
  });
  it('is refused to a page of another origin, even another port on localhost', async () => {
    const port = t.server.port;
    const res = await session(t, { host: `localhost:${port}`, origin: 'http://localhost:5999', 'sec-fetch-site': 'same-site' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/another site/);
    const noFetchMeta = await session(t, { host: `localhost:${port}`, origin: 'https://evil.example' });
    expect(noFetchMeta.status).toBe(403);
    expect(noFetchMeta.body.error).toMatch(/another origin \(https:\/\/evil.example\)/);
    expect(noFetchMeta.body.token).toBeUndefined();
  });
  it('is refused under a rebound DNS name (Host not allowed), even same-origin', async () => {
    const port = t.server.port;
    const host = `evil.example:${port}`;
    const res = await session(t, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/Host "evil.example:\d+" is not an allowed host/);
  });
  it('answers on configured host names', async () => {
    const host = `revcycle.internal:${withCors.server.port}`;
    expect((await session(withCors, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });
  it('is never given outside local dev mode', async () => {
    const prod = await startTestServer({
      warehousePath: warehouse,
      modelDir: RUNTIME_MODEL_DIR,
      dashboardDist: '/nonexistent',
      localDev: false,
    });
    try {
      const host = `localhost:${prod.server.port}`;
      const res = await session(prod, { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(/bearer token is required/);
    } finally {
      await prod.server.close();
    }
  }, 240_000); // a server start inside the test
});
