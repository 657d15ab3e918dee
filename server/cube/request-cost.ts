/*
 * Work Cube 1.7.43 repeats for every query although its answer cannot have
 * changed, done once instead. A page's queries are mostly answered from
 * Cube's caches, so this repeated work was most of a cached query's time on
 * the server (CPU profile of the server while pages' batches were replayed,
 * `node --cpu-prof`): it is what a page's round trips and the concurrent
 * clients wait for on the one JavaScript thread.
 *
 * - The SQL dialect: Cube's default `dialectFactory` resolves the driver's
 *   package (`require` and `packageExists`, file system look-ups, through
 *   tsx's resolver) on every query. `cachedDialectFactory` looks it up once
 *   per database type, with Cube's own function.
 * - The SQL of a query: Cube keeps it per compiled model (`sqlCache`, on by
 *   default: CompilerApi.getSql), but builds the query's SQL generator
 *   (BaseQuery: joins, pre-aggregation matching) before it looks there.
 *   `reuseCachedSql` looks first, with Cube's own cache and key, and calls
 *   Cube's getSql only on a miss (which then fills that cache as before).
 *   The key is the query after the policy's rewrite (queryRewrite runs
 *   before getSql), so what one principal's query cached is only found by
 *   the same rewritten query.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Cube's default `dialectFactory` (server-core OptsHandler), with the driver's dialect looked up once per type. */
export function cachedDialectFactory(): (ctx: { dbType: string }) => unknown {
  const { lookupDriverClass } = require('@cubejs-backend/server-core/dist/src/core/DriverResolvers.js');
  const dialects = new Map<string, unknown>();
  return (ctx) => {
    if (!dialects.has(ctx.dbType)) {
      const driverClass = lookupDriverClass(ctx.dbType);
      dialects.set(ctx.dbType, driverClass.dialectClass ? driverClass.dialectClass() : undefined);
    }
    return dialects.get(ctx.dbType);
  };
}

/** The slice of Cube's CompilerApi used here. */
interface CompilerApiLike {
  sqlCache?: boolean;
  getCompilers(options: { requestId?: string }): Promise<{
    compilerCache?: { getQueryCache(key: unknown): { storage?: Record<string, unknown> } };
  }>;
  getSql(query: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** Wraps each compiler API `core.getCompilerApi` hands out so its getSql answers a cached query before building SQL. */
export function reuseCachedSql(core: { getCompilerApi(ctx: object): Promise<CompilerApiLike> }): void {
  const getCompilerApi = core.getCompilerApi.bind(core);
  const wrapped = new WeakSet<object>();
  core.getCompilerApi = async (ctx: object) => {
    const api = await getCompilerApi(ctx);
    if (wrapped.has(api)) return api;
    wrapped.add(api);
    const getSql = api.getSql.bind(api);
    api.getSql = async (query, options = {}) => {
      if (api.sqlCache) {
        const compilers = await api.getCompilers({ requestId: query.requestId as string | undefined });
        // Cube's key (CompilerApi.getSql): the query without its request id, and the options.
        const { requestId, ...keyOptions } = query;
        const cached = compilers.compilerCache?.getQueryCache({ query: keyOptions, options }).storage?.sql;
        if (cached !== undefined) return cached;
      }
      return getSql(query, options);
    };
    return api;
  };
}
