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
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestImportTables } from './import/area.js';
import { DEFAULT_TIME_ZONE } from './contract/vocabulary.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The address a process on this machine reaches a revcycle server listening on `port` at (its own requests, a cluster's). */
export const loopbackUrl = (port: number | undefined) => `http://127.0.0.1:${port}`;

export type LogLevel = 'error' | 'warn' | 'info' | 'trace';

/**
 * Where an import can be held for a fault test (REVCYCLE_IMPORT_HOLD_AT): after reading, after the merge, once the
 * new warehouse is prepared, just before and just after the swap, after the import directory's rename.
 */
export const IMPORT_HOLD_PHASES = ['read', 'merged', 'prepared', 'before-swap', 'after-swap', 'renamed'] as const;
export type ImportHoldPhase = (typeof IMPORT_HOLD_PHASES)[number];
/**
 * Where a warehouse build can be held for a fault test (REVCYCLE_BUILD_HOLD_AT): after the seeds are loaded, after
 * the models, after the data tests, and with the new warehouse finished just before it replaces the old one (the
 * DuckDB file's rename, PostgreSQL's schema swap): build.ts holds at each on either target.
 */
export const BUILD_HOLD_PHASES = ['loaded', 'modelled', 'tested', 'before-swap'] as const;
export type BuildHoldPhase = (typeof BUILD_HOLD_PHASES)[number];

/** When the server builds the served warehouse's rollups (REVCYCLE_WARMUP; Config.warmup). */
export const WARMUP_MODES = ['eager', 'lazy'] as const;
export type WarmupMode = (typeof WARMUP_MODES)[number];

export interface Config {
  port: number;
  apiSecret: string;
  apiSecretSource: 'env' | 'local-file' | 'ephemeral';
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
  /**
   * Time zone served: of API queries without one, and of the rollups. The warehouse's settings decide it once the
   * server has read them (server/cube/warehouse-time.ts); until then REVCYCLE_TIMEZONE, else the contract's default.
   */
  timeZone: string;
  /** REVCYCLE_TIMEZONE, when set: it must then agree with the warehouse's zone. */
  envTimeZone: string | undefined;
  /** Access control: CORS, hosts, tokens (see the security block below and SECURITY.md). */
  security: SecurityConfig;

  // Bring your own data (server/import): where imports live, and what the seeds dir is.
  /** The import area, `data/imports/` (REVCYCLE_IMPORTS). */
  importsDir: string;
  /** The bundled seeds: the sample data, and the defaults an import starts from (stages, channels, settings). */
  bundledSeedsDir: string;
  /** Where seedsDir came from: REVCYCLE_SEEDS, the latest complete import, or the bundled sample. */
  seedsFrom: 'env' | 'import' | 'bundled';
  /** Fault tests only (REVCYCLE_IMPORT_HOLD_AT): the phase at which `npm run import` waits to be killed. */
  importHoldAt?: ImportHoldPhase;
  /** Fault tests only (REVCYCLE_BUILD_HOLD_AT): the phase at which a warehouse build waits to be killed. */
  buildHoldAt?: BuildHoldPhase;
  /**
   * REVCYCLE_WARMUP: `eager` (default) builds every rollup of the served warehouse before the first request is
   * answered; `lazy` starts without (Cube builds a rollup when a query first needs it), for a server that answers a
   * few queries over a small warehouse (tests whose subject is not the rollups). A file swapped in later is warmed
   * before it is served either way.
   */
  warmup: WarmupMode;
  /** DuckDB's resources for the warehouse build and imports (the DuckDB block below). */
  duckdb: DuckDbSettings;
  /** The same for the server's driver: its own memory limit (REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT). */
  serverDuckdb: DuckDbSettings;
  /** postgres://… when the warehouse is PostgreSQL (see the warehouse block below); else the DuckDB file. */
  warehouseUrl: string | undefined;
  /** This process is Cube's refresh worker (CUBEJS_REFRESH_WORKER=true): it builds pre-aggregations on a schedule. */
  refreshWorker: boolean;
  /** Seconds between the refresh worker's scheduled refreshes (CUBEJS_SCHEDULED_REFRESH_TIMER, default 30). */
  scheduledRefreshSeconds: number;
  /**
   * Time zones the refresh worker builds the pre-aggregations in (CUBEJS_SCHEDULED_REFRESH_TIMEZONES, comma-separated;
   * default `timeZone`, the zone API queries are cut in). A rollup is built per zone: an API instance that may not
   * build finds none for a query in a zone not listed.
   */
  scheduledRefreshTimeZones: string[];
  /** CUBEJS_SCHEDULED_REFRESH_TIMEZONES is set (else the refresh worker builds in the served zone alone). */
  refreshTimeZonesFromEnv: boolean;
  /**
   * CUBEJS_PRE_AGGREGATIONS_BUILDER: false for an API instance that never builds a pre-aggregation on a request and
   * only reads what the refresh worker built; undefined (unset): the single server of `npm start`, which builds its
   * own (cube-server.ts), whatever NODE_ENV is.
   */
  preAggregationsBuilder: boolean | undefined;
  /** Cube Store for pre-aggregations, cache and queue (CUBEJS_CUBESTORE_HOST); else the warehouse and memory. */
  cubeStoreHost: string | undefined;
}

