/*
 * Cube, embedded: a thin @cubejs-backend/server wrapper over the DuckDB
 * warehouse file.
 *
 * - Model: only `model/cubes/` and `model/views/` are handed to Cube (the
 *   warehouse SQL and its test YAML under `model/warehouse/` must not be).
 * - Warehouse swaps: the build renames a new file over the warehouse. The
 *   orchestrator id carries the file's identity, so the first request after a
 *   swap opens the new file with a fresh driver and fresh caches; the previous
 *   instance stays open for queries already running on it. The id switches
 *   to a new file only once its pre-aggregations are built (pre-aggregations.ts).
 * - Auth: Cube's JWT check with the API secret, always on. A token may carry
 *   `team` (row-level scope: views with an `owner_team` dimension are
 *   filtered to it) and `scopes` (Cube API scopes: meta, data, graphql, sql).
 * - Pre-aggregations live in DuckDB itself (external: false); cache and
 *   queue driver `memory`; dev mode off.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import { DUCKDB_SETTINGS_QUERY, duckDbOptions, duckDbSettingsMismatch, type Config, type DuckDbSettings } from '../config.js';
import { prepareCubeRuntime, type CubeRuntime } from './native-fallback.js';
import { corsOptions } from '../security/origin.js';
import { modelSourceOptions, type CubeCore } from './model-files.js';
import { createWarmup, type Warmup } from './pre-aggregations.js';

const require = createRequire(import.meta.url);

export interface SecurityContext {
  team?: string;
  scopes?: string[];
  sub?: string;
  [key: string]: unknown;
}

export const API_SCOPES = ['meta', 'data', 'graphql', 'sql'] as const;

export interface ModelFile { fileName: string; content: string }

/** The Cube model files: YAML and JS under model/cubes and model/views. */
export function readModelFiles(modelDir: string): ModelFile[] {
  const files: ModelFile[] = [];
  for (const sub of ['cubes', 'views']) {
    const dir = path.join(modelDir, sub);
    let names: string[];
    try { names = readdirSync(dir); } catch { continue; }
    for (const name of names.sort()) {
      if (!/\.(ya?ml|js)$/.test(name)) continue;
      files.push({ fileName: `${sub}/${name}`, content: readFileSync(path.join(dir, name), 'utf8') });
    }
  }
  return files;
}

/** Names of the public views. */
export function viewNames(files: ModelFile[]): Set<string> {
  const names = new Set<string>();
  for (const f of files) {
    if (!f.fileName.startsWith('views/') || f.fileName.endsWith('.js')) continue;
    const doc = YAML.parse(f.content) as { views?: { name: string }[] } | null;
    for (const view of doc?.views ?? []) names.add(view.name);
  }
  return names;
}

/** Views that expose an `owner_team` dimension: the ones a team-scoped token is filtered on. */
export function teamScopedViews(files: ModelFile[]): Set<string> {
  const scoped = new Set<string>();
  for (const f of files) {
    if (!f.fileName.startsWith('views/') || f.fileName.endsWith('.js')) continue;
    const doc = YAML.parse(f.content) as { views?: { name: string; cubes?: { includes?: unknown }[] }[] } | null;
    for (const view of doc?.views ?? []) {
      const exposes = (view.cubes ?? []).some((c) => {
        const inc = c.includes;
        return inc === '*' || (Array.isArray(inc) && inc.some((i) => i === 'owner_team' || (i as { name?: string })?.name === 'owner_team'));
      });
      if (exposes) scoped.add(view.name);
    }
  }
  return scoped;
}

