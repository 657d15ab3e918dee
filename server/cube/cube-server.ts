/*
 * Cube, embedded: a thin @cubejs-backend/server wrapper over the warehouse
 * (the DuckDB file, or PostgreSQL with REVCYCLE_WAREHOUSE_URL: driver.ts).
 *
 * - Model: only `model/cubes/` and `model/views/` are handed to Cube (the
 *   warehouse SQL and its test YAML under `model/warehouse/` must not be).
 * - Warehouse swaps: the build renames a new file over the warehouse. The
 *   orchestrator id carries the file's identity, so the first request after a
 *   swap opens the new file with a fresh driver and fresh caches; the previous
 *   instance stays open for queries already running on it.
 * - Auth: Cube's JWT check with the API secret, always on. A token may carry
 *   `team` (row-level scope: views with an `owner_team` dimension are
 *   filtered to it) and `scopes` (Cube API scopes: meta, data, graphql, sql).
 * - Pre-aggregations live in the warehouse itself (external: false); cache
 *   and queue driver `memory`; dev mode off. With CUBEJS_REFRESH_WORKER=true
 *   the process is Cube's refresh worker (scheduled refresh on).
 * - Warehouse swaps, PostgreSQL: the orchestrator id follows the build time
 *   the same way (driver.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import type { Config } from '../config.js';
import { prepareCubeRuntime, type CubeRuntime } from './native-fallback.js';
import { corsOptions } from '../security/origin.js';
import { modelSourceOptions, type CubeCore } from './model-files.js';
import { warehouseDriver, withBuildRefreshKeys } from './driver.js';

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
  close(): Promise<void>;
}

export function createCube(config: Config): CubeHandle {
  const runtime = prepareCubeRuntime();
  process.env.CUBEJS_LOG_LEVEL ??= config.logLevel;
  process.env.CUBEJS_DEV_MODE = 'false';
  const driver = warehouseDriver(config);
  process.env.CUBEJS_DB_TYPE = driver.dbType;
  // Queries without a timezone are cut in the company's zone (Asia/Tokyo by default), not UTC.
  process.env.CUBEJS_DEFAULT_TIMEZONE = config.timeZone;
  process.env.CUBEJS_PORT = String(config.port);
  process.env.PORT = String(config.port);
  process.env.CUBEJS_TELEMETRY = 'false';
  // Pre-aggregations in the warehouse itself, unless a Cube Store is configured (Cube's default then).
  if (!config.cubeStoreHost) process.env.CUBEJS_EXTERNAL_DEFAULT = 'false';
  process.env.CUBEJS_SCHEDULED_REFRESH_DEFAULT ??= 'false';

  const { CubejsServer } = require('@cubejs-backend/server');

  const modelFiles = readModelFiles(config.modelDir);
  const scopedViews = teamScopedViews(modelFiles);
  const publicViews = viewNames(modelFiles);
  const source = modelSourceOptions(config, (): CubeCore => server.core, () => driver.identity()); // the model with the warehouse's fiscal year (model-files.ts)
  const repositoryFactory =
    driver.dbType === 'postgres'
      ? (context: object) => {
          const files = source.repositoryFactory(context);
          return { dataSchemaFiles: async () => withBuildRefreshKeys(await files.dataSchemaFiles()) };
        }
      : source.repositoryFactory;

  const server = new CubejsServer({
    apiSecret: config.apiSecret,
    devServer: false,
    // Cube installs cors() before every route; without this it answers Access-Control-Allow-Origin: *.
    http: { cors: corsOptions(config.security) },
    cacheAndQueueDriver: config.cubeStoreHost ? 'cubestore' : 'memory',
    telemetry: false,
    logger: (msg: string, params: Record<string, unknown>) => {
      if (config.logLevel === 'trace' || /error/i.test(msg)) console.log(`[cube] ${msg}`, JSON.stringify(params).slice(0, 2000));
    },
    schemaVersion: source.schemaVersion,
    repositoryFactory,
    driverFactory: () => driver.create(), // DuckDB or PostgreSQL (driver.ts)
    contextToOrchestratorId: async () => `warehouse-${await driver.identity()}`,
    contextToApiScopes: async (securityContext: SecurityContext, defaultScopes: string[]) =>
      Array.isArray(securityContext?.scopes) ? securityContext.scopes.filter((s) => (API_SCOPES as readonly string[]).includes(s)) : defaultScopes,
    queryRewrite: (query: CubeQuery, { securityContext }: { securityContext: SecurityContext }) => {
      assertPublicMembers(query, publicViews);
      return scopeQueryToTeam(query, securityContext?.team, scopedViews);
    },
    // Only Cube's refresh worker (CUBEJS_REFRESH_WORKER=true) refreshes pre-aggregations on a schedule.
    scheduledRefreshTimer: config.refreshWorker ? config.scheduledRefreshSeconds : false,
  });
  const core = server.core;
  // The server's close releases Cube's connections; the warehouse driver's own (identity) connection goes with them.
  const releaseConnections = core.releaseConnections?.bind(core);
  core.releaseConnections = async () => {
    await releaseConnections?.();
    await driver.close();
  };
  // Cube only enforces auth when NODE_ENV=production; revcycle enforces it always.
  const createGateway = core.createApiGatewayInstance.bind(core);
  core.createApiGatewayInstance = (secret: string, compilerApi: unknown, orchestratorApi: unknown, logger: unknown, options: object) =>
    createGateway(secret, compilerApi, orchestratorApi, logger, { ...options, enforceSecurityChecks: true });

  const systemContext = () => ({ securityContext: {}, requestId: `readyz-${Date.now()}` });

  return {
    runtime,
    server,
    core,
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
      if (driver.dbType === 'duckdb' && !existsSync(config.warehousePath)) throw new Error(`No warehouse at ${config.warehousePath}: run npm run build:warehouse`);
      const orchestrator = await core.getOrchestratorApi(ctx);
      await orchestrator.testDriverConnection(orchestrator.driverFactory, 'internal', 'default');
    },
    async close() {
      await server.close?.();
      await core.shutdown?.();
      await driver.close();
    },
  };
}
