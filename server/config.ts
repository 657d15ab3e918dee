/*
 * The one place where revcycle reads its environment. Every other module
 * imports `loadConfig()` instead of touching process.env.
 *
 * Secrets: CUBEJS_API_SECRET (Cube's own variable) wins. Without it, local
 * use generates a secret once and keeps it in `.revcycle/api-secret`
 * (git-ignored) so tokens survive restarts. With NODE_ENV=production a
 * missing secret is an error: a deployed server never invents one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type LogLevel = 'error' | 'warn' | 'info' | 'trace';

export interface Config {
  port: number;
  apiSecret: string;
  apiSecretSource: 'env' | 'local-file';
  warehousePath: string;
  seedsDir: string;
  modelDir: string;
  dashboardDist: string;
  stateDir: string;
  logLevel: LogLevel;
  production: boolean;
  /** Local dev mode: only then may the dashboard ask for a token without credentials. */
  localDev: boolean;
  /** Lifetime of tokens the server hands to the dashboard, in seconds. */
  dashboardTokenTtl: number;
  /** Default time zone of API queries (months and fiscal periods are cut in it). */
  timeZone: string;
  /** Access control: CORS, hosts, tokens (see the security block below and SECURITY.md). */
  security: SecurityConfig;
  /** postgres://… when the warehouse is PostgreSQL (see the warehouse block below); else the DuckDB file. */
  warehouseUrl: string | undefined;
  /** This process is Cube's refresh worker (CUBEJS_REFRESH_WORKER=true): it builds pre-aggregations on a schedule. */
  refreshWorker: boolean;
  /** Seconds between the refresh worker's scheduled refreshes (CUBEJS_SCHEDULED_REFRESH_TIMER, default 30). */
  scheduledRefreshSeconds: number;
  /** Cube Store for pre-aggregations, cache and queue (CUBEJS_CUBESTORE_HOST); else the warehouse and memory. */
  cubeStoreHost: string | undefined;
}

// ---------------------------------------------------------------------------
// Warehouse target (docs/deploy.md). REVCYCLE_WAREHOUSE_URL=postgres://… puts
// the warehouse in PostgreSQL (build and Cube); without it, the DuckDB file.
// ---------------------------------------------------------------------------

function parseWarehouseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const url = raw.trim();
  if (!/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(url)) {
    throw new ConfigError(
      `REVCYCLE_WAREHOUSE_URL must be postgres://user[:password]@host[:port]/database, got "${url.replace(/:[^:@/]*@/, ':***@')}"`,
    );
  }
  return url;
}

function parseSeconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '' || raw === 'true') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a whole number of seconds ≥ 1, got "${raw}"`);
  return n;
}

// ---------------------------------------------------------------------------
// Security settings (SECURITY.md). Same-origin by default: no CORS unless
// origins are listed; the anonymous local-dev session only for these hosts.
// ---------------------------------------------------------------------------

export interface SecurityConfig {
  /** Origins allowed to call the API from a browser (REVCYCLE_CORS_ORIGINS); empty = CORS off. */
  corsOrigins: string[];
  /** Host names (without port) the anonymous local-dev session answers on: loopback names plus REVCYCLE_ALLOWED_HOSTS. */
  allowedHosts: string[];
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

function parseList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An origin is scheme://host[:port], nothing more; `*` is refused (tokens would be readable by any page). */
function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REVCYCLE_CORS_ORIGINS: "${raw}" is not an origin like https://bi.example.com`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError(`REVCYCLE_CORS_ORIGINS: "${raw}" must be exactly scheme://host[:port] (http or https, no path)`);
  }
  return url.origin;
}

function parseHost(raw: string): string {
  const host = raw.toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/.test(host)) {
    throw new ConfigError(`REVCYCLE_ALLOWED_HOSTS: "${raw}" is not a host name (no scheme, port or wildcard)`);
  }
  return host;
}

export function loadSecurityConfig(env: NodeJS.ProcessEnv): SecurityConfig {
  if (parseList(env.REVCYCLE_CORS_ORIGINS).includes('*')) {
    throw new ConfigError('REVCYCLE_CORS_ORIGINS: "*" is not allowed; list the origins of the pages that may call the API');
  }
  return {
    corsOrigins: parseList(env.REVCYCLE_CORS_ORIGINS).map(parseOrigin),
    allowedHosts: [...new Set([...LOOPBACK_HOSTS, ...parseList(env.REVCYCLE_ALLOWED_HOSTS).map(parseHost)])],
  };
}

export class ConfigError extends Error {}

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'trace'];

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer 0..65535, got "${raw}"`);
  }
  return port;
}

function parseBool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function localSecret(stateDir: string): string {
  const file = path.join(stateDir, 'api-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(stateDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const resolve = (p: string) => path.resolve(projectRoot, p);
  const production = env.NODE_ENV === 'production';
  const stateDir = resolve(env.REVCYCLE_STATE_DIR ?? '.revcycle');
  const logLevel = (env.CUBEJS_LOG_LEVEL ?? 'warn') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`CUBEJS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  let apiSecret = env.CUBEJS_API_SECRET ?? '';
  let apiSecretSource: Config['apiSecretSource'] = 'env';
  if (apiSecret === '') {
    if (production) throw new ConfigError('CUBEJS_API_SECRET is required when NODE_ENV=production');
    apiSecret = localSecret(stateDir);
    apiSecretSource = 'local-file';
  } else if (apiSecret.length < 16) {
    throw new ConfigError('CUBEJS_API_SECRET must be at least 16 characters');
  }
  const ttl = Number(env.REVCYCLE_DASHBOARD_TOKEN_TTL ?? 900);
  if (!Number.isInteger(ttl) || ttl < 60) throw new ConfigError('REVCYCLE_DASHBOARD_TOKEN_TTL must be an integer ≥ 60 seconds');
  return {
    port: parsePort(env.PORT),
    apiSecret,
    apiSecretSource,
    warehousePath: resolve(env.REVCYCLE_WAREHOUSE ?? env.CUBEJS_DB_DUCKDB_DATABASE_PATH ?? 'data/warehouse.duckdb'),
    seedsDir: resolve(env.REVCYCLE_SEEDS ?? 'seeds'),
    modelDir: resolve(env.REVCYCLE_MODEL ?? 'model'),
    dashboardDist: resolve(env.REVCYCLE_DASHBOARD_DIST ?? 'dist/dashboard'),
    stateDir,
    logLevel,
    production,
    localDev: parseBool('REVCYCLE_LOCAL_DEV', env.REVCYCLE_LOCAL_DEV, !production),
    dashboardTokenTtl: ttl,
    timeZone: env.REVCYCLE_TIMEZONE ?? env.CUBEJS_DEFAULT_TIMEZONE ?? 'Asia/Tokyo',
    security: loadSecurityConfig(env),
    warehouseUrl: parseWarehouseUrl(env.REVCYCLE_WAREHOUSE_URL),
    refreshWorker: parseBool('CUBEJS_REFRESH_WORKER', env.CUBEJS_REFRESH_WORKER, false),
    cubeStoreHost: env.CUBEJS_CUBESTORE_HOST || undefined,
    scheduledRefreshSeconds: parseSeconds('CUBEJS_SCHEDULED_REFRESH_TIMER', env.CUBEJS_SCHEDULED_REFRESH_TIMER, 30),
  };
}
