/*
 * Builds the warehouse: seeds → raw → staging → marts, then the data tests,
 * then an atomic swap.
 *
 * Everything is built into a new file `<warehouse>.building-<pid>-<ts>.duckdb`.
 * Only when every data test passes is it renamed over the warehouse path
 * (rename(2) is atomic on one file system, so a reader sees the old or the new
 * warehouse, never half of one). On any failure the new file is deleted and
 * the previous warehouse is left as it was. A DuckDB process that already has
 * the old file open keeps reading the old file until it reopens. A build that
 * is killed outright (kill -9, power loss) cannot clean up: the next build
 * removes the files of builds whose process is gone (a partial warehouse can
 * be as large as the real one).
 *
 * With `warehouseUrl` (REVCYCLE_WAREHOUSE_URL) the same build runs on
 * PostgreSQL instead (target-postgres.ts): new schemas, switched in by one
 * transaction.
 *
 * An incremental build (`incremental`, incremental.ts) starts the new file as
 * a copy of the previous warehouse (a reflink where the file system has them)
 * and updates it in place; the previous file is only read, so the same
 * guarantees hold.
 *
 * Rows set aside by the loader are listed in `raw.rejected_rows` and, after a
 * successful swap, in `<warehouse dir>/rejected/<table>.csv`.
 */
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_SETTINGS_QUERY, duckDbOptions, duckDbSettingsMismatch, type BuildHoldPhase } from '../config.js';
import { displayPath, loadSeeds, type LoadSeedsResult } from './load-seeds.js';
import { MODEL_SCHEMAS, SEARCH_PATH, runModels } from './run-models.js';
import {
  attachPrevious,
  clearCopy,
  detachPrevious,
  previousReusable,
  runModelsIncrementally,
  type IncrementalPlan,
} from './incremental.js';

