/*
 * The cross-origin token hole, in a real browser (Debian's Chromium through
 * playwright-core) against the real server and dashboard:
 *   - a page served by a second local HTTP server (another origin: another
 *     port) tries to get a session token and to read /cubejs-api/v1/load —
 *     with no token, and with a token it somehow holds — and fails: the
 *     server refuses the session (403) and sends no CORS header, so the
 *     browser never hands the page a response;
 *   - a DNS-rebinding page (a name of the attacker's resolving to 127.0.0.1,
 *     simulated with Chromium's --host-resolver-rules) is same-origin with
 *     the server but its Host is not allowed: no session;
 *   - the dashboard itself, on localhost, still gets its session and loads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from '../support/browser';
import { waitForCards } from '../../bench/dashboard-pages';
import { sharedDashboardEnv, type DashboardEnv } from './dashboard-fixture';

const REBIND_HOST = 'rebind.test';
let env: DashboardEnv;
let browser: Browser;
let evil: http.Server;
let evilUrl: string;

/** The attacker's page: tries every way to a token and to the data, and writes what it got into window.results. */
function attackPage(target: string, leakedToken: string): string {
  return `<!doctype html><html><body><script>
  window.results = (async () => {
    const out = {};
    const attempt = async (name, fn) => {
      try { out[name] = await fn(); } catch (e) { out[name] = 'blocked: ' + e.message; }
    };
    await attempt('session', async () => {
      const r = await fetch(${JSON.stringify(target)} + '/api/session', { method: 'POST' });
      return { status: r.status, body: await r.text() };
    });
    await attempt('sessionNoCors', async () => {
      const r = await fetch(${JSON.stringify(target)} + '/api/session', { method: 'POST', mode: 'no-cors' });
      return { type: r.type, body: await r.text() };
    });
    const q = encodeURIComponent(JSON.stringify({ measures: ['deals.revenue'] }));
    await attempt('loadWithoutToken', async () => {
      const r = await fetch(${JSON.stringify(target)} + '/cubejs-api/v1/load?query=' + q);
      return { status: r.status, body: await r.text() };
    });
    await attempt('loadWithToken', async () => {
      const r = await fetch(${JSON.stringify(target)} + '/cubejs-api/v1/load?query=' + q, { headers: { authorization: ${JSON.stringify(leakedToken)} } });
      return { status: r.status, body: await r.text() };
    });
    return out;
  })();
  </script></body></html>`;
}

beforeAll(async () => {
  env = await sharedDashboardEnv(); // the run's shared server: this file only opens pages and asks
  browser = await launchBrowser([`--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`]);
  evil = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(attackPage(env.t.url, env.t.token()));
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  if (evil) await new Promise((resolve) => evil.close(resolve));
  await env?.close();
});

describe('a page of another origin', () => {
  it('gets no token and reads no data', async () => {
    const { context, page } = await openPage(browser);
    const seen: { url: string; status: number; allowOrigin: string | undefined }[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(env.t.url))
        seen.push({ url: r.url(), status: r.status(), allowOrigin: r.headers()['access-control-allow-origin'] });
    });
    try {
      await page.goto(evilUrl);
      const results = await page.evaluate(() => (window as unknown as { results: Promise<Record<string, unknown>> }).results);
      // The browser gave the page nothing: every readable attempt failed, the no-cors one is opaque.
      expect(results.session).toMatch(/^blocked: Failed to fetch/);
      expect(results.sessionNoCors).toEqual({ type: 'opaque', body: '' });
      expect(results.loadWithoutToken).toMatch(/^blocked: Failed to fetch/);
      expect(results.loadWithToken).toMatch(/^blocked: Failed to fetch/);
      // And the server itself refused the session: no token left it, and no response allowed the origin.
      const sessions = seen.filter((s) => s.url.endsWith('/api/session'));
      expect(sessions.length).toBeGreaterThan(0);
      for (const s of sessions) expect(s.status).toBe(403);
      for (const s of seen) expect(s.allowOrigin).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});

describe('a DNS-rebinding page (same origin, foreign Host)', () => {
  it('gets no session', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`http://${REBIND_HOST}:${env.t.server.port}/`);
      const res = await page.evaluate(async () => {
        const r = await fetch('/api/session', { method: 'POST' });
        return { status: r.status, body: await r.json() };
      });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/Host "rebind\.test:\d+" is not an allowed host/);
      expect(res.body.token).toBeUndefined();
      const load = await page.evaluate(
        async () => (await fetch('/cubejs-api/v1/load?query=' + encodeURIComponent('{"measures":["deals.revenue"]}'))).status,
      );
      expect(load).toBe(401);
    } finally {
      await context.close();
    }
  });
});

describe('the dashboard on its own origin', () => {
  it('still gets its session and loads every card', async () => {
    const { context, page, problems } = await openPage(browser);
    const sessionStatuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/api/session')) sessionStatuses.push(r.status());
    });
    try {
      await page.goto(env.t.url + '/');
      const cards = await waitForCards(page);
      expect(cards.filter((c) => c.state !== 'ready')).toEqual([]);
      expect(sessionStatuses).toContain(200);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
