/*
 * The warehouse build's target on the DuckDB file (the default): the build
 * sequence of build.ts runs over it.
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
 * An incremental build (incremental.ts) starts the new file as a copy of the
 * previous warehouse (a reflink where the file system has them) and updates
 * it in place; the previous file is only read (attached read-only), so the
 * same guarantees hold.
 */
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DUCKDB_SETTINGS_QUERY, duckDbOptions, duckDbSettingsMismatch, type DuckDbSettings } from '../config.js';
import { processAlive } from '../process-alive.js';
import { quote, WarehouseBuildError } from './build-steps.js';
import { attachPrevious, clearCopy, detachPrevious, previousReusable } from './incremental.js';
import { displayPath } from './load-seeds.js';
import { MODEL_SCHEMAS, SEARCH_PATH } from './run-models.js';
import { duckdbSession, type WarehouseTarget } from './target.js';

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

export function duckdbTarget(options: {
  /** The warehouse file (absolute). */
  warehousePath: string;
  log: (message: string) => void;
  /** Threads, memory limit and spill directory (config.ts); DuckDB's defaults when absent. */
  duckdb?: DuckDbSettings;
}): WarehouseTarget {
  const { warehousePath, log } = options;
  const building = `${warehousePath}.building-${process.pid}-${Date.now()}.duckdb`;
  const workDir = `${building}.work`;
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  let testConn: DuckDBConnection | undefined;
  let zone: string | undefined;
  const closeTests = () => {
    testConn?.closeSync();
    testConn = undefined;
  };
  const close = () => {
    closeTests();
    conn?.closeSync();
    instance?.closeSync();
    conn = undefined;
    instance = undefined;
  };
  const open = () => {
    if (!conn) throw new WarehouseBuildError(`internal: ${displayPath(building)} is not open`);
    return conn;
  };
  return {
    shown: displayPath(warehousePath),
    location: warehousePath,
    building,
    workDir,
    previous: {
      reusable: (modelsHash) => previousReusable(warehousePath, modelsHash, log),
      attach: (modelsHash, timeZone) => attachPrevious(open(), warehousePath, modelsHash, timeZone, log),
      detach: () => detachPrevious(open()),
    },
    async prepare() {
      await mkdir(path.dirname(warehousePath), { recursive: true });
      await removeAbandonedBuilds(warehousePath, log);
    },
    async open(fromCopy) {
      if (options.duckdb) await mkdir(options.duckdb.tempDirectory, { recursive: true });
      let copyMs: number | undefined;
      if (fromCopy) {
        const copyStarted = performance.now();
        // A reflink (btrfs, XFS, APFS) makes the copy free; elsewhere copyFile falls back to copying the bytes.
        await copyFile(warehousePath, building, constants.COPYFILE_FICLONE);
        copyMs = performance.now() - copyStarted;
        log(`  incremental: started from a copy of ${displayPath(warehousePath)} (${Math.round(copyMs)} ms)`);
      }
      instance = await DuckDBInstance.create(building, options.duckdb ? duckDbOptions(options.duckdb) : undefined);
      conn = await instance.connect();
      const settings = (await conn.runAndReadAll(DUCKDB_SETTINGS_QUERY)).getRowObjectsJS()[0]!;
      const mismatch = options.duckdb ? duckDbSettingsMismatch(options.duckdb, settings) : null;
      if (mismatch) throw new WarehouseBuildError(mismatch);
      // Row order in warehouse tables carries no meaning. Keeping file order made DuckDB
      // rewrite every big table at the final checkpoint (minutes on the 10 M-touchpoint set).
      await conn.run('set preserve_insertion_order = false');
      if (fromCopy) await clearCopy(conn);
      for (const schema of ['raw', ...MODEL_SCHEMAS]) await conn.run(`create schema if not exists ${schema}`);
      return { session: duckdbSession(conn), settings, copyMs };
    },
    seedConnection: async () => open(),
    async seedsLoaded() {},
    async useTimeZone(timeZone) {
      zone = timeZone;
      await open().run(`set TimeZone = ${quote(timeZone)}`);
    },
    // One more connection: the data tests' queries run two at a time (most are small and leave a core idle).
    async testSessions() {
      testConn = await instance!.connect();
      await testConn.run(`set search_path = '${SEARCH_PATH}'`);
      if (zone !== undefined) await testConn.run(`set TimeZone = ${quote(zone)}`);
      return [duckdbSession(testConn)];
    },
    async testsDone() {
      closeTests();
    },
    async seal() {
      await open().run('checkpoint');
      close();
      if (existsSync(`${building}.wal`)) throw new WarehouseBuildError(`internal: ${building}.wal left after checkpoint`);
    },
    async swap() {
      // A WAL beside the old file belongs to the old database and must not be replayed onto the new one.
      await rm(`${warehousePath}.wal`, { force: true });
      await rename(building, warehousePath);
    },
    async afterSwap(startedAt) {
      // The file's time is its build's start: isWarehouseStale (build-steps.ts) compares the inputs' times with it.
      await utimes(warehousePath, startedAt, startedAt);
    },
    async discard() {
      try {
        close();
      } catch {
        // The instance may already be unusable; the files are removed below either way.
      }
      await rm(building, { force: true });
      await rm(`${building}.wal`, { force: true });
    },
    async release() {
      try {
        close();
      } catch {
        // Closed already, or unusable after a failure: nothing is left to write.
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
