/*
 * Tokens and startup, with real processes and a real identity provider's
 * key set:
 *   - `npm run token` (server/cli.ts) prints a token with exp, aud, iss and
 *     the role, that the running server honours (a team token sees its rows);
 *   - an identity provider's RS256 tokens are verified against its JWKS
 *     (served here over loopback), with its own iss/aud and a namespaced
 *     role claim; other keys, audiences and issuers are refused;
 *   - NODE_ENV=production refuses to start without a secret or a JWKS URL;
 *   - a second server on the same warehouse exits non-zero naming the lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { projectRoot, loadConfig } from '../../server/config';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from '../support/runtime-fixture';
import { buildSecurityWarehouse, LEADS, SECURITY_MODEL_DIR } from '../support/security-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { tempDir } from '../support/browser';

const SECRET = 'cli-test-secret-0123456789abcdef0123';
const CLI = path.join(projectRoot, 'server/cli.ts');
// One process per command (tsx's own CLI would start a second node for the loader).
const NODE_TSX = ['--import', 'tsx'];

function cli(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [...NODE_TSX, CLI, ...args], {
    cwd: projectRoot,
    env: { ...process.env, CUBEJS_API_SECRET: SECRET, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout.trim(), stderr: res.stderr };
}

let warehouse: string;
let t: TestServer;
beforeAll(async () => {
  warehouse = await buildSecurityWarehouse();
  const config = loadConfig({ ...process.env, CUBEJS_API_SECRET: SECRET, NODE_ENV: 'test' });
  t = await startTestServer({
    warehousePath: warehouse,
    modelDir: SECURITY_MODEL_DIR,
    dashboardDist: '/nonexistent',
    apiSecret: SECRET,
    security: config.security,
  });
});
afterAll(async () => {
  await t?.server.close();
  rmSync(warehouse, { force: true });
});

describe('npm run token', () => {
  it('prints a token with exp, aud, iss and the role, honoured by the server', async () => {
    const res = cli(['token', '--role', 'team', '--team', 'west_team', '--ttl', '120']);
    expect(res.code, res.stderr).toBe(0);
    const claims = jwt.verify(res.stdout, SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ role: 'team', team: 'west_team', aud: 'revcycle-api', iss: 'revcycle' });
    expect(claims.exp! - claims.iat!).toBe(120);
    const rows = await t.load({ measures: ['leads_view.amount'], dimensions: ['leads_view.owner_team'] }, { token: res.stdout });
    expect(rows.body.data).toEqual([
      {
        'leads_view.owner_team': 'west_team',
        'leads_view.amount': String(LEADS.filter((l) => l.owner_team === 'west_team').reduce((a, l) => a + l.amount, 0)),
      },
    ]);
    const agency = cli(['token', '--role', 'agency:seo', '--ttl', '60']);
    expect(jwt.decode(agency.stdout)).toMatchObject({ role: 'agency', channels: ['seo'] });
  });
  it('refuses a missing or unknown role with the reason', () => {
    const none = cli(['token', '--ttl', '60']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--role is required/);
    const bogus = cli(['token', '--role', 'admin']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/carries no role/);
    expect(cli(['token', '--role', 'team']).stderr).toMatch(/exactly one team/);
  });
  it('refuses a lifetime the server would refuse (longer than REVCYCLE_MAX_TOKEN_LIFETIME_SECONDS)', () => {
    const long = cli(['token', '--role', 'executive', '--ttl', String(31 * 24 * 3600)]);
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/exceeds the longest token lifetime the server accepts \(2592000 s/);
    expect(long.stdout).toBe('');
    expect(cli(['token', '--role', 'executive', '--ttl', String(30 * 24 * 3600)]).code).toBe(0);
  });
});

describe('an identity provider (JWKS)', () => {
  let idp: http.Server;
  let oidc: TestServer;
  let otherKey: CryptoKey;
  let sign: (claims: Record<string, unknown>, opts?: { key?: CryptoKey; aud?: string; iss?: string }) => Promise<string>;
  const ROLE = 'https://revcycle.example/role';
  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    idp = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json`;
    const security = loadConfig({
      ...process.env,
      NODE_ENV: 'production',
      CUBEJS_API_SECRET: '',
      REVCYCLE_JWKS_URL: jwksUrl,
      REVCYCLE_OIDC_ISSUER: 'https://idp.example/',
      REVCYCLE_OIDC_AUDIENCE: 'revcycle',
      REVCYCLE_ROLE_CLAIM: ROLE,
    }).security;
    oidc = await startTestServer({
      warehousePath: warehouse,
      modelDir: SECURITY_MODEL_DIR,
      dashboardDist: '/nonexistent',
      security,
      localDev: false,
    });
    sign = (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(opts.iss ?? 'https://idp.example/')
        .setAudience(opts.aud ?? 'revcycle')
        .setExpirationTime('5m')
        .setIssuedAt()
        .sign(opts.key ?? privateKey);
    otherKey = other.privateKey;
  });
  afterAll(async () => {
    await oidc?.server.close();
    if (idp) await new Promise((resolve) => idp.close(resolve));
  });
  it('accepts its tokens with the role from a namespaced claim, and exchanges them for a session', async () => {
    const token = await sign({ sub: 'user-1', [ROLE]: 'team:east_team' });
    const rows = await oidc.load(
      { measures: ['leads_view.amount'], dimensions: ['leads_view.owner_team'] },
      { token: `Bearer ${token}` },
    );
    expect(rows.status).toBe(200);
    expect(rows.body.data.map((r: any) => r['leads_view.owner_team'])).toEqual(['east_team']);
    const session = await oidc.request('/api/session', { method: 'POST', token: `Bearer ${token}` });
    expect(session.status).toBe(200);
    expect([session.body.role, session.body.team]).toEqual(['team', 'east_team']);
    expect((await oidc.load({ measures: ['costs_view.cost'] }, { token: session.body.token })).status).toBe(403);
    // An Entra-style list of app roles holding one revcycle role.
    const listed = await sign({ [ROLE]: ['User.Read', 'executive'] });
    expect((await oidc.load({ measures: ['costs_view.cost'] }, { token: listed })).status).toBe(200);
  });
  it('refuses other keys, audiences, issuers and tokens without a role', async () => {
    const cases: [Promise<string>, RegExp][] = [
      [sign({ [ROLE]: 'executive' }, { key: otherKey }), /signature does not verify/],
      [sign({ [ROLE]: 'executive' }, { aud: 'another-app' }), /audience \(aud\) is not "revcycle"/],
      [sign({ [ROLE]: 'executive' }, { iss: 'https://evil.example/' }), /issuer \(iss\) is not "https:\/\/idp.example\/"/],
      [sign({ role: 'executive' }), /carries no role/],
    ];
    for (const [token, reason] of cases) {
      const res = await oidc.load({ measures: ['costs_view.cost'] }, { token: await token });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(reason);
    }
    // The server's own tokens still verify (that is what /api/session hands out), others' secrets do not.
    expect(
      (
        await oidc.load(
          { measures: ['costs_view.cost'] },
          { token: jwt.sign({ role: 'executive', aud: 'revcycle-api', iss: 'revcycle' }, 'x'.repeat(32), { expiresIn: 60 }) },
        )
      ).status,
    ).toBe(401);
  });
  it('takes its tokens on /api routes once exchanged for a session', async () => {
    const token = await sign({ [ROLE]: 'executive' });
    expect((await oidc.request('/api/actions', { token: `Bearer ${token}` })).status).toBe(401);
    const session = await oidc.request('/api/session', { method: 'POST', token: `Bearer ${token}` });
    expect((await oidc.request('/api/actions', { token: `Bearer ${session.body.token}` })).status).toBe(200);
  });
  it('gives no anonymous session in production', async () => {
    expect((await oidc.request('/api/session', { method: 'POST', token: null })).status).toBe(401);
  });
});

describe('production mode', () => {
  it('refuses to start without a secret or a JWKS URL', () => {
    const res = cli(['start'], { NODE_ENV: 'production', CUBEJS_API_SECRET: '' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/NODE_ENV=production needs CUBEJS_API_SECRET .* or REVCYCLE_JWKS_URL/);
    const short = cli(['start'], { NODE_ENV: 'production', CUBEJS_API_SECRET: 'short-secret-0123456789' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 32 characters/);
    expect(() => loadConfig({ NODE_ENV: 'production', REVCYCLE_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
      /REVCYCLE_OIDC_ISSUER and REVCYCLE_OIDC_AUDIENCE/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        REVCYCLE_JWKS_URL: 'http://idp.example/jwks',
        REVCYCLE_OIDC_ISSUER: 'a',
        REVCYCLE_OIDC_AUDIENCE: 'b',
      }),
    ).toThrow(/must be https/);
  });
});

describe('a second server on the same warehouse', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  });
  function startProcess(env: Record<string, string>): {
    proc: ChildProcess;
    output: () => string;
    exited: Promise<number | null>;
    running: Promise<string>;
  } {
    const proc = spawn(process.execPath, [...NODE_TSX, CLI, 'start'], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: 'test', CUBEJS_API_SECRET: SECRET, PORT: '0', ...env },
    });
    procs.push(proc);
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
    });
    proc.stderr!.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    // The second process is expected to exit: its "running" is only awaited for the first.
    const running = new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /revcycle is running: (\S+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
        if (proc.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`exited ${proc.exitCode}: ${out}`));
        }
      }, 100);
    });
    running.catch(() => undefined);
    return { proc, output: () => out, exited, running };
  }
  it('exits non-zero with a message naming the lock; the first keeps serving', async () => {
    const root = tempDir('revcycle-two-servers-');
    // The lock is the subject, not the model: the runtime tests' one-table warehouse and model (in UTC) start the
    // first process without building the project model's 34 rollups. The warehouse is newer than the seeds named,
    // so neither process builds one.
    const warehousePath = path.join(root, 'warehouse.duckdb');
    await buildRuntimeWarehouse(warehousePath);
    const seedsDir = path.join(projectRoot, 'test/fixtures/seeds-small');
    const dashboardDist = path.join(root, 'dashboard');
    mkdirSync(dashboardDist);
    writeFileSync(path.join(dashboardDist, 'index.html'), '<!doctype html><title>revcycle</title>');
    const env = {
      REVCYCLE_WAREHOUSE: warehousePath,
      REVCYCLE_SEEDS: seedsDir,
      REVCYCLE_MODEL: RUNTIME_MODEL_DIR,
      REVCYCLE_TIMEZONE: 'UTC',
      REVCYCLE_DASHBOARD_DIST: dashboardDist,
      REVCYCLE_STATE_DIR: path.join(root, 'state'),
    };

    const first = startProcess(env);
    const url = await first.running;
    const second = startProcess(env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/revcycle cannot start: the warehouse .*warehouse\.duckdb is locked by another process/);
    expect(second.output()).not.toMatch(/revcycle is running/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 180_000);
});
