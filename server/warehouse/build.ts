/*
 * Builds the warehouse: seeds → raw → staging → marts, then the data tests,
 * the build record, and an atomic swap. The seeds' raw tables are dropped once
 * staging holds their rows (run-models.ts `releaseSeeds`). This is the one build sequence; where
 * the new warehouse is built and how it is swapped in is its target's
 * (target.ts, `WarehouseTarget`): the DuckDB file (target-duckdb.ts: a new
 * file renamed over the old one) or, with `warehouseUrl`
 * (REVCYCLE_WAREHOUSE_URL), PostgreSQL (target-postgres.ts: new schemas
 * switched in by one transaction). The targets import the interface, never
 * this file.
 *
 * Whatever the target, nothing a reader sees changes before the swap: on any
 * failure the new warehouse is discarded and the previous one is left as it
 * was, and a build killed at any phase (REVCYCLE_BUILD_HOLD_AT holds it at
 * one for the fault tests) leaves the previous warehouse serving.
 *
 * An incremental build (`incremental`, incremental.ts) starts from the
 * previous warehouse where the target can (the DuckDB file) and its models
 * allow; only the models step differs.
 *
 * Rows set aside by the loader are listed in `raw.rejected_rows` and, after a
 * successful swap, in `<warehouse dir>/rejected/<table>.csv`.
 */
import path from 'node:path';
import { type BuildHoldPhase } from '../config.js';
import { loadSeeds, type LoadSeedsResult } from './load-seeds.js';
import { runModels } from './run-models.js';
import { runModelsIncrementally, type IncrementalPlan } from './incremental.js';
import {
  DEFAULT_MODELS_DIR,
  hashModels,
  buildInfoSql,
  publishRejectedReports,
  runModelsAndTests,
  seedAsOf,
  seedTimeZone,
  summarize,
  WarehouseBuildError,
  type BuildOptions,
  type BuildSummary,
} from './build-steps.js';
import { type WarehouseSession, type WarehouseTarget } from './target.js';
import { duckdbTarget } from './target-duckdb.js';

export * from './build-steps.js';

/**
 * Fault tests only: with holdAt (REVCYCLE_BUILD_HOLD_AT, read in config.ts) the build says "holding at <phase>" and
 * waits there to be killed, so a test stops a small build at an exact phase instead of racing a slow one.
 */
async function holdAt(wanted: BuildHoldPhase | undefined, phase: BuildHoldPhase) {
  if (wanted !== phase) return;
  console.log(`holding at ${phase}`);
  // a timer keeps the process alive (a promise alone would let Node exit)
  await new Promise(() => setInterval(() => undefined, 60_000));
}

/** The target `options` name: PostgreSQL with `warehouseUrl`, else the DuckDB file. */
async function targetOf(options: BuildOptions, warehousePath: string, log: (m: string) => void): Promise<WarehouseTarget> {
  if (!options.warehouseUrl) return duckdbTarget({ warehousePath, log, duckdb: options.duckdb });
  // Loaded only here: a DuckDB build needs neither node-postgres nor the dialect layer.
  const { postgresTarget } = await import('./target-postgres.js');
  return postgresTarget({ url: options.warehouseUrl, warehousePath, log });
}

/**
 * Builds the warehouse into its target's new warehouse, runs the data tests and swaps it in. Throws (leaving the
 * previous warehouse untouched) when a seed file or model is broken or any data test fails.
 */
export async function buildWarehouse(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const startedAt = new Date();
  const log = options.log ?? ((m: string) => console.log(m));
  const warehousePath = path.resolve(options.warehousePath);
  const seedsDir = path.resolve(options.seedsDir);
  const modelsDir = path.resolve(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const rejectedDir = path.join(path.dirname(warehousePath), 'rejected');
  const target = await targetOf(options, warehousePath, log);
  await target.prepare();
  let swapped = false;
  try {
    const modelsHash = await hashModels(modelsDir);
    const hold = (phase: BuildHoldPhase) => holdAt(options.holdAt, phase);
    if (options.incremental === true && !target.previous)
      log(`  incremental: building every model (${target.shown} has no file to start from)`);
    // Checked before the copy, so a model change costs no copy of the previous file; `attach` checks again
    // (and the time zone, which the seeds decide) once they are loaded.
    let reuse = options.incremental === true && target.previous !== undefined && (await target.previous.reusable(modelsHash));
    let session!: WarehouseSession;
    let settings: Record<string, unknown> = {};
    let loaded!: LoadSeedsResult;
    let loadMs = 0;
    let timeZone = '';
    let copyMs: number | undefined;
    for (;;) {
      ({ session, settings, copyMs } = await target.open(reuse));

      const loadStarted = performance.now();
      loaded = await loadSeeds(await target.seedConnection(), seedsDir, {
        workDir: target.workDir,
        log,
        printLimit: options.printLimit,
        reportPath: (table) => path.join(rejectedDir, `${table}.csv`),
      });
      await target.seedsLoaded();
      loadMs = performance.now() - loadStarted;

      timeZone = await seedTimeZone(session);
      // Seed times without an offset are wall-clock times in the settings' zone.
      await target.useTimeZone(timeZone);
      await hold('loaded');
      if (!reuse || (await target.previous!.attach(modelsHash, timeZone))) break;
      // The copy cannot be reused after all (another zone, or the file went): start again from an empty warehouse.
      await target.discard();
      reuse = false;
    }
    let incremental: IncrementalPlan | undefined;
    const { built, results, modelsMs, testsMs } = await runModelsAndTests(
      session,
      modelsDir,
      log,
      loaded.rejectedTotal,
      target.shown,
      async (s, dir, say) => {
        const done = reuse ? await runModelsIncrementally(s, dir, say) : { ...(await runModels(s, dir, say)), plan: undefined };
        incremental = done.plan;
        await hold('modelled');
        return done;
      },
      () => target.testSessions(),
    );
    await target.testsDone();
    if (reuse) await target.previous!.detach();
    await hold('tested');

    const finishStarted = performance.now();
    const asOf = await seedAsOf(session);
    await session.run(
      buildInfoSql({ startedAt, seedsHash: loaded.seedsHash, modelsHash, asOf, timeZone, rejectedRows: loaded.rejectedTotal }),
    );
    await target.seal();
    const finishMs = performance.now() - finishStarted;

    await options.beforeSwap?.(target.building);
    await hold('before-swap');
    await target.swap();
    swapped = true;
    await target.afterSwap(startedAt);

    const rejectedReports = await publishRejectedReports(loaded.tables, rejectedDir);
    return summarize({
      warehousePath: target.location,
      startedAt,
      started,
      loaded,
      modelsHash,
      asOf,
      timeZone,
      models: built,
      results,
      rejectedReports,
      duckdb: settings,
      incremental,
      ms: { copy: copyMs, load: loadMs, models: modelsMs, tests: testsMs, finish: finishMs },
    });
  } catch (e) {
    if (swapped) throw e;
    await target.discard();
    if (e instanceof WarehouseBuildError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new WarehouseBuildError(`Warehouse not updated (${target.shown} is unchanged): ${message}`, [], {
      cause: e,
    });
  } finally {
    await target.release();
  }
}
