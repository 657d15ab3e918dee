/*
 * Starts the real revcycle server (Cube + DuckDB over HTTP) on a free port
 * for a test file, and gives typed helpers to call it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot, type Config } from '../../server/config';
import type { RunningServer } from '../../server/app';
import { signToken, type TokenClaims } from '../../server/auth';
import { securityWithoutRateLimit, testConfig } from './test-config';

export { securityWithoutRateLimit, testConfig };

export interface TestServer {
  server: RunningServer;
  config: Config;
  url: string;
  token(claims?: TokenClaims): string;
  load(query: unknown, opts?: { token?: string; queryType?: string }): Promise<{ status: number; body: any }>;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<{ status: number; body: any }>;
}

export async function startTestServer(overrides: Partial<Config>): Promise<TestServer> {
  const config = testConfig(overrides);
  // A server of another model (the hand-made fixtures' models) gets a state directory of its own: in the default one
  // (.revcycle/) it would replace the project model's saved transpilation, which the project model's servers there
  // then compile again (test/support/compile-cache.ts).
  if (!overrides.stateDir && path.resolve(config.modelDir) !== path.join(projectRoot, 'model'))
    config.stateDir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-state-'));
  // Loaded here, not at the top: a file that only asks a shared server (test/support/shared-server.ts) does not load
  // Cube (~2 CPU s of a worker's start).
  const { startServer } = await import('../../server/app');
  return clientOf(await startServer(config), config);
}

/**
 * The typed helpers over a running server of `config`: one started here, or one another process runs
 * (test/support/shared-server.ts, whose `server` only has its address and a `close` that leaves it running).
 */
export function clientOf(server: RunningServer, config: Config): TestServer {
  // Tokens carry a role (security/roles.ts): executive by default, a team role when only a team is given.
  const token = (claims: TokenClaims = {}) =>
    signToken(config.apiSecret, { role: claims.role ?? (claims.team ? 'team' : 'executive'), ...claims }, 600, config.security);
  const request: TestServer['request'] = async (path, init = {}) => {
    const { token: t, ...rest } = init;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(rest.headers as Record<string, string>) };
    if (t !== null) headers.authorization = t ?? token();
    const res = await fetch(server.url + path, { ...rest, headers });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body };
  };
  return {
    server,
    config,
    url: server.url,
    token,
    request,
    load: (query, opts = {}) =>
      request('/cubejs-api/v1/load', {
        method: 'POST',
        token: opts.token,
        body: JSON.stringify({ query, ...(opts.queryType ? { queryType: opts.queryType } : {}) }),
      }),
  };
}
