/*
 * Cube, embedded: a thin @cubejs-backend/server wrapper over the warehouse
 * (the DuckDB file, or PostgreSQL with REVCYCLE_WAREHOUSE_URL: driver.ts).
 *
 * - Model: only `model/cubes/` and `model/views/` are handed to Cube (the
 *   warehouse SQL and its test YAML under `model/warehouse/` must not be).
 * - Warehouse swaps: the build renames a new file over the warehouse. The
 *   orchestrator id and the app id (compiled model) carry the file's identity
 *   (driver.ts `fileIdentity`): a new file is opened with a fresh driver, fresh
 *   caches and its own model (its fiscal year). The served id switches to a
 *   new file only once its pre-aggregations are ready; until then the previous
 *   file keeps answering, and its instance is released once queries already
 *   running on it have had their time limit (pre-aggregations.ts).
 * - Auth and access: Cube's checkAuth is revcycle's verifier (../auth.ts)
 *   turning a token into a principal (../security/roles.ts); its
 *   queryRewrite (REST, GraphQL, /sql, /dry-run) and its /meta apply the
 *   one policy (../security/policy.ts), read against the compiled model.
 * - Hostile input: every query keeps to the grammar of
 *   ../security/query-guard.ts, its names checked against the compiled model
 *   before Cube looks any up (Cube reads names as plain-object keys); the
 *   HTTP routes pass ../security/cube-routes.ts first (routes served, rate
 *   limit, request-id ownership); errors reach the caller without internals
 *   (../security/request-errors.ts).
 * - Round trips: POST /cubejs-api/v1/batch runs several load and meta
 *   requests through the same gateway, each answered on its own
 *   (batch-load.ts).
 * - Cost: heavy queries run in their own lane on their own DuckDB
 *   connection(s) (../security/limits.ts), with the query time limit.
 * - Pre-aggregations live in the warehouse itself (external: false), keyed by
 *   the version of the tables they read (driver.ts `withBuildRefreshKeys`),
 *   so a restart reuses them, and so does an incremental build's file for
 *   the tables it left alone; Cube's YAML transpilation of the model is kept
 *   in the state directory (compile-cache.ts); cache and queue driver
 *   `memory`; dev mode off. With CUBEJS_REFRESH_WORKER=true the process is
 *   Cube's refresh worker (scheduled refresh on).
 * - PostgreSQL (REVCYCLE_WAREHOUSE_URL, driver.ts): the orchestrator id
 *   follows the build time; no warm-up here — the refresh worker builds the
 *   rollups, in the configured zones (config.scheduledRefreshTimeZones), and
 *   API instances only read them. CUBEJS_PRE_AGGREGATIONS_BUILDER=false is
 *   passed to Cube as `externalRefresh` itself: Cube reads the variable only
 *   with NODE_ENV=production and otherwise (its dev mode, which
 *   CUBEJS_DEV_MODE=false does not turn off) lets every instance build.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  type Config,
  type CostLimits,
  DUCKDB_SETTINGS_QUERY,
  duckDbOptions,
  duckDbSettingsMismatch,
  type DuckDbSettings,
} from '../config.js';
import { prepareCubeRuntime, type CubeRuntime } from './native-fallback.js';
import { corsOptions } from '../security/origin.js';
import { createAuthenticator } from '../auth.js';
import { API_SCOPES, OWN_CLAIMS, principalFromClaims, type Principal } from '../security/roles.js';
import { queryProblem } from '../security/query-guard.js';
import { logFault, publicQueryError } from '../security/request-errors.js';
import { RunningQueries } from '../security/running-queries.js';
import { cubeRouteGuard } from '../security/cube-routes.js';
import { HeavyLaneFull, heavyRowProblem, isHeavyQuery, Lane, RateLimiter } from '../security/limits.js';
import { bearerToken } from '../auth.js';
import {
  AccessDenied,
  authorizeQuery,
  catalogFromMeta,
  filterMeta,
  UnknownMember,
  type Catalog,
  type CubeQuery,
  type MetaCube,
} from '../security/policy.js';
import { modelSourceOptions, readModelFiles, type CubeCore, type WarehouseSettings } from './model-files.js';
import { refreshTimeZones, servedTimeZone } from './warehouse-time.js';
import { createWarmup, type Warmup } from './pre-aggregations.js';
import { persistYamlTranspilation } from './compile-cache.js';
import { fileIdentity, warehouseDriver, type WarehouseDriver, withBuildRefreshKeys } from './driver.js';
import { registerBatchRoute } from './batch-load.js';
import { cachedDialectFactory, reuseCachedSql } from './request-cost.js';

const require = createRequire(import.meta.url);

/**
 * express-graphql answers 500 whenever a query's resolvers all fail; a query
 * the policy refused (403) or found invalid (400) keeps that status instead
 * (getNormalizedQueries records it on the request context).
 */
