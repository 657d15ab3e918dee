/*
 * Pre-aggregation warm-up: builds every rollup of the model over a warehouse
 * file BEFORE the server answers from that file, so no user's request waits
 * for (or triggers) a build.
 *
 * Cube keys its orchestrator (driver, caches, pre-aggregation tables) by the
 * warehouse file's identity. The server answers from the identity it has
 * warmed (`served`); when a build swaps a new file in, the watcher warms the
 * new identity through its own orchestrator and only then switches the
 * served identity. An API request that arrives in between waits for that
 * warm-up (`ready`) rather than reading the previous file, so an answer never
 * mixes the new model with old data; no request builds a rollup itself.
 *
 * Builds go through Cube's refresh scheduler (buildPreAggregations, the API
 * behind /cubejs-system/v1/pre-aggregations/jobs) in the settings' zone,
 * the zone the dashboard queries in. A build that outlasts Cube's
 * continue-wait timeout is awaited by asking again (the queue deduplicates).
 *
 * Limits: only the time zone given is warmed (a query in another zone builds
 * its own rollup on request); a warm-up that fails is logged and the file is
 * served anyway (queries then build what they need).
 */

/** The slice of Cube's server core the warm-up uses. */
export interface WarmupCore {
  getCompilerApi(ctx: object): Promise<{ preAggregations(filter?: object): Promise<{ id: string }[]> }>;
  getRefreshScheduler(): { buildPreAggregations(ctx: object, options: object): Promise<unknown> };
}

export interface WarmupResult {
  identity: string;
  preAggregations: string[];
  ms: number;
  error?: string;
}

export interface Warmup {
  /** The warehouse identity the server answers from. */
  served(): string;
  /** Warms the file's current identity and serves it. */
  warm(): Promise<WarmupResult>;
  /** Resolves once the file's current identity is warmed and served (warming it if nobody has started). */
  ready(): Promise<void>;
  /** Polls the file and warms a new one as soon as a build swaps it in; returns the stop function. */
  watch(intervalMs?: number): () => void;
  /** The last warm-up's result, if any. */
  last(): WarmupResult | undefined;
}

const isContinueWait = (e: unknown) => (e as { error?: string } | null)?.error === 'Continue wait';

export function createWarmup(options: {
  core: () => WarmupCore;
  identity: () => string;
  timeZone: string;
  log: (message: string) => void;
}): Warmup {
  let served = options.identity();
  let running: Promise<WarmupResult> | undefined;
  let last: WarmupResult | undefined;

  async function build(identity: string): Promise<WarmupResult> {
    const started = performance.now();
    // The context selects the orchestrator of `identity` (contextToOrchestratorId).
    const ctx = { securityContext: {}, warehouseIdentity: identity, requestId: `warmup-${identity}-${Date.now()}` };
    let ids: string[] = [];
    try {
      const compilerApi = await options.core().getCompilerApi(ctx);
      ids = (await compilerApi.preAggregations()).map((p) => p.id);
      const scheduler = options.core().getRefreshScheduler();
      for (;;) {
        try {
          await scheduler.buildPreAggregations(ctx, {
            timezones: [options.timeZone],
            preAggregations: ids.map((id) => ({ id })),
            forceBuildPreAggregations: false,
            throwErrors: true,
          });
          break;
        } catch (e) {
          if (!isContinueWait(e)) throw e;
        }
      }
      return { identity, preAggregations: ids, ms: Math.round(performance.now() - started) };
    } catch (e) {
      const error = (e as { error?: string; message?: string })?.error ?? (e as Error)?.message ?? String(e);
      options.log(`pre-aggregation warm-up failed for warehouse ${identity}: ${error} (queries will build what they need)`);
      return { identity, preAggregations: ids, ms: Math.round(performance.now() - started), error };
    }
  }

  async function warm(): Promise<WarmupResult> {
    while (running) await running;
    const identity = options.identity();
    if (last && identity === served) return last; // warmed by a concurrent caller
    running = build(identity).then((result) => {
      served = identity;
      last = result;
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
      while (running) await running;
      if (options.identity() !== served) await warm();
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