// ---------------------------------------------------------------------------
// DuckDB settings, one set for the warehouse build and the server's driver:
// REVCYCLE_DUCKDB_THREADS (default: the machine's cores),
// REVCYCLE_DUCKDB_MEMORY_LIMIT (default: 2000MB, or half the machine's memory
// if that is less: a build that fits a 4 GiB machine, DuckDB's buffers plus
// Node and DuckDB's allocations outside them — 2.5 GB peak RSS at 300 k leads.
// Every model's operators spill past it since the Markov chain is counted as
// transitions; DuckDB's own default is 80 % of the RAM, which a shared
// machine does not have to spare) and REVCYCLE_DUCKDB_TEMP_DIR (where DuckDB spills past
// the limit; default <state dir>/duckdb-tmp). Applied when a database opens
// and read back with current_setting() (build summary, /readyz).
// ---------------------------------------------------------------------------

export interface DuckDbSettings {
  threads: number;
  /** A DuckDB size such as 3GB or 2500MiB. */
  memoryLimit: string;
  tempDirectory: string;
}

/** 2000MB, or half the machine's memory where that is less, in MB. */
export function defaultDuckDbMemoryLimit(totalBytes = os.totalmem()): string {
  return `${Math.min(2000, Math.floor(totalBytes / 2 / 1e6))}MB`;
}

export function loadDuckDbSettings(env: NodeJS.ProcessEnv, stateDir: string): DuckDbSettings {
  const rawThreads = env.REVCYCLE_DUCKDB_THREADS ?? '';
  const threads = rawThreads === '' ? os.availableParallelism() : Number(rawThreads);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConfigError(`REVCYCLE_DUCKDB_THREADS must be an integer ≥ 1, got "${rawThreads}"`);
  }
  const memoryLimit = parseMemoryLimit(env, 'REVCYCLE_DUCKDB_MEMORY_LIMIT', defaultDuckDbMemoryLimit());
  const tempDirectory = path.resolve(projectRoot, env.REVCYCLE_DUCKDB_TEMP_DIR ?? path.join(stateDir, 'duckdb-tmp'));
  return { threads, memoryLimit, tempDirectory };
}

/**
 * The server's DuckDB: the build's threads and spill directory, and its own memory limit
 * (REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT, default 1200MB). It reads pre-aggregations and, for an analyst's query
 * no rollup serves, the marts, spilling past the limit; at 1 M leads the build's limit let the serving
 * process reach 3.2 GB while it built the rollups.
 */
export function loadServerDuckDbSettings(env: NodeJS.ProcessEnv, build: DuckDbSettings): DuckDbSettings {
  return { ...build, memoryLimit: parseMemoryLimit(env, 'REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT', '1200MB') };
}

function parseMemoryLimit(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = (env[name] ?? fallback).replaceAll(' ', '');
  if (!/^\d+(\.\d+)?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value)) {
    throw new ConfigError(`${name} must be a size such as 3GB or 2500MiB, got "${env[name]}"`);
  }
  return value;
}

/** SQL that reads the settings back from a DuckDB connection, as columns threads, memory_limit, temp_directory. */
export const DUCKDB_SETTINGS_QUERY =
  "select cast(current_setting('threads') as integer) as threads, current_setting('memory_limit') as memory_limit, " +
  "current_setting('temp_directory') as temp_directory";

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

function sizeBytes(text: string): number {
  const m = /^([\d.]+)\s*([a-z]+)$/i.exec(text.trim());
  return m ? Number(m[1]) * (SIZE_UNITS[m[2]!.toLowerCase()] ?? NaN) : NaN;
}

