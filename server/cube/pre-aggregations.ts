/*
 * Pre-aggregation warm-up: makes every rollup of the model ready over a
 * warehouse file BEFORE the server answers from that file, so no user's
 * request waits for (or triggers) a build.
 *
 * Rollups persist with the warehouse they were built from: Cube writes them
 * into the DuckDB file itself (external: false, schema
 * CUBEJS_PRE_AGGREGATIONS_SCHEMA), and their refresh key is the version of
 * the tables they read (driver.ts `withBuildRefreshKeys`, rollup-inputs.ts),
 * so the version Cube looks for after a restart is the one already in the
 * file: a restart on an unchanged warehouse reuses every rollup (no build), a
 * full build's file gets new ones, and an incremental build's file keeps the
 * rollups of the tables it left alone (server/warehouse/incremental.ts) and
 * gets new ones for the others. The warm-up reports which it built and which
 * it reused (the rollup tables it found in the file before and after).
 *
 * Cube keys its orchestrator (driver, caches) by the warehouse file's
 * identity (driver.ts `fileIdentity`). The server answers from the identity it
 * has warmed (`served`); when a build swaps a new file in, the watcher warms
 * the new identity through its own orchestrator while the old one keeps
 * serving, then switches the served identity in one step, and releases the
 * old orchestrator (its DuckDB instance and the replaced file) once queries
 * already running on it have had their time (`release`, after `releaseAfterMs`).
 * Requests therefore never wait for a rebuild's rollups, and an answer never
 * mixes the new file's rollups with the old file's data.
 *
 * Builds go through Cube's refresh scheduler (buildPreAggregations, the API
 * behind /cubejs-system/v1/pre-aggregations/jobs) in the settings' zone,
 * the zone the dashboard queries in. A build that outlasts Cube's
 * continue-wait timeout is awaited by asking again (the queue deduplicates).
 *
 * Memory: the rollups are built one at a time, each asked of the scheduler
 * on its own. Asked all at once, Cube's pre-aggregation
 * queue ran five builds together (its default concurrency) within the server's
 * one DuckDB memory limit, and the content map's count-distinct rollups failed
 * "Out of Memory" beside the others (200 k leads at a 120MB limit) although
 * each builds alone within it; at 1 M leads a first warm-up failed so at the
 * default 1200MB. A rollup that still fails for memory is built again alone
 * once every other has finished. A rollup that fails (for memory after its
 * retry, or for any other reason) leaves the others built: the result lists
 * each failed rollup with DuckDB's reason (`failed`, `error`).
 *
 * Limits: only the time zone given is warmed (a query in another zone builds
 * its own rollup on request); a warm-up that fails is logged and the file is
 * served anyway (queries then build what they need).
 */

/** The slice of Cube's server core the warm-up uses. */
export interface WarmupCore {
  getCompilerApi(ctx: object): Promise<{
    preAggregations(filter?: object): Promise<{ id: string }[]>;
    /** Where Cube writes this app's rollup tables (its preAggregationsSchema). */
    preAggregationsSchema?: string;
  }>;
  getRefreshScheduler(): { buildPreAggregations(ctx: object, options: object): Promise<unknown> };
  getOrchestratorApi(ctx: object): Promise<{
    driverFactory(dataSource: string): Promise<{
      getTablesQuery(schema: string): Promise<Record<string, unknown>[]>;
      query(sql: string, values?: unknown[]): Promise<unknown>;
    }>;
  }>;
}

export interface WarmupResult {
  identity: string;
  /** Every rollup of the model, by id (`cube.rollup`). */
  preAggregations: string[];
  /** Rollup tables this warm-up wrote into the warehouse (empty when every rollup was already there). */
  built: string[];
  /** Rollup tables of the model found in the warehouse and served as they are. */
  reused: string[];
  ms: number;
  /** Rollups built again, after every other, having run out of memory the first time (`cube.rollup`). */
  retried: string[];
  /** Rollups not built, each with its error (a memory failure's is the one of its retry alone). */
  failed: { id: string; error: string }[];
  /** Why the warm-up is incomplete: each failed rollup and its error, or what stopped the warm-up itself. */
  error?: string;
}

export interface Warmup {
  /** The warehouse identity the server answers from. */
  served(): string;
  /** Warms the file's current identity and serves it. */
  warm(): Promise<WarmupResult>;
  /** Resolves once some identity is served (the first warm-up); a rebuild's warm-up does not hold requests. */
  ready(): Promise<void>;
  /** Polls the file and warms a new one as soon as a build swaps it in; returns the stop function. */
  watch(intervalMs?: number): () => void;
  /** The last warm-up's result, if any. */
  last(): WarmupResult | undefined;
}

const isContinueWait = (e: unknown) => (e as { error?: string } | null)?.error === 'Continue wait';

const errorText = (e: unknown) => (e as { error?: string; message?: string })?.error ?? (e as Error)?.message ?? String(e);

/** DuckDB's error for an operator past the memory limit ("Out of Memory Error: failed to allocate …"). */
const isOutOfMemory = (error: string) => /out of memory/i.test(error);

