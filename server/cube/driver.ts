/*
 * Which database Cube reads: the DuckDB warehouse file (default) or the
 * PostgreSQL warehouse (REVCYCLE_WAREHOUSE_URL), through Cube's own drivers
 * (@cubejs-backend/duckdb-driver, @cubejs-backend/postgres-driver).
 *
 * - `identity()` changes when a build is swapped in (`fileIdentity`: the
 *   file's inode and creation time, which the server's own writes — its
 *   rollups — leave alone; on PostgreSQL main.build_info.built_at, read at
 *   most every 2 s).
 *   cube-server.ts keys Cube's orchestrator on it, so every process serving
 *   the warehouse — API instances and the refresh worker alike — moves to the
 *   new build on its next request, with fresh caches. On PostgreSQL it also
 *   changes when the refresh worker adds a pre-aggregation table: an API
 *   instance caches the list of those tables for an hour (Cube's
 *   preAggregationsSchemaCacheExpire, not settable through its options), and
 *   would otherwise keep serving the table it saw before the worker rebuilt.
 * - On PostgreSQL, pre-aggregations are stored in PostgreSQL itself (schema
 *   CUBEJS_PRE_AGGREGATIONS_SCHEMA, default prod_pre_aggregations) unless a
 *   Cube Store is configured (CUBEJS_CUBESTORE_HOST). Their refresh key
 *   (`withBuildRefreshKeys`) is the build time on PostgreSQL, so they are
 *   rebuilt after each warehouse build and never otherwise; on DuckDB it is
 *   the version of the tables each rollup reads (rollup-inputs.ts), which a
 *   full build changes for every table and an incremental build only for the
 *   tables it changed. On DuckDB the rollups live in the warehouse file, so a
 *   restart finds the very version Cube looks for (pre-aggregations.ts), and
 *   an incremental build carries over those of the tables it left alone
 *   (server/warehouse/incremental.ts). Cube's default key (every hour)
 *   rebuilt every rollup of a serving process each hour and on any restart in
 *   another hour.
 *
 * - DuckDB is opened read-write while Cube builds pre-aggregations inside the
 *   warehouse file (no Cube Store): one server process per file. With Cube
 *   Store configured it is opened read-only (`readOnlyDuckDBDriver`), so
 *   several processes can serve one file (docs/deploy.md).
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import YAML from 'yaml';
import type { Config } from '../config.js';
import { hugeintsAsBigint } from '../warehouse/run-models.js';
import { parsePostgresUrl } from '../warehouse/target.js';
import type { ModelFile } from './model-files.js';
import { modelInputs, tableVersionKeySql } from './rollup-inputs.js';

const require = createRequire(import.meta.url);

export interface WarehouseDriver {
  dbType: 'duckdb' | 'postgres';
  /** A new Cube driver for the warehouse. */
  create(): unknown;
  /** Changes whenever a new build is swapped in; 'missing' when there is no warehouse. */
  identity(): Promise<string>;
  close(): Promise<void>;
}

/** The SQL returning the build's time: the refresh key of every cube and pre-aggregation on PostgreSQL. */
export const BUILD_REFRESH_KEY_SQL = 'select max(built_at) from main.build_info';

/**
 * Cube's DuckDB driver opening the file READ_ONLY (its 1.7.43 `init` passes no
 * access mode): any number of processes may then share the file, but no
 * pre-aggregation can be built in it — only for use with Cube Store.
 */
export function readOnlyDuckDBDriver(options: { databasePath: string; initSql?: string }): unknown {
  const { DuckDBDriver } = require('@cubejs-backend/duckdb-driver');
  const { DuckDBInstance } = require('@duckdb/node-api');
  class ReadOnlyDuckDBDriver extends DuckDBDriver {
    constructor(config: object) {
      super(config);
    }

    async init() {
      const instance = await DuckDBInstance.create(options.databasePath, { access_mode: 'READ_ONLY' });
      const defaultConnection = await instance.connect();
      try {
        await this.configureConnection(defaultConnection);
      } catch (e) {
        defaultConnection.closeSync();
        instance.closeSync();
        throw e;
      }
      return { defaultConnection, instance };
    }
    readOnly() {
      return true;
    }
  }
  return new ReadOnlyDuckDBDriver(options);
}

/**
 * A DuckDB warehouse file's identity: inode and creation time (a build renames a new file over the warehouse, so
 * both change with each build), or 'missing'. Not the modification time: the server writes its rollups into the
 * file, which would make its own file look new after every warm-up. Where the file system keeps no creation time
 * (birthtime 0), inode and modification time (a rebuild is always seen; the server's writes then cost a second,
 * reusing warm-up).
 */