/**
 * Null when DuckDB reports the wanted settings, else what differs. DuckDB prints the memory
 * limit rounded to one decimal (3GB reads "2.7 GiB"), so sizes compare within 5 %.
 */
export function duckDbSettingsMismatch(wanted: DuckDbSettings, reported: Record<string, unknown>): string | null {
  const problems: string[] = [];
  if (Number(reported.threads) !== wanted.threads) problems.push(`threads ${reported.threads} (wanted ${wanted.threads})`);
  const ratio = sizeBytes(String(reported.memory_limit)) / sizeBytes(wanted.memoryLimit);
  if (!(Math.abs(ratio - 1) < 0.05)) problems.push(`memory_limit ${reported.memory_limit} (wanted ${wanted.memoryLimit})`);
  if (reported.temp_directory !== wanted.tempDirectory) {
    problems.push(`temp_directory ${reported.temp_directory} (wanted ${wanted.tempDirectory})`);
  }
  return problems.length ? `DuckDB settings not in effect: ${problems.join(', ')}` : null;
}

/** The settings as DuckDB option values (DuckDBInstance.create's options, or SET statements). */
export function duckDbOptions(settings: DuckDbSettings): Record<'threads' | 'memory_limit' | 'temp_directory', string> {
  return { threads: String(settings.threads), memory_limit: settings.memoryLimit, temp_directory: settings.tempDirectory };
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
  /** `aud` and `iss` of the tokens this server signs (npm run token, /api/session) and requires back. */
  audience: string;
  issuer: string;
  /** An identity provider's tokens (RS256/ES256…), verified against its JWKS; absent = only this server's tokens. */
  oidc?: { jwksUrl: string; issuer: string; audience: string };
  /** Claim names carrying the role (`executive`, `analyst`, `team:<name>`, `agency:<a,b>`), team and channels. */
  claims: { role: string; team: string; channels: string };
  /** Largest accepted request body, bytes (Cube's CUBEJS_MAX_REQUEST_SIZE is set from it). */
  maxRequestBytes: number;
  /** Largest row limit a query may ask for. */
  maxQueryLimit: number;
  /** Cost limits (SECURITY.md, "Limits on cost"). */
  limits: CostLimits;
}

export interface CostLimits {
  /** A query running longer is stopped and answered 503 (REVCYCLE_QUERY_TIMEOUT_SECONDS, default 60). */
  queryTimeoutSeconds: number;
  /** Heavy queries running at once, in their own lane (REVCYCLE_HEAVY_QUERY_CONCURRENCY, default 1). */
  heavyConcurrency: number;
  /** Heavy queries waiting for the lane; one more is answered 503 (REVCYCLE_HEAVY_QUERY_QUEUE, default 8). */
  heavyQueue: number;
  /** A query with this many dimensions (time dimensions with a granularity count) or more is heavy (default 20). */
  heavyDimensions: number;
  /** Rows a heavy query may return per request (REVCYCLE_HEAVY_QUERY_ROW_LIMIT, default 10,000: Cube's default limit). */
  heavyRowLimit: number;
  /** Requests per minute per token subject, with a burst of as many (REVCYCLE_RATE_LIMIT_PER_MINUTE, default 600; 0 = off). */
  ratePerMinute: number;
  /** Longest token lifetime accepted, seconds from now to `exp` (REVCYCLE_MAX_TOKEN_LIFETIME_SECONDS, default 30 days). */
  maxTokenLifetimeSeconds: number;
  /** Time a client has to send a whole request (REVCYCLE_REQUEST_TIMEOUT_SECONDS, default 30). */
  requestTimeoutSeconds: number;
  /** Time a client has to send the request's headers (REVCYCLE_HEADERS_TIMEOUT_SECONDS, default 10). */
  headersTimeoutSeconds: number;
}