const tableNames = (rows: Record<string, unknown>[]) =>
  rows.map((r) => String(r.table_name ?? r.TABLE_NAME ?? '')).filter((name) => name !== '');

export function createWarmup(options: {
  core: () => WarmupCore;
  identity: () => string;
  timeZone: string;
  log: (message: string) => void;
  /** Drops what Cube holds for an identity no longer served (its orchestrator and DuckDB instance). */
  release?: (identity: string) => void;
  /** How long a replaced identity stays open for queries already running on it (default 0). */
  releaseAfterMs?: number;
  /**
   * Checkpoints the warehouse after a warm-up that built rollups (DuckDB: moves them from the write-ahead log into
   * the file), so that a copy of the file alone holds them: an incremental build starts from such a copy and
   * keeps the rollups of the tables it leaves alone (server/warehouse/incremental.ts).
   */
  checkpoint?: boolean;
}): Warmup {
  let served = options.identity();
  let running: Promise<WarmupResult> | undefined;
  let last: WarmupResult | undefined;

  async function build(identity: string): Promise<WarmupResult> {
    const started = performance.now();
    // The context selects the orchestrator of `identity` (contextToOrchestratorId).
    const ctx = { securityContext: {}, warehouseIdentity: identity, requestId: `warmup-${identity}-${Date.now()}` };
    let ids: string[] = [];
    let before: string[] = [];
    try {
      const compilerApi = await options.core().getCompilerApi(ctx);
      ids = (await compilerApi.preAggregations()).map((p) => p.id);
      const schema = compilerApi.preAggregationsSchema;
      const orchestrator = await options.core().getOrchestratorApi(ctx);
      const tables = async () =>
        schema ? tableNames(await (await orchestrator.driverFactory('default')).getTablesQuery(schema)) : [];
      before = await tables();
      const scheduler = options.core().getRefreshScheduler();
      const failures = new Map<string, string>();
      const buildOne = async (id: string) => {
        for (;;) {
          try {
            await scheduler.buildPreAggregations(ctx, {
              timezones: [options.timeZone],
              preAggregations: [{ id }],
              forceBuildPreAggregations: false,
              throwErrors: true,
            });
            failures.delete(id);
            return;
          } catch (e) {
            if (!isContinueWait(e)) return void failures.set(id, errorText(e));
          }
        }
      };
      // each alone within the DuckDB memory limit, with all its threads
      for (const id of ids) await buildOne(id);
      // Out of memory beside other work (a query answered meanwhile): once more, after every other build.
      const retried = [...failures].filter(([, error]) => isOutOfMemory(error)).map(([id]) => id);
      for (const id of retried) {
        options.log(`rollup ${id} ran out of memory (${failures.get(id)}); building it again after the others`);
        await buildOne(id);
      }
      const failed = [...failures].map(([id, error]) => ({ id, error }));
      const after = await tables();
      const built = after.filter((t) => !before.includes(t));
      if (options.checkpoint && built.length > 0) {
        try {
          await (await orchestrator.driverFactory('default')).query('checkpoint');
        } catch (e) {
          // the rollups stay in the write-ahead log: served all the same, but a copy of the file lacks them
          options.log(`checkpoint after the warm-up of warehouse ${identity} failed: ${(e as Error)?.message ?? String(e)}`);
        }
      }
      const reused = after.filter((t) => before.includes(t));
      const ms = Math.round(performance.now() - started);
      if (!failed.length) return { identity, preAggregations: ids, built, reused, ms, retried, failed };
      // DuckDB's first line says why (its further lines are general advice)
      const error = failed.map((f) => `rollup ${f.id}: ${f.error.split('\n')[0]}`).join('; ');
      options.log(
        `pre-aggregation warm-up of warehouse ${identity}: ${failed.length} of ${ids.length} rollups not built, ${error} ` +
          '(the others serve; queries build what they need)',
      );
      return { identity, preAggregations: ids, built, reused, ms, retried, failed, error };
    } catch (e) {
      const error = errorText(e);
      options.log(`pre-aggregation warm-up failed for warehouse ${identity}: ${error} (queries will build what they need)`);
      const ms = Math.round(performance.now() - started);
      return { identity, preAggregations: ids, built: [], reused: [], ms, retried: [], failed: [], error };
    }
  }

  async function warm(): Promise<WarmupResult> {
    while (running) await running;
    const identity = options.identity();
    if (last && identity === served) return last; // warmed by a concurrent caller
    running = build(identity).then((result) => {
      const previous = served;
      served = identity;
      last = result;
      if (previous !== identity && options.release) {
        const timer = setTimeout(() => options.release!(previous), options.releaseAfterMs ?? 0);
        timer.unref();
      }
      return result;
    });
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  return {
    served: () => served,
    warm,
    async ready() {
      if (!last) await warm();
    },
    last: () => last,
    watch(intervalMs = 1000) {
      const timer = setInterval(() => {
        if (!running && options.identity() !== served) void warm();
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
