/*
 * The warehouse build's view of the database it builds in: one SQL session
 * that the model runner, the table writer and the data tests use, whatever
 * the engine. DuckDB (the default, embedded) runs the models' SQL as written;
 * PostgreSQL (target-postgres.ts) runs it through the dialect layer
 * (dialect-postgres.ts).
 *
 * Which engine: `REVCYCLE_WAREHOUSE_URL` (postgres://…) selects PostgreSQL;
 * without it the warehouse is the DuckDB file (see server/config.ts). Each
 * engine is a `WarehouseTarget` (below): the build's one sequence (build.ts)
 * runs over it, and the two implementations (target-duckdb.ts,
 * target-postgres.ts) import this file, never the build.
 *
 * Limits: values read through `query` are plain JS values (numbers, strings,
 * booleans, null); BIGINT arrives as a number on both engines, so counts
 * above 2^53 lose precision (no warehouse table comes near that).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { writeDuckdbTable, type Columns, type RowOf } from './write-table.js';

export type WarehouseDialect = 'duckdb' | 'postgres';

export interface WarehouseSession {
  readonly dialect: WarehouseDialect;
  /** Runs one statement written in the models' (DuckDB) dialect. */
  run(sql: string): Promise<void>;
  /** Runs one select; rows as objects of plain JS values. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Rows as JSON values (DuckDB: decimals and times as text), for reports such as failing-row samples; default `query`. */
  queryJson?(sql: string): Promise<Record<string, unknown>[]>;
  /** Creates `<schema>.<table>` with `columns` and writes `rows` (write-table.ts's contract). */
  writeTable<C extends Columns>(schema: string, table: string, columns: C, rows: readonly Partial<RowOf<C>>[]): Promise<void>;
}

/** Either a session or a DuckDB connection (the build's and the tests' default). */
export type SessionLike = WarehouseSession | DuckDBConnection;

export function isSession(value: SessionLike): value is WarehouseSession {
  return typeof (value as WarehouseSession).dialect === 'string' && typeof (value as WarehouseSession).query === 'function';
}

/**
 * BIGINT values as numbers, in place: the rows are the reader's own, and a copy of each row (and its entries array)
 * doubled the garbage of the TypeScript marts that read a million touches.
 */
function plainRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const row of rows) {
    for (const k in row) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  }
  return rows;
}

/** A session over a DuckDB connection. */
export function duckdbSession(conn: DuckDBConnection): WarehouseSession {
  return {
    dialect: 'duckdb',
    run: async (sql) => {
      await conn.run(sql);
    },
    query: async (sql) => plainRows((await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]),
    queryJson: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    writeTable: (schema, table, columns, rows) => writeDuckdbTable(conn, schema, table, columns, rows),
  };
}

export function asSession(value: SessionLike): WarehouseSession {
  return isSession(value) ? value : duckdbSession(value);
}

/** Creates `<schema>.<table>` with `columns` and writes `rows`, on the session's engine. */
export async function writeTable<C extends Columns>(
  session: SessionLike,
  schema: string,
  table: string,
  columns: C,
  rows: readonly Partial<RowOf<C>>[],
): Promise<void> {
  await asSession(session).writeTable(schema, table, columns, rows);
}

/**
 * Where a build writes the new warehouse and how it swaps it in: the DuckDB file (target-duckdb.ts) or a PostgreSQL
 * database (target-postgres.ts). The build's frame (build.ts) calls these in the order written, and nothing here
 * touches the live warehouse before `swap`: a failure or a kill before it leaves the previous warehouse serving.
 */
export interface WarehouseTarget {
  /** The warehouse as messages name it: the file relative to the working directory, or postgres://host:port/db. */
  readonly shown: string;
  /** The warehouse as the build's summary names it: the file's absolute path, or postgres://host:port/db. */
  readonly location: string;
  /** Where the new warehouse is built until the swap: the new file, or the build schemas' prefix `rc_<build>`. */
  readonly building: string;
  /** The seed loader's directory (clean CSVs, rejected-row reports until they are published); removed by `release`. */
  readonly workDir: string;
  /** Absent where a build cannot start from the previous warehouse (PostgreSQL: every model is built). */
  readonly previous?: PreviousWarehouse;
  /** Before anything is built: the folders, and the leftovers of builds killed earlier. */
  prepare(): Promise<void>;
  /**
   * A session on the new warehouse, with its schemas: empty, or (`fromCopy`) a copy of the previous warehouse
   * cleared of its raw tables and build record. `settings`: the engine's settings as reported (the summary's
   * `duckdb`); `copyMs`: the copy's duration.
   */
  open(fromCopy: boolean): Promise<{ session: WarehouseSession; settings: Record<string, unknown>; copyMs?: number }>;
  /** The DuckDB connection the seed loader (load-seeds.ts) writes `raw.*` into. */
  seedConnection(): Promise<DuckDBConnection>;
  /** After the loader: `raw.*` moved into the new warehouse where the loader wrote elsewhere. */
  seedsLoaded(): Promise<void>;
  /** The zone the seeds' wall-clock times are in, and the session settings the models run with. */
  useTimeZone(timeZone: string): Promise<void>;
  /** More sessions on the new warehouse for the data tests to run beside the build's (closed by `testsDone`). */
  testSessions(): Promise<WarehouseSession[]>;
  testsDone(): Promise<void>;
  /** The new warehouse complete and durable, ready to swap (DuckDB: checkpointed and closed). */
  seal(): Promise<void>;
  /** Switches readers to the new warehouse in one atomic step; once it returns the new warehouse serves. */
  swap(): Promise<void>;
  /** After the swap: what the switch leaves to tidy (DuckDB: the file's time; PostgreSQL: the retired schemas). */
  afterSwap(startedAt: Date): Promise<void>;
  /** After a failure before the swap: removes the new warehouse (the live one was never touched). */
  discard(): Promise<void>;
  /** At the end, after success or failure: closes the build's connections and removes the work directory. */
  release(): Promise<void>;
}

/** The previous warehouse as the start of an incremental build (incremental.ts). */
export interface PreviousWarehouse {
  /** Whether it was built by these models; checked before the copy, so a model change costs no copy. */
  reusable(modelsHash: string): Promise<boolean>;
  /** Attaches it as `prev` when it can seed this build (the same models and zone); false: build every model. */
  attach(modelsHash: string, timeZone: string): Promise<boolean>;
  detach(): Promise<void>;
}

/** `postgres://user:password@host:port/database?sslmode=…` → the parts Cube's and node-postgres's clients take. */
export function parsePostgresUrl(url: string): {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  ssl: boolean;
} {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`REVCYCLE_WAREHOUSE_URL: "${url}" is not a URL like postgres://user@host:5432/database`);
  }
  if (!['postgres:', 'postgresql:'].includes(u.protocol)) {
    throw new Error(`REVCYCLE_WAREHOUSE_URL: only postgres:// is supported, got "${u.protocol}//"`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`REVCYCLE_WAREHOUSE_URL: "${url}" names no database (postgres://host:port/DATABASE)`);
  const sslmode = u.searchParams.get('sslmode');
  return {
    host: u.hostname || 'localhost',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    ssl: sslmode !== null && sslmode !== 'disable',
  };
}