export function loadCostLimits(env: NodeJS.ProcessEnv): CostLimits {
  const int = (name: string, fallback: number, min: number) => parsePositiveInt(name, env[name], fallback, min);
  const limits = {
    queryTimeoutSeconds: int('REVCYCLE_QUERY_TIMEOUT_SECONDS', 60, 1),
    heavyConcurrency: int('REVCYCLE_HEAVY_QUERY_CONCURRENCY', 1, 1),
    heavyQueue: int('REVCYCLE_HEAVY_QUERY_QUEUE', 8, 0),
    // the dashboard's widest query (the KPI tree's table) has 19
    heavyDimensions: int('REVCYCLE_HEAVY_QUERY_DIMENSIONS', 20, 1),
    heavyRowLimit: int('REVCYCLE_HEAVY_QUERY_ROW_LIMIT', 10_000, 1),
    ratePerMinute: int('REVCYCLE_RATE_LIMIT_PER_MINUTE', 600, 0),
    maxTokenLifetimeSeconds: int('REVCYCLE_MAX_TOKEN_LIFETIME_SECONDS', 30 * 24 * 3600, 60),
    requestTimeoutSeconds: int('REVCYCLE_REQUEST_TIMEOUT_SECONDS', 30, 1),
    headersTimeoutSeconds: int('REVCYCLE_HEADERS_TIMEOUT_SECONDS', 10, 1),
  };
  if (limits.headersTimeoutSeconds > limits.requestTimeoutSeconds)
    throw new ConfigError('REVCYCLE_HEADERS_TIMEOUT_SECONDS must not exceed REVCYCLE_REQUEST_TIMEOUT_SECONDS');
  return limits;
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
  let oidc: SecurityConfig['oidc'];
  if (env.REVCYCLE_JWKS_URL) {
    let url: URL;
    try {
      url = new URL(env.REVCYCLE_JWKS_URL);
    } catch {
      throw new ConfigError(`REVCYCLE_JWKS_URL: "${env.REVCYCLE_JWKS_URL}" is not a URL`);
    }
    if (url.protocol !== 'https:' && !LOOPBACK_HOSTS.includes(url.hostname))
      throw new ConfigError('REVCYCLE_JWKS_URL must be https (http only on loopback)');
    if (!env.REVCYCLE_OIDC_ISSUER || !env.REVCYCLE_OIDC_AUDIENCE) {
      throw new ConfigError(
        "REVCYCLE_JWKS_URL needs REVCYCLE_OIDC_ISSUER and REVCYCLE_OIDC_AUDIENCE (the iss and aud of the provider's tokens)",
      );
    }
    oidc = { jwksUrl: url.href, issuer: env.REVCYCLE_OIDC_ISSUER, audience: env.REVCYCLE_OIDC_AUDIENCE };
  }
  return {
    corsOrigins: parseList(env.REVCYCLE_CORS_ORIGINS).map(parseOrigin),
    allowedHosts: [...new Set([...LOOPBACK_HOSTS, ...parseList(env.REVCYCLE_ALLOWED_HOSTS).map(parseHost)])],
    audience: env.REVCYCLE_JWT_AUDIENCE || 'revcycle-api',
    issuer: env.REVCYCLE_JWT_ISSUER || 'revcycle',
    oidc,
    claims: {
      role: env.REVCYCLE_ROLE_CLAIM || 'role',
      team: env.REVCYCLE_TEAM_CLAIM || 'team',
      channels: env.REVCYCLE_CHANNELS_CLAIM || 'channels',
    },
    maxRequestBytes: parsePositiveInt('REVCYCLE_MAX_REQUEST_BYTES', env.REVCYCLE_MAX_REQUEST_BYTES, 1024 * 1024, 100 * 1024),
    maxQueryLimit: parsePositiveInt('REVCYCLE_MAX_QUERY_LIMIT', env.REVCYCLE_MAX_QUERY_LIMIT, 50_000, 1),
    limits: loadCostLimits(env),
  };
}

function parsePositiveInt(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export class ConfigError extends Error {}

function parseTimeZones(name: string, raw: string | undefined, fallback: string): string[] {
  const zones = (raw ?? '')
    .split(',')
    .map((z) => z.trim())
    .filter(Boolean);
  if (zones.length === 0) return [fallback];
  for (const zone of zones) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
    } catch {
      throw new ConfigError(`${name} must be a comma-separated list of IANA time zones, got "${raw}"`);
    }
  }
  return zones;
}

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'trace'];

