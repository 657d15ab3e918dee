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
import { latestImportTables } from './import/area.js';

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

  // Bring your own data (server/import): where imports live, and what the seeds dir is.
  /** The import area, `data/imports/` (REVCYCLE_IMPORTS). */
  importsDir: string;
  /** The bundled seeds: the sample data, and the defaults an import starts from (stages, channels, settings). */
  bundledSeedsDir: string;
  /** Where seedsDir came from: REVCYCLE_SEEDS, the latest complete import, or the bundled sample. */
  seedsFrom: 'env' | 'import' | 'bundled';
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
  const importsDir = resolve(env.REVCYCLE_IMPORTS ?? 'data/imports');
  const bundledSeedsDir = resolve('seeds');
  const imported = env.REVCYCLE_SEEDS ? undefined : latestImportTables(importsDir);
  const ttl = Number(env.REVCYCLE_DASHBOARD_TOKEN_TTL ?? 900);
  if (!Number.isInteger(ttl) || ttl < 60) throw new ConfigError('REVCYCLE_DASHBOARD_TOKEN_TTL must be an integer ≥ 60 seconds');
  return {
    port: parsePort(env.PORT),
    apiSecret,
    apiSecretSource,
    warehousePath: resolve(env.REVCYCLE_WAREHOUSE ?? env.CUBEJS_DB_DUCKDB_DATABASE_PATH ?? 'data/warehouse.duckdb'),
    seedsDir: env.REVCYCLE_SEEDS ? resolve(env.REVCYCLE_SEEDS) : imported ?? bundledSeedsDir,
    modelDir: resolve(env.REVCYCLE_MODEL ?? 'model'),
    dashboardDist: resolve(env.REVCYCLE_DASHBOARD_DIST ?? 'dist/dashboard'),
    stateDir,
    logLevel,
    production,
    localDev: parseBool('REVCYCLE_LOCAL_DEV', env.REVCYCLE_LOCAL_DEV, !production),
    dashboardTokenTtl: ttl,
    timeZone: env.REVCYCLE_TIMEZONE ?? env.CUBEJS_DEFAULT_TIMEZONE ?? 'Asia/Tokyo',
    importsDir,
    bundledSeedsDir,
    seedsFrom: env.REVCYCLE_SEEDS ? 'env' : imported ? 'import' : 'bundled',
  };
}
