/*
 * The tests' server settings, apart from the server itself (test/support/server.ts) so that a helper that only
 * needs a setting does not load Cube.
 */
import { loadConfig, type Config } from '../../server/config';

/**
 * The security settings with the per-person rate limit off, for a server that a load test drives: its clients
 * share one token, as npm run bench's do, and bench turns the limit off too (it would measure itself, not the
 * server; a fast machine passes 600 requests a minute with ten clients).
 */
export function securityWithoutRateLimit(): Config['security'] {
  return loadConfig({ ...process.env, CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', REVCYCLE_RATE_LIMIT_PER_MINUTE: '0' })
    .security;
}

/** The tests' settings (a fixed secret, NODE_ENV=test, a free port) with `overrides`. */
export function testConfig(overrides: Partial<Config>): Config {
  return {
    ...loadConfig({ ...process.env, CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', NODE_ENV: 'test' }),
    port: 0,
    ...overrides,
  };
}