function parseOneOf<P extends string>(name: string, choices: readonly P[], raw: string | undefined): P | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(choices as readonly string[]).includes(raw))
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as P;
}

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
  const duckdb = loadDuckDbSettings(env, stateDir);
  const logLevel = (env.CUBEJS_LOG_LEVEL ?? 'warn') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`CUBEJS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  let apiSecret = env.CUBEJS_API_SECRET ?? '';
  let apiSecretSource: Config['apiSecretSource'] = 'env';
  if (apiSecret === '') {
    if (production && !env.REVCYCLE_JWKS_URL) {
      throw new ConfigError(
        "NODE_ENV=production needs CUBEJS_API_SECRET (at least 32 characters) or REVCYCLE_JWKS_URL (your identity provider's keys); see SECURITY.md",
      );
    }
    // With an identity provider, the server still signs the dashboard's short-lived
    // session tokens: a per-process key, since no one else needs to verify them.
    apiSecret = production ? randomBytes(32).toString('hex') : localSecret(stateDir);
    apiSecretSource = production ? 'ephemeral' : 'local-file';
  } else if (apiSecret.length < (production ? 32 : 16)) {
    throw new ConfigError(`CUBEJS_API_SECRET must be at least ${production ? 32 : 16} characters`);
  }
  const importsDir = resolve(env.REVCYCLE_IMPORTS ?? 'data/imports');
  const bundledSeedsDir = resolve('seeds');
  const imported = env.REVCYCLE_SEEDS ? undefined : latestImportTables(importsDir);
  const ttl = Number(env.REVCYCLE_DASHBOARD_TOKEN_TTL ?? 900);
  // Not CUBEJS_DEFAULT_TIMEZONE: Cube's variable, which the server sets itself to the zone it serves (cube-server.ts).
  const envTimeZone = env.REVCYCLE_TIMEZONE || undefined;
  const timeZone = envTimeZone ? parseTimeZones('REVCYCLE_TIMEZONE', envTimeZone, DEFAULT_TIME_ZONE)[0]! : DEFAULT_TIME_ZONE;
  if (!Number.isInteger(ttl) || ttl < 60) throw new ConfigError('REVCYCLE_DASHBOARD_TOKEN_TTL must be an integer ≥ 60 seconds');
  return {
    port: parsePort(env.PORT),
    apiSecret,
    apiSecretSource,
    warehousePath: resolve(env.REVCYCLE_WAREHOUSE ?? env.CUBEJS_DB_DUCKDB_DATABASE_PATH ?? 'data/warehouse.duckdb'),
    seedsDir: env.REVCYCLE_SEEDS ? resolve(env.REVCYCLE_SEEDS) : (imported ?? bundledSeedsDir),
    modelDir: resolve(env.REVCYCLE_MODEL ?? 'model'),
    dashboardDist: resolve(env.REVCYCLE_DASHBOARD_DIST ?? 'dist/dashboard'),
    stateDir,
    logLevel,
    production,
    localDev: parseBool('REVCYCLE_LOCAL_DEV', env.REVCYCLE_LOCAL_DEV, !production),
    dashboardTokenTtl: ttl,
    timeZone,
    envTimeZone: envTimeZone && timeZone,
    security: loadSecurityConfig(env),
    importsDir,
    bundledSeedsDir,
    seedsFrom: env.REVCYCLE_SEEDS ? 'env' : imported ? 'import' : 'bundled',
    importHoldAt: parseOneOf('REVCYCLE_IMPORT_HOLD_AT', IMPORT_HOLD_PHASES, env.REVCYCLE_IMPORT_HOLD_AT),
    buildHoldAt: parseOneOf('REVCYCLE_BUILD_HOLD_AT', BUILD_HOLD_PHASES, env.REVCYCLE_BUILD_HOLD_AT),
    warmup: parseOneOf('REVCYCLE_WARMUP', WARMUP_MODES, env.REVCYCLE_WARMUP) ?? 'eager',
    duckdb,
    serverDuckdb: loadServerDuckDbSettings(env, duckdb),
    warehouseUrl: parseWarehouseUrl(env.REVCYCLE_WAREHOUSE_URL),
    refreshWorker: parseBool('CUBEJS_REFRESH_WORKER', env.CUBEJS_REFRESH_WORKER, false),
    cubeStoreHost: env.CUBEJS_CUBESTORE_HOST || undefined,
    scheduledRefreshSeconds: parseSeconds('CUBEJS_SCHEDULED_REFRESH_TIMER', env.CUBEJS_SCHEDULED_REFRESH_TIMER, 30),
    scheduledRefreshTimeZones: parseTimeZones(
      'CUBEJS_SCHEDULED_REFRESH_TIMEZONES',
      env.CUBEJS_SCHEDULED_REFRESH_TIMEZONES,
      timeZone,
    ),
    refreshTimeZonesFromEnv: Boolean(env.CUBEJS_SCHEDULED_REFRESH_TIMEZONES?.trim()),
    preAggregationsBuilder: env.CUBEJS_PRE_AGGREGATIONS_BUILDER
      ? parseBool('CUBEJS_PRE_AGGREGATIONS_BUILDER', env.CUBEJS_PRE_AGGREGATIONS_BUILDER, true)
      : undefined,
  };
}