export function fileIdentity(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}-${Math.round(s.birthtimeMs > 0 ? s.birthtimeMs : s.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

/** Cube's statement that builds a rollup table: `CREATE TABLE <name> AS <select>` (BaseQuery.preAggregationLoadSql). */
const CREATE_TABLE_AS = /^\s*create\s+table\s+(\S+)\s+as\s+([\s\S]+)$/i;

/**
 * Cube's DuckDB driver writing each rollup's sums of integers as BIGINT, not DuckDB's HUGEINT. DuckDB 1.5 reads a
 * stored HUGEINT column some 300 times slower than a BIGINT one: a sum over the 20 k sample's backlog rollup by day
 * (354 k rows) took 650-790 ms against 8-12 ms. The cast is part of the rollup's own `CREATE TABLE … AS` (the select
 * wrapped by run-models.ts `hugeintsAsBigint`, the rule the marts follow), so the table is written once, already
 * narrow; an ALTER after the build (eb08a89) rewrote every such column in place. A value beyond BIGINT's range fails
 * the rollup's build with DuckDB's overflow error rather than being stored wrong. Cube reads BIGINT and HUGEINT alike
 * (as text), so answers are equal.
 */
function bigintRollupDuckDBDriver(options: { databasePath: string; initSql?: string }): unknown {
  const { DuckDBDriver } = require('@cubejs-backend/duckdb-driver');
  class BigintRollupDuckDBDriver extends DuckDBDriver {
    constructor(config: object) {
      super(config);
    }

    async loadPreAggregationIntoTable(table: string, loadSql: string, params: unknown[], loadOptions: unknown) {
      const create = CREATE_TABLE_AS.exec(loadSql);
      if (!create) return super.loadPreAggregationIntoTable(table, loadSql, params, loadOptions);
      const select = create[2]!;
      const described = (await this.query(`describe ${select}`, params)) as Record<string, unknown>[];
      return super.loadPreAggregationIntoTable(
        table,
        `CREATE TABLE ${create[1]} AS ${hugeintsAsBigint(select, described)}`,
        params,
        loadOptions,
      );
    }
  }
  return new BigintRollupDuckDBDriver(options);
}

/** `duckdbInitSql`: the DuckDB session's SQL (UTC session zone, threads, memory limit: cube-server.ts). */
export function warehouseDriver(config: Config, duckdbInitSql: string): WarehouseDriver {
  if (config.warehouseUrl) return postgresDriver(config.warehouseUrl);
  const options = { databasePath: config.warehousePath, initSql: duckdbInitSql };
  return {
    dbType: 'duckdb',
    // With Cube Store holding the pre-aggregations nothing writes the file: open it read-only, shareable.
    create: () => (config.cubeStoreHost ? readOnlyDuckDBDriver(options) : bigintRollupDuckDBDriver(options)),
    identity: async () => fileIdentity(config.warehousePath),
    close: async () => undefined,
  };
}

function postgresDriver(url: string): WarehouseDriver {
  const { PostgresDriver } = require('@cubejs-backend/postgres-driver');
  const pg = require('pg');
  const { host, port, user, password, database, ssl } = parsePostgresUrl(url);
  const connection = { host, port, user, password, database, ssl: ssl ? { rejectUnauthorized: false } : undefined };
  const pool = new pg.Pool({ ...connection, max: 1, application_name: 'revcycle-identity' });
  // An idle connection closed by the server (restart, dropped database) must not crash the process.
  pool.on('error', () => undefined);
  let cached: { at: number; value: Promise<string> } | undefined;
  let closed = false;
  const read = async () => {
    try {
      const { rows } = await pool.query(
        `select (${BUILD_REFRESH_KEY_SQL}) as built_at, ` +
          `(select md5(coalesce(string_agg(schemaname || '.' || tablename, ',' order by schemaname, tablename), '')) ` +
          `from pg_tables where schemaname like '%pre_aggregations') as rollups`,
      );
      const value = rows[0]?.built_at;
      return value ? `pg-${new Date(value).getTime()}-${String(rows[0].rollups).slice(0, 12)}` : 'missing';
    } catch {
      return 'missing';
    }
  };
  return {
    dbType: 'postgres',
    // Cube's PostgreSQL queries name the zone of every conversion; the session stays UTC.
    create: () => new PostgresDriver({ ...connection, maxPoolSize: 8 }),
    identity: () => {
      if (!cached || Date.now() - cached.at > 2000) cached = { at: Date.now(), value: read() };
      return cached.value;
    },
    close: async () => {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    },
  };
}

type PreAggregation = { name?: string; refresh_key?: unknown; [key: string]: unknown };
type CubeDoc = { cubes?: { name?: string; refresh_key?: unknown; pre_aggregations?: PreAggregation[] }[] };

/**
 * The cube files with a refresh key for every cube and pre-aggregation that sets none, checked every `checkEvery`
 * (Cube's `every` beside `sql`; default Cube's 10 s). A DuckDB file never changes under the server (a rebuild is a
 * new file, with its own orchestrator and caches): checking it daily spares a warm-up's rollups from re-asking
 * behind one another's builds on the driver's one connection, where the question waited past the query time limit
 * at 300 k leads.
 *
 * The key is the build's time (BUILD_REFRESH_KEY_SQL), or with `tableVersions` (DuckDB) the version of the tables
 * the cube or rollup reads (rollup-inputs.ts): an incremental build that leaves those tables alone leaves the
 * rollup's table name alone, and the warm-up reuses the copy it carried over. A cube or rollup whose tables are not
 * found keeps the build's time.
 */
export function withBuildRefreshKeys(
  files: ModelFile[],
  options: { checkEvery?: string; tableVersions?: boolean } = {},
): ModelFile[] {
  const inputs = options.tableVersions ? modelInputs(files) : undefined;
  const key = (tables: string[] | undefined) => {
    const sql = tables?.length ? tableVersionKeySql(tables) : BUILD_REFRESH_KEY_SQL;
    return options.checkEvery ? { sql, every: options.checkEvery } : { sql };
  };
  return files.map((file) => {
    if (!file.fileName.startsWith('cubes/') || !/\.ya?ml$/.test(file.fileName)) return file;
    const doc = YAML.parse(file.content) as CubeDoc | null;
    if (!doc?.cubes?.length) return file;
    for (const cube of doc.cubes) {
      cube.refresh_key ??= key(inputs?.cubes.get(cube.name ?? ''));
      for (const preAggregation of cube.pre_aggregations ?? [])
        preAggregation.refresh_key ??= key(inputs?.rollups.get(`${cube.name}_${preAggregation.name}`.toLowerCase()));
    }
    return { fileName: file.fileName, content: YAML.stringify(doc, { lineWidth: 0 }) };
  });
}