function graphqlRefusalStatus(
  req: { context?: { refusedStatus?: number } },
  res: { statusCode: number; end: (...a: unknown[]) => unknown },
  next: () => void,
) {
  const end = res.end.bind(res);
  res.end = (...args: unknown[]) => {
    if (res.statusCode === 500 && req.context?.refusedStatus) res.statusCode = req.context.refusedStatus;
    return end(...args);
  };
  next();
}

export interface CubeHandle {
  runtime: CubeRuntime;
  server: any;
  core: any;
  listen(app?: (app: any) => void | Promise<void>): Promise<{ app: any; server: any; port: number }>;
  /** The principal of a token (the same check as Cube's); throws InvalidToken / InvalidRole with the reason. */
  principal(token: string): Promise<Principal>;
  /** Resolves when the model compiles and a real (cheap, uncached) query answers; throws the reason otherwise. */
  checkReady(): Promise<void>;
  /** Requests per token subject (security/limits.ts), shared by Cube's routes and revcycle's. */
  rateLimiter: RateLimiter;
  /** Builds the pre-aggregations of each warehouse file before it is served. */
  warmup: Warmup;
  /**
   * Reads the served warehouse's settings and serves its time zone (warehouse-time.ts); throws TimeZoneMismatch when
   * the environment names another. Returns the zone served.
   */
  resolveTime(): Promise<string>;
  /** DuckDB's threads, memory_limit and temp_directory as the server's driver reports them. */
  duckDbSettings(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** On PostgreSQL the refresh worker builds the rollups; an API instance serves what is there and never warms. */
function refreshWorkerBuilds(): Warmup {
  const result = { identity: 'postgres', preAggregations: [], built: [], reused: [], ms: 0, retried: [], failed: [] };
  return {
    served: () => 'postgres',
    warm: async () => result,
    ready: async () => undefined,
    watch: () => () => undefined,
    last: () => undefined,
  };
}

/** The driver's session SQL: Cube's DuckDB SQL converts zones assuming the session zone is UTC; then config's resources. */
function duckDbInitSql(settings: DuckDbSettings): string {
  const sets = Object.entries(duckDbOptions(settings)).map(([k, v]) => `SET ${k} = '${v.replaceAll("'", "''")}'`);
  return ["SET TimeZone = 'UTC'", ...sets].join('; ');
}

type Driver = WarehouseDriver;

/** Cube reads its settings from the environment: the ones revcycle decides, set before Cube is loaded. */
function setCubeEnvironment(config: Config): void {
  process.env.CUBEJS_LOG_LEVEL ??= config.logLevel;
  process.env.CUBEJS_DEV_MODE = 'false';
  // Queries without a timezone are cut in the warehouse's zone (warehouse-time.ts), not UTC; Cube reads the
  // variable on every query, so followWarehouseZone moves it when a build with another zone is swapped in.
  process.env.CUBEJS_DEFAULT_TIMEZONE = config.timeZone;
  process.env.CUBEJS_PORT = String(config.port);
  process.env.PORT = String(config.port);
  process.env.CUBEJS_TELEMETRY = 'false';
  // Pre-aggregations in the warehouse itself, unless a Cube Store is configured (Cube's default then).
  if (!config.cubeStoreHost) process.env.CUBEJS_EXTERNAL_DEFAULT = 'false';
  process.env.CUBEJS_SCHEDULED_REFRESH_DEFAULT ??= 'false';
  process.env.CUBEJS_MAX_REQUEST_SIZE = String(config.security.maxRequestBytes);
  process.env.CUBEJS_DB_QUERY_LIMIT = String(config.security.maxQueryLimit);
}

/** Cube's own error classes: a handler error keeps its status, a user error is the caller's 400. */
function cubeErrors(): { CubejsHandlerError: any; UserError: any } {
  return require('@cubejs-backend/api-gateway');
}

/**
 * The zone served follows each warehouse's settings (warehouse-time.ts). `mismatch()` is the conflict with the
 * environment's zone, if any: at start the server refuses it (resolveTime); a build swapped in later is served in
 * its own zone, as the dashboard reads it, and the conflict is logged.
 */
function followWarehouseZone(config: Config) {
  let mismatch: Error | undefined;
  const serve = (settings: WarehouseSettings) => {
    let zone: string;
    try {
      zone = servedTimeZone(config, settings);
      mismatch = undefined;
    } catch (e) {
      mismatch = e as Error;
      console.error(`[revcycle] ${mismatch.message}`);
      zone = settings.timeZone!;
    }
    if (zone !== config.timeZone) console.log(`[revcycle] serving the warehouse's time zone ${zone}`);
    config.timeZone = zone;
    process.env.CUBEJS_DEFAULT_TIMEZONE = zone;
  };
  return { serve, mismatch: () => mismatch };
}

/** Every rollup's refresh key is its tables' version (driver.ts): rebuilt when they change, reused across restarts. */
function buildKeyedRepository(source: ReturnType<typeof modelSourceOptions>, dbType: Driver['dbType']) {
  return (context: object) => {
    const files = source.repositoryFactory(context);
    return {
      dataSchemaFiles: async () =>
        withBuildRefreshKeys(
          await files.dataSchemaFiles(),
          dbType === 'duckdb' ? { checkEvery: '1 day', tableVersions: true } : {},
        ),
    };
  };
}

/** The policy reads the compiled model; one catalog per compiled meta (a model change recompiles). */
function policyCatalogs(core: () => any) {
  const catalogs = new WeakMap<object, Catalog>();
  const catalogOf = (metaConfig: { config: MetaCube }[]): Catalog => {
    let catalog = catalogs.get(metaConfig);
    if (!catalog) catalogs.set(metaConfig, (catalog = catalogFromMeta(metaConfig.map((c) => c.config))));
    return catalog;
  };
  const catalogFor = async (context: { requestId?: string }) => {
    const compilerApi = await core().getCompilerApi(context);
    return catalogOf(await compilerApi.metaConfig(context, { requestId: context.requestId }));
  };
  return { catalogOf, catalogFor };
}
type Catalogs = ReturnType<typeof policyCatalogs>;

function asCubeError(e: unknown) {
  const { CubejsHandlerError, UserError } = cubeErrors();
  if (e instanceof AccessDenied) return new CubejsHandlerError(403, 'Forbidden', e.message);
  if (e instanceof UnknownMember) return new UserError(e.message);
  return e;
}

/**
 * How many DuckDB connections light queries share (the driver's own and up to three more, opened when all are busy).
 * Cube's DuckDB driver runs every query on its one connection, one after the other: at 10 concurrent clients a
 * query of a few hundred milliseconds made every short one wait behind it (p95 set by the wait, not by any query).
 * DuckDB runs queries of different connections of one database at once.
 */
export const LIGHT_CONNECTIONS = 4;
/** A statement that only reads (what the light connections run). */
const READS = /^\s*(select|with)\b/i;

/**
 * Heavy queries (security/limits.ts) run in their own lane, on their own DuckDB connection(s); light ones on
 * LIGHT_CONNECTIONS connections, each to the least busy, so neither kind waits behind the other. A query is known as
 * heavy by its SQL text, marked when the gateway generates it (a query a rollup answers reads other SQL: light).
 * Every connection gets the driver's configuration (the session's UTC zone, threads, memory limit: duckDbInitSql).
 */
export function heavyQueryLane(limits: CostLimits, dbType: Driver['dbType']) {
  const heavySql = new Set<string>();
  const markHeavy = (sql: unknown) => {
    if (typeof sql !== 'string') return;
    heavySql.add(sql);
    if (heavySql.size > 2000) heavySql.delete(heavySql.values().next().value!);
  };
  // A slot rests as long as its query ran (at most 2 s: the result's cost on the JavaScript thread grows with its
  // rows, capped, not with the query's time): heavy work holds the server about half the time at most (limits.ts).
  const heavyLane = new Lane(
    limits.heavyConcurrency,
    limits.heavyQueue,
    () => new HeavyLaneFull(limits),
    (ms) => Math.min(ms, 2000),
  );
  function withHeavyLane(d: any) {
    const query = d.query.bind(d);
    const baseQuery = Object.getPrototypeOf(d).query;
    // Every connection opened here, configured as the driver configures its own; all closed with the driver.
    const opened: Promise<any>[] = [];
    const open = (): Promise<any> => {
      const connection = d.getInitiatedState().then(async (state: any) => {
        const c = await state.instance.connect();
        await d.configureConnection?.(c);
        return c;
      });
      opened.push(connection);
      return connection;
    };
    // The driver's own query, run on another connection of its DuckDB instance.
    const on = async (connection: any, sql: string, values?: unknown[], options?: unknown) => {
      const state = await d.getInitiatedState();
      const driver = Object.create(d, {
        getInitiatedState: { value: async () => ({ ...state, defaultConnection: connection }) },
      });
      return baseQuery.call(driver, sql, values, options);
    };
    // Light queries: the least busy connection; another is opened while all are busy and fewer than the limit.
    const light: { connection: Promise<any>; running: number }[] = [];
    const runLight = async (sql: string, values?: unknown[], options?: unknown) => {
      if (!light.length) light.push({ connection: d.getInitiatedState().then((s: any) => s.defaultConnection), running: 0 });
      let entry = light.reduce((a, b) => (b.running < a.running ? b : a));
      if (entry.running > 0 && light.length < LIGHT_CONNECTIONS) {
        const added = { connection: open(), running: 0 };
        // A connection that could not be opened is not kept: the next busy moment tries again.
        added.connection.catch(() => light.splice(light.indexOf(added), 1));
        light.push((entry = added));
      }
      entry.running++;
      try {
        return await on(await entry.connection, sql, values, options);
      } finally {
        entry.running--;
      }
    };
    const lane: Promise<any>[] = [];
    d.query = async (sql: string, values?: unknown[], options?: unknown) => {
      if (dbType !== 'duckdb')
        return heavySql.has(sql) ? heavyLane.run(() => query(sql, values, options)) : query(sql, values, options);
      // Statements that write (a rollup's build: CREATE TABLE … AS, DROP) stay on the driver's connection, one after
      // the other as before: a warm-up builds no more rollups at once than it did, within the same memory.
      if (!heavySql.has(sql)) return READS.test(sql) ? runLight(sql, values, options) : query(sql, values, options);
      return heavyLane.run(async (slot) => {
        const connection = await (lane[slot] ??= open().catch((e) => {
          delete lane[slot];
          throw e;
        }));
        // Cube's own timeout answers the client; this stops DuckDB's work, so the lane is free again.
        const timer = setTimeout(() => connection.interrupt?.(), limits.queryTimeoutSeconds * 1000);
        try {
          return await on(connection, sql, values, options);
        } finally {
          clearTimeout(timer);
        }
      });
    };
    const release = d.release?.bind(d);
    d.release = async () => {
      const connections = await Promise.allSettled(opened.splice(0));
      for (const c of connections) if (c.status === 'fulfilled') c.value?.closeSync?.();
      lane.splice(0);
      light.splice(0);
      await release?.();
    };
    return d;
  }
  return { markHeavy, withHeavyLane };
}
type HeavyLane = ReturnType<typeof heavyQueryLane>;

/** Builds each DuckDB file's rollups before it is served (pre-aggregations.ts); on PostgreSQL the refresh worker does. */
function servedFileWarmup(config: Config, dbType: Driver['dbType'], core: () => any): Warmup {
  if (dbType === 'postgres') return refreshWorkerBuilds();
  return createWarmup({
    core,
    identity: () => fileIdentity(config.warehousePath),
    // Read when each build is warmed, after its settings (the compiler's schemaVersion) set the zone served.
    get timeZone() {
      return config.timeZone;
    },
    log: (m) => console.log(`[revcycle] ${m}`),
    // the rollups written into the file itself (no Cube Store): an incremental build's copy of it carries them over
    checkpoint: !config.cubeStoreHost,
    // A replaced file's orchestrator (its DuckDB instance, which keeps the replaced file on disk) and model go
    // once a query started on it would have timed out. Cube's caches have no delete of their own: their LRU's.
    release: (identity) => {
      core().orchestratorStorage?.storage?.delete?.(`warehouse-${identity}`);
      core().compilerCache?.delete?.(`warehouse-${identity}`);
    },
    releaseAfterMs: (config.security.limits.queryTimeoutSeconds + 5) * 1000,
  });
}

interface ServerParts {
  driver: Driver;
  source: ReturnType<typeof modelSourceOptions>;
  warmup: Warmup;
  principal: (token: string) => Promise<Principal>;
  catalogs: Catalogs;
  lane: HeavyLane;
}

/** The options of Cube's server: model source, driver, orchestrator and app ids per file, auth, policy, refresh. */
function cubeServerOptions(config: Config, { driver, source, warmup, principal, catalogs, lane }: ServerParts) {
  const { CubejsHandlerError } = cubeErrors();
  const limits = config.security.limits;
  return {
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
    // Cube's own default, with the driver's dialect looked up once (request-cost.ts).
    dialectFactory: cachedDialectFactory(),
    repositoryFactory: buildKeyedRepository(source, driver.dbType),
    driverFactory: () => lane.withHeavyLane(driver.create()), // DuckDB or PostgreSQL (driver.ts)
    contextToOrchestratorId:
      driver.dbType === 'postgres'
        ? async () => `warehouse-${await driver.identity()}`
        : (ctx: { warehouseIdentity?: string } | undefined) => `warehouse-${ctx?.warehouseIdentity ?? warmup.served()}`,
    // One compiled model per DuckDB file: a rebuild's model (its fiscal year) compiles in its warm-up, beside the
    // served one, and never answers for the previous file.
    ...(driver.dbType === 'duckdb'
      ? {
          contextToAppId: (ctx: { warehouseIdentity?: string } | undefined) =>
            `warehouse-${ctx?.warehouseIdentity ?? warmup.served()}`,
          // Cube's default refresh context (none), said here: a refresh worker's scheduled refresh reads the served file.
          scheduledRefreshContexts: async () => [null],
        }
      : {}),
    checkAuth: async (req: { securityContext?: Principal }, auth?: string) => {
      try {
        req.securityContext = await principal(auth ?? '');
      } catch (e) {
        throw new CubejsHandlerError(401, 'Unauthorized', `Invalid token: ${(e as Error).message}`);
      }
    },
    contextToApiScopes: async (p: Principal) => p.scopes ?? [...API_SCOPES],
    queryRewrite: async (query: CubeQuery, context: { securityContext: Principal; requestId?: string }) => {
      try {
        return authorizeQuery(context.securityContext, query, await catalogs.catalogFor(context));
      } catch (e) {
        throw asCubeError(e);
      }
    },
    // Only Cube's refresh worker (CUBEJS_REFRESH_WORKER=true) refreshes pre-aggregations on a schedule, in the zones
    // the API instances query (Cube's default is UTC alone, and a rollup built in UTC serves no Asia/Tokyo query).
    scheduledRefreshTimer: config.refreshWorker ? config.scheduledRefreshSeconds : false,
    scheduledRefreshTimeZones: () => refreshTimeZones(config, config.timeZone),
    // CUBEJS_PRE_AGGREGATIONS_BUILDER=false: this instance never builds a pre-aggregation on a request (Cube's
    // externalRefresh). Cube derives that from the variable only when NODE_ENV=production; in any other environment
    // its dev mode lets every instance build, so it is said here.
    // Unset, the one server of `npm start` is its own builder (its warm-up builds every rollup before it answers),
    // in production mode too, where Cube's default would leave an instance without a refresh worker unable to build.
    orchestratorOptions: {
      preAggregationsOptions: { externalRefresh: !(config.preAggregationsBuilder ?? true) },
      // Cube's queue runs as many queries as the heavy lane may hold plus room for light ones, so heavy queries
      // waiting for their lane never fill it; a query past the time limit is stopped (503, security/request-errors.ts).
      queryCacheOptions: {
        queueOptions: {
          concurrency: limits.heavyConcurrency + limits.heavyQueue + 4,
          executionTimeout: limits.queryTimeoutSeconds,
        },
      },
    },
  };
}

/** The server's close releases Cube's connections; the warehouse driver's own (identity) connection goes with them. */
function releaseDriverWithCore(core: any, driver: Driver) {
  const releaseConnections = core.releaseConnections?.bind(core);
  core.releaseConnections = async () => {
    await releaseConnections?.();
    await driver.close();
  };
}

/**
 * Each API gateway Cube creates is guarded (guardGateway); Cube only enforces auth when NODE_ENV=production,
 * revcycle enforces it always. Returns the latest gateway (the readiness probe queries through it).
 */
function guardGateways(core: any, config: Config, catalogs: Catalogs, lane: HeavyLane): () => any {
  let gateway: any;
  const createGateway = core.createApiGatewayInstance.bind(core);
  core.createApiGatewayInstance = (
    secret: string,
    compilerApi: unknown,
    orchestratorApi: unknown,
    logger: unknown,
    options: object,
  ) => {
    gateway = guardGateway(
      createGateway(secret, compilerApi, orchestratorApi, logger, { ...options, enforceSecurityChecks: true }),
      config,
      catalogs,
      lane,
    );
    return gateway;
  };
  return () => gateway;
}

/** One gateway's guards: query checks before any SQL, errors without internals, the heavy lane, tokens, /meta. */
function guardGateway(gw: any, config: Config, { catalogFor, catalogOf }: Catalogs, lane: HeavyLane) {
  const { CubejsHandlerError, UserError } = cubeErrors();
  const limits = config.security.limits;
  // Every data route (REST, GraphQL, /sql, /dry-run, /subscribe, compareDateRange) normalizes its query here,
  // before any SQL: every name is checked against the compiled model and the grammar (security/query-guard.ts)
  // before Cube looks it up, and a bad query is the caller's 400 with the reason. A model that does not compile,
  // or an error Cube's own validation does not expect, is the server's fault and stays a 5xx.
  const normalize = gw.getNormalizedQueries.bind(gw);
  gw.getNormalizedQueries = async (
    input: unknown,
    context: { refusedStatus?: number; requestId?: string },
    ...rest: unknown[]
  ) => {
    try {
      const problem = queryProblem(input, config.security.maxQueryLimit, await catalogFor(context));
      if (problem) throw new UserError(`Invalid query: ${problem}`);
      const normalized = await normalize(input, context, ...rest);
      for (const q of normalized[1] ?? []) {
        const rows = heavyRowProblem(q, limits);
        if (rows) throw new UserError(`Invalid query: ${rows}`);
      }
      return normalized;
    } catch (e) {
      if (e instanceof CubejsHandlerError || (e as { type?: string })?.type === 'UserError')
        context.refusedStatus ??= e instanceof CubejsHandlerError ? (e as { status: number }).status : 400;
      throw e;
    }
  };
  // The caller sees a stable message and no internals; a fault is logged with its request id
  // (security/request-errors.ts). Cube's "Continue wait" (a long query, poll again) is Cube's own.
  const cubeHandleError = gw.handleError.bind(gw);
  gw.handleError = (args: {
    e: any;
    context?: { requestId?: string; refusedStatus?: number };
    res: (message: object, opts: { status: number }) => unknown;
  }) => {
    if (args.e?.error === 'Continue wait') return cubeHandleError(args);
    const out = publicQueryError(args.e);
    const requestId = args.context?.requestId;
    if (out.fault) logFault(requestId, args.e?.error ?? args.e);
    if (args.context && out.status < 500) args.context.refusedStatus ??= out.status;
    return args.res(out.status >= 500 ? { error: `${out.error} (request id ${requestId})`, requestId } : { error: out.error }, {
      status: out.status,
    });
  };
  // The SQL of a heavy query goes to the heavy lane (heavyQueryLane).
  const sqlQueries = gw.getSqlQueriesInternal.bind(gw);
  gw.getSqlQueriesInternal = async (context: unknown, normalized: object[]) => {
    const result = await sqlQueries(context, normalized);
    normalized.forEach((q, i) => {
      if (isHeavyQuery(q, limits)) lane.markHeavy(result[i]?.sql?.[0]);
    });
    return result;
  };
  // The token is read from the Authorization header exactly as revcycle's /api routes read it (auth.ts):
  // "Bearer <token>" or the token alone; Cube's own reading also took "Token X", "Basic X" and X-Cube-Authorization.
  gw.extractAuthorizationHeaderWithSchema = (req: { headers?: Record<string, unknown> }) =>
    bearerToken(typeof req.headers?.authorization === 'string' ? req.headers.authorization : undefined);
  // /meta lists only what the principal may query (views it cannot be scoped on, personal members hidden).
  // Cube filters the meta on every load too (for the answer's annotation): one filtered meta per compiled meta and
  // principal (the token's claims, as read), not one per query.
  const visible = gw.filterVisibleItemsInMeta.bind(gw);
  const filtered = new WeakMap<object, Map<string, { config: MetaCube }[]>>();
  gw.filterVisibleItemsInMeta = (
    context: { securityContext: Principal; signedWithPlaygroundAuthSecret?: boolean },
    cubes: { config: MetaCube }[],
  ) => {
    const key = JSON.stringify([context.securityContext, context.signedWithPlaygroundAuthSecret === true]);
    let byPrincipal = filtered.get(cubes);
    if (!byPrincipal) filtered.set(cubes, (byPrincipal = new Map()));
    let result = byPrincipal.get(key);
    if (!result) {
      result = filterMeta(
        context.securityContext,
        visible(context, cubes).map((c: { config: MetaCube }) => c.config),
        catalogOf(cubes),
      ).map((config) => ({ config }));
      // Tokens differ by subject and expiry, not by much else: a bound keeps a long-running process's map small.
      if (byPrincipal.size >= 1000) byPrincipal.delete(byPrincipal.keys().next().value!);
      byPrincipal.set(key, result);
    }
    return result;
  };
  return gw;
}

const systemContext = () => ({ securityContext: {}, requestId: `readyz-${Date.now()}` });

/** What /readyz checks: the model compiles, the driver connects with the configured settings, a real query answers. */
function readinessProbe(core: any, config: Config, driver: Driver, catalogs: Catalogs, gateway: () => any) {
  // What Object.prototype holds at start: a request that changed it (prototype pollution) makes the process unready.
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  let readyzCount = 0;
  /**
   * A real query through the gateway, as a client's would run (normalization, policy, SQL, the database), cheap and
   * never answered from the cache: one row of a reference view's dimension (any view's, if none is declared), with
   * a filter that differs on every call.
   */
  const realQuery = async () => {
    const ctx = { securityContext: { role: 'executive', sub: 'readyz' }, requestId: `readyz-${Date.now()}-${readyzCount}` };
    const catalog = await catalogs.catalogFor(ctx);
    const views = [...catalog.values()].sort((a, b) => Number(b.reference) - Number(a.reference));
    const dimension = views
      .flatMap((v) => [...v.info.entries()].filter(([, i]) => i.kind === 'dimension' && i.type === 'string'))
      .map(([name]) => name)[0];
    if (!dimension) return; // a model without a text dimension: nothing cheap to ask
    if (!gateway()) throw new Error('the API gateway has not started');
    const query = {
      dimensions: [dimension],
      filters: [{ member: dimension, operator: 'notEquals', values: [`readyz-${Date.now()}-${readyzCount++}`] }],
      limit: 1,
    };
    await new Promise<void>((resolve, reject) => {
      gateway()
        .load({
          query,
          context: ctx,
          res: async (message: { error?: string }, opts: { status?: number } = {}) => {
            if (message?.error || (opts.status ?? 200) >= 400)
              reject(new Error(`a query failed: ${message?.error ?? opts.status}`));
            else resolve();
          },
        })
        .catch(reject);
    });
  };
  const duckDbSettings = async (): Promise<Record<string, unknown>> => {
    const orchestrator = await core.getOrchestratorApi(systemContext());
    const driver = await orchestrator.driverFactory('default');
    const row = (await driver.query(DUCKDB_SETTINGS_QUERY, []))[0] as Record<string, unknown>;
    return { ...row, threads: Number(row.threads) }; // the driver answers text
  };
  const checkReady = async () => {
    const ctx = systemContext();
    const compilerApi = await core.getCompilerApi(ctx);
    await compilerApi.metaConfig(ctx, { requestId: ctx.requestId });
    if (driver.dbType === 'duckdb' && !existsSync(config.warehousePath))
      throw new Error(`No warehouse at ${config.warehousePath}: run npm run build:warehouse`);
    const orchestrator = await core.getOrchestratorApi(ctx);
    await orchestrator.testDriverConnection(orchestrator.driverFactory, 'internal', 'default');
    if (driver.dbType === 'duckdb') {
      const mismatch = duckDbSettingsMismatch(config.serverDuckdb, await duckDbSettings());
      if (mismatch) throw new Error(mismatch);
    }
    if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== prototypeNames)
      throw new Error('Object.prototype was changed by a request: restart the process');
    await realQuery();
  };
  return { checkReady, duckDbSettings };
}

export function createCube(config: Config): CubeHandle {
  const runtime = prepareCubeRuntime();
  setCubeEnvironment(config);
  const driver = warehouseDriver(config, duckDbInitSql(config.serverDuckdb));
  // DuckDB creates its spill directory's last level only; a query or rollup build that spills needs the rest.
  if (driver.dbType === 'duckdb') mkdirSync(config.serverDuckdb.tempDirectory, { recursive: true });
  process.env.CUBEJS_DB_TYPE = driver.dbType;
  const zone = followWarehouseZone(config);
  const { CubejsServer } = require('@cubejs-backend/server');
  const authenticator = createAuthenticator(config.apiSecret, config.security);
  const principal = async (token: string) => {
    const { claims, own } = await authenticator.verify(token);
    return principalFromClaims(claims, own ? OWN_CLAIMS : config.security.claims);
  };
  const coreOf = () => server.core;
  // On DuckDB a context names the file it reads (the warm-up's) or reads the served one (pre-aggregations.ts).
  const identityOf = (context?: { warehouseIdentity?: string }) =>
    driver.dbType === 'postgres' ? driver.identity() : Promise.resolve(context?.warehouseIdentity ?? warmup.served());
  // the model with the warehouse's fiscal year, and its zone served (model-files.ts)
  const source = modelSourceOptions(config, (): CubeCore => server.core, identityOf, zone.serve);
  const catalogs = policyCatalogs(coreOf);
  const lane = heavyQueryLane(config.security.limits, driver.dbType);
  const warmup = servedFileWarmup(config, driver.dbType, coreOf);
  const server = new CubejsServer(cubeServerOptions(config, { driver, source, warmup, principal, catalogs, lane }));
  const core = server.core;
  // A restart (and each new warehouse file's model) reuses Cube's YAML transpilation of unchanged model files.
  persistYamlTranspilation(core, path.join(config.stateDir, 'cube-yaml-cache.json'), () => readModelFiles(config.modelDir));
  // A cached query's SQL is read before Cube builds its SQL generator again (request-cost.ts).
  reuseCachedSql(core);
  releaseDriverWithCore(core, driver);
  const gateway = guardGateways(core, config, catalogs, lane);
  const limits = config.security.limits;
  const runningQueries = new RunningQueries();
  const rateLimiter = new RateLimiter(limits.ratePerMinute);
  const { checkReady, duckDbSettings } = readinessProbe(core, config, driver, catalogs, gateway);

  return {
    runtime,
    server,
    core,
    principal,
    rateLimiter,
    warmup,
    async resolveTime() {
      const ctx = { ...systemContext(), requestId: `time-${Date.now()}` };
      if (driver.dbType === 'duckdb') Object.assign(ctx, { warehouseIdentity: fileIdentity(config.warehousePath) });
      await source.warehouseSettings(ctx);
      const mismatch = zone.mismatch();
      if (mismatch) throw mismatch;
      return config.timeZone;
    },
    async listen(extend) {
      const cubeInitApp = core.initApp.bind(core);
      core.initApp = async (app: any) => {
        app.use('/cubejs-api/graphql', graphqlRefusalStatus);
        // Before Cube's handlers (which overflow their stack on deeply nested filters, and read names as object keys).
        app.use(
          '/cubejs-api',
          cubeRouteGuard({
            principal,
            maxQueryLimit: config.security.maxQueryLimit,
            running: runningQueries,
            rateLimiter,
          }),
        );
        await extend?.(app);
        await cubeInitApp(app);
        // After Cube's routes: the batch runs behind the gateway's own middlewares (token, request context).
        registerBatchRoute(app, gateway(), '/cubejs-api', config.security.maxQueryLimit);
      };
      // Slow clients: a request's headers and its whole body must arrive within the limits (checked every second).
      return server.listen({
        headersTimeout: limits.headersTimeoutSeconds * 1000,
        requestTimeout: limits.requestTimeoutSeconds * 1000,
        connectionsCheckingInterval: 1000,
      });
    },
    checkReady,
    duckDbSettings,
    async close() {
      await server.close?.();
      await core.shutdown?.();
      await driver.close();
    },
  };
}