import {
  quote,
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
import { processAlive } from '../process-alive.js';

export * from './build-steps.js';

/** Removes `<warehouse>.building-<pid>-<ts>.duckdb[.wal|.work]` left by builds whose process is gone. */
async function removeAbandonedBuilds(warehousePath: string, log: (m: string) => void) {
  const base = path.basename(warehousePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const leftover = new RegExp(`^${base}\\.building-(\\d+)-\\d+\\.duckdb(?:\\.wal|\\.work)?$`);
  for (const name of await readdir(path.dirname(warehousePath))) {
    const pid = Number(leftover.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    await rm(path.join(path.dirname(warehousePath), name), { recursive: true, force: true });
    log(`  removed ${name}, left by an interrupted build (process ${pid} is gone)`);
  }
}

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

/**
 * Builds the warehouse into a new file, runs the data tests and swaps it in.
 * Throws (leaving the previous warehouse untouched) when a seed file or model
 * is broken or any data test fails.
 */
export async function buildWarehouse(options: BuildOptions): Promise<BuildSummary> {
  if (options.warehouseUrl) {
    const { buildPostgresWarehouse } = await import('./target-postgres.js');
    return buildPostgresWarehouse({ ...options, warehouseUrl: options.warehouseUrl });
  }
  const started = performance.now();
  const startedAt = new Date();
  const log = options.log ?? ((m: string) => console.log(m));
  const warehousePath = path.resolve(options.warehousePath);
  const seedsDir = path.resolve(options.seedsDir);
  const modelsDir = path.resolve(options.modelsDir ?? DEFAULT_MODELS_DIR);
  const outDir = path.dirname(warehousePath);
  const rejectedDir = path.join(outDir, 'rejected');
  const building = `${warehousePath}.building-${process.pid}-${Date.now()}.duckdb`;
  const workDir = `${building}.work`;
  await mkdir(outDir, { recursive: true });
  await removeAbandonedBuilds(warehousePath, log);

  const modelsHash = await hashModels(modelsDir);
  const hold = (phase: BuildHoldPhase) => holdAt(options.holdAt, phase);
  // Checked before the copy, so a model change costs no copy of the previous file; attachPrevious checks again
  // (and the time zone, which the seeds decide) once they are loaded.
  let fromCopy = options.incremental === true && (await previousReusable(warehousePath, modelsHash, log));

  let swapped = false;
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  let testConn: DuckDBConnection | undefined;
  const close = () => {
    testConn?.closeSync();
    testConn = undefined;
    conn?.closeSync();
    instance?.closeSync();
    conn = undefined;
    instance = undefined;
  };
  const removeBuilding = async () => {
    await rm(building, { force: true });
    await rm(`${building}.wal`, { force: true });
  };
  try {
    if (options.duckdb) await mkdir(options.duckdb.tempDirectory, { recursive: true });
    let duckdb: Record<string, unknown> = {};
    let loaded!: LoadSeedsResult;
    let loadMs = 0;
    let timeZone = '';
    let copyMs: number | undefined;
    for (;;) {
      if (fromCopy) {
        const copyStarted = performance.now();
        // A reflink (btrfs, XFS, APFS) makes the copy free; elsewhere copyFile falls back to copying the bytes.
        await copyFile(warehousePath, building, constants.COPYFILE_FICLONE);
        copyMs = performance.now() - copyStarted;
        log(`  incremental: started from a copy of ${displayPath(warehousePath)} (${Math.round(copyMs)} ms)`);
      }
      instance = await DuckDBInstance.create(building, options.duckdb ? duckDbOptions(options.duckdb) : undefined);
      conn = await instance.connect();
      duckdb = (await conn.runAndReadAll(DUCKDB_SETTINGS_QUERY)).getRowObjectsJS()[0]!;
      const mismatch = options.duckdb ? duckDbSettingsMismatch(options.duckdb, duckdb) : null;
      if (mismatch) throw new WarehouseBuildError(mismatch);
      // Row order in warehouse tables carries no meaning. Keeping file order made DuckDB
      // rewrite every big table at the final checkpoint (minutes on the 10 M-touchpoint set).
      await conn.run('set preserve_insertion_order = false');
      if (fromCopy) await clearCopy(conn);
      for (const schema of ['raw', ...MODEL_SCHEMAS]) await conn.run(`create schema if not exists ${schema}`);

      const loadStarted = performance.now();
      loaded = await loadSeeds(conn, seedsDir, {
        workDir,
        log,
        printLimit: options.printLimit,
        reportPath: (table) => path.join(rejectedDir, `${table}.csv`),
      });
      loadMs = performance.now() - loadStarted;

      timeZone = await seedTimeZone(conn);
      // Seed times without an offset are wall-clock times in the settings' zone.
      await conn.run(`set TimeZone = ${quote(timeZone)}`);
      await hold('loaded');
      if (!fromCopy || (await attachPrevious(conn, warehousePath, modelsHash, timeZone, log))) break;
      // The copy cannot be reused after all (another zone, or the file went): start again from an empty file.
      close();
      await removeBuilding();
      fromCopy = false;
    }
    const reuse = fromCopy;
    let incremental: IncrementalPlan | undefined;
    const { built, results, modelsMs, testsMs } = await runModelsAndTests(
      conn,
      modelsDir,
      log,
      loaded.rejectedTotal,
      displayPath(warehousePath),
      reuse
        ? async (session, dir, say) => {
            const done = await runModelsIncrementally(session, dir, say);
            incremental = done.plan;
            await hold('modelled');
            return done;
          }
        : async (session, dir, say) => {
            const done = await runModels(session, dir, say);
            await hold('modelled');
            return done;
          },
      // One more connection: the data tests' queries run two at a time (most are small and leave a core idle).
      async () => {
        testConn = await instance!.connect();
        await testConn.run(`set search_path = '${SEARCH_PATH}'`);
        await testConn.run(`set TimeZone = ${quote(timeZone)}`);
        return [testConn];
      },
    );
    testConn?.closeSync();
    testConn = undefined;
    if (reuse) await detachPrevious(conn);
    await hold('tested');

    const finishStarted = performance.now();
    const asOf = await seedAsOf(conn);
    await conn.run(
      buildInfoSql({ startedAt, seedsHash: loaded.seedsHash, modelsHash, asOf, timeZone, rejectedRows: loaded.rejectedTotal }),
    );
    await conn.run('checkpoint');
    close();
    const finishMs = performance.now() - finishStarted;
    if (existsSync(`${building}.wal`)) throw new WarehouseBuildError(`internal: ${building}.wal left after checkpoint`);

    await options.beforeSwap?.(building);
    await hold('before-swap');
    // A WAL beside the old file belongs to the old database and must not be replayed onto the new one.
    await rm(`${warehousePath}.wal`, { force: true });
    await rename(building, warehousePath);
    await utimes(warehousePath, startedAt, startedAt);
    swapped = true;

    const rejectedReports = await publishRejectedReports(loaded.tables, rejectedDir);
    await rm(workDir, { recursive: true, force: true });

    return summarize({
      warehousePath,
      startedAt,
      started,
      loaded,
      modelsHash,
      asOf,
      timeZone,
      models: built,
      results,
      rejectedReports,
      duckdb,
      incremental,
      ms: { copy: copyMs, load: loadMs, models: modelsMs, tests: testsMs, finish: finishMs },
    });
  } catch (e) {
    if (swapped) throw e;
    try {
      close();
    } catch {
      // The instance may already be unusable; the files are removed below either way.
    }
    await removeBuilding();
    await rm(workDir, { recursive: true, force: true });
    if (e instanceof WarehouseBuildError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new WarehouseBuildError(`Warehouse not updated (${displayPath(warehousePath)} is unchanged): ${message}`, [], {
      cause: e,
    });
  }
}