function warehouseIdentity(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}-${Math.round(s.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

type QueryFilter = { member: string; operator: string; values: string[] };
type CubeQuery = { measures?: string[]; dimensions?: string[]; timeDimensions?: { dimension: string }[]; filters?: unknown[]; segments?: string[] };

function filterMembers(filters: unknown[] | undefined): string[] {
  return (filters ?? []).flatMap((f) => {
    const o = f as { member?: string; dimension?: string; and?: unknown[]; or?: unknown[] };
    if (o.and || o.or) return filterMembers(o.and ?? o.or);
    return [o.member ?? o.dimension ?? ''].filter(Boolean);
  });
}

function queryMembers(query: CubeQuery): string[] {
  return [
    ...(query.measures ?? []), ...(query.dimensions ?? []), ...(query.segments ?? []),
    ...(query.timeDimensions ?? []).map((t) => t.dimension),
    ...filterMembers(query.filters),
    ...((query as { order?: unknown }).order && Array.isArray((query as { order?: unknown }).order)
      ? ((query as { order: [string, string][] | { id: string }[] }).order).map((o) => (Array.isArray(o) ? o[0] : o.id))
      : []),
  ].filter((m): m is string => typeof m === 'string');
}

/**
 * Refuses members of private cubes before any SQL runs (Cube itself would
 * only notice after running the query, and answer 500).
 */
export function assertPublicMembers(query: CubeQuery, publicViews: Set<string>) {
  const { UserError } = require('@cubejs-backend/api-gateway');
  for (const m of queryMembers(query)) {
    const view = m.split('.')[0];
    // GraphQL capitalises cube names in orderBy.
    if (!publicViews.has(view) && !publicViews.has(view.charAt(0).toLowerCase() + view.slice(1))) {
      throw new UserError(`'${m}' is not a public member: query the views (${[...publicViews].sort().join(', ')})`);
    }
  }
}

/** Adds the team filter to every team-scoped view a query touches. */
export function scopeQueryToTeam(query: CubeQuery, team: string | undefined, scopedViews: Set<string>): CubeQuery {
  if (!team) return query;
  const members = queryMembers(query);
  const views = new Set(members.map((m) => m.split('.')[0]).filter((v) => scopedViews.has(v)));
  const added: QueryFilter[] = [...views].map((v) => ({ member: `${v}.owner_team`, operator: 'equals', values: [team] }));
  return added.length ? { ...query, filters: [...(query.filters ?? []), ...added] } : query;
}

export interface CubeHandle {
  runtime: CubeRuntime;
  server: any;
  core: any;
  listen(app?: (app: any) => void | Promise<void>): Promise<{ app: any; server: any; port: number }>;
  /** Resolves when the model compiles and DuckDB answers; throws the reason otherwise. */
  checkReady(): Promise<void>;
  /** Builds the pre-aggregations of each warehouse file before it is served. */
  warmup: Warmup;
  /** DuckDB's threads, memory_limit and temp_directory as the server's driver reports them. */
  duckDbSettings(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The driver's session SQL: Cube's DuckDB SQL converts zones assuming the session zone is UTC; then config's resources. */
function duckDbInitSql(settings: DuckDbSettings): string {
  const sets = Object.entries(duckDbOptions(settings)).map(([k, v]) => `SET ${k} = '${v.replaceAll("'", "''")}'`);
  return ["SET TimeZone = 'UTC'", ...sets].join('; ');
}

export function createCube(config: Config): CubeHandle {
  const runtime = prepareCubeRuntime();
  process.env.CUBEJS_LOG_LEVEL ??= config.logLevel;
  process.env.CUBEJS_DEV_MODE = 'false';
  process.env.CUBEJS_DB_TYPE = 'duckdb';
  // Queries without a timezone are cut in the company's zone (Asia/Tokyo by default), not UTC.
  process.env.CUBEJS_DEFAULT_TIMEZONE = config.timeZone;
  process.env.CUBEJS_PORT = String(config.port);
  process.env.PORT = String(config.port);
  process.env.CUBEJS_TELEMETRY = 'false';
  process.env.CUBEJS_EXTERNAL_DEFAULT = 'false';
  process.env.CUBEJS_SCHEDULED_REFRESH_DEFAULT ??= 'false';

  const { CubejsServer } = require('@cubejs-backend/server');
  const { DuckDBDriver } = require('@cubejs-backend/duckdb-driver');

  const modelFiles = readModelFiles(config.modelDir);
  const scopedViews = teamScopedViews(modelFiles);
  const publicViews = viewNames(modelFiles);

  const warmup = createWarmup({
    core: () => server.core,
    identity: () => warehouseIdentity(config.warehousePath),
    timeZone: config.timeZone,
    log: (m) => console.log(`[revcycle] ${m}`),
  });
  const server = new CubejsServer({
    apiSecret: config.apiSecret,
    devServer: false,
    // Cube installs cors() before every route; without this it answers Access-Control-Allow-Origin: *.
    http: { cors: corsOptions(config.security) },
    cacheAndQueueDriver: 'memory',
    telemetry: false,
    logger: (msg: string, params: Record<string, unknown>) => {
      if (config.logLevel === 'trace' || /error/i.test(msg)) console.log(`[cube] ${msg}`, JSON.stringify(params).slice(0, 2000));
    },
    ...modelSourceOptions(config, (): CubeCore => server.core), // the model with the warehouse's fiscal year (model-files.ts)
    driverFactory: () => new DuckDBDriver({ databasePath: config.warehousePath, initSql: duckDbInitSql(config.duckdb) }),
    contextToOrchestratorId: (ctx: { warehouseIdentity?: string } | undefined) => `warehouse-${ctx?.warehouseIdentity ?? warmup.served()}`,
    contextToApiScopes: async (securityContext: SecurityContext, defaultScopes: string[]) =>
      Array.isArray(securityContext?.scopes) ? securityContext.scopes.filter((s) => (API_SCOPES as readonly string[]).includes(s)) : defaultScopes,
    queryRewrite: (query: CubeQuery, { securityContext }: { securityContext: SecurityContext }) => {
      assertPublicMembers(query, publicViews);
      return scopeQueryToTeam(query, securityContext?.team, scopedViews);
    },
    scheduledRefreshTimer: false,
  });
  const core = server.core;
  // Cube only enforces auth when NODE_ENV=production; revcycle enforces it always.
  const createGateway = core.createApiGatewayInstance.bind(core);
  core.createApiGatewayInstance = (secret: string, compilerApi: unknown, orchestratorApi: unknown, logger: unknown, options: object) =>
    createGateway(secret, compilerApi, orchestratorApi, logger, { ...options, enforceSecurityChecks: true });

  const systemContext = () => ({ securityContext: {}, requestId: `readyz-${Date.now()}` });
  const duckDbSettings = async (): Promise<Record<string, unknown>> => {
    const orchestrator = await core.getOrchestratorApi(systemContext());
    const driver = await orchestrator.driverFactory('default');
    const row = (await driver.query(DUCKDB_SETTINGS_QUERY, []))[0] as Record<string, unknown>;
    return { ...row, threads: Number(row.threads) }; // the driver answers text
  };

  return {
    runtime,
    server,
    core,
    warmup,
    async listen(extend) {
      if (extend) {
        const cubeInitApp = core.initApp.bind(core);
        core.initApp = async (app: any) => {
          await extend(app);
          await cubeInitApp(app);
        };
      }
      return server.listen();
    },
    async checkReady() {
      const ctx = systemContext();
      const compilerApi = await core.getCompilerApi(ctx);
      await compilerApi.metaConfig(ctx, { requestId: ctx.requestId });
      if (!existsSync(config.warehousePath)) throw new Error(`No warehouse at ${config.warehousePath}: run npm run build:warehouse`);
      const orchestrator = await core.getOrchestratorApi(ctx);
      await orchestrator.testDriverConnection(orchestrator.driverFactory, 'internal', 'default');
      const mismatch = duckDbSettingsMismatch(config.duckdb, await duckDbSettings());
      if (mismatch) throw new Error(mismatch);
    },
    duckDbSettings,
    async close() {
      await server.close?.();
      await core.shutdown?.();
    },
  };
}
