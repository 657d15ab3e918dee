/*
 * The warehouse build's view of the database it builds in: one SQL session
 * that the model runner, the table writer and the data tests use, whatever
 * the engine. DuckDB (the default, embedded) runs the models' SQL as written;
 * PostgreSQL (target-postgres.ts) runs it through the dialect layer
 * (dialect-postgres.ts).
 *
 * Which engine: `REVCYCLE_WAREHOUSE_URL` (postgres://…) selects PostgreSQL;
 * without it the warehouse is the DuckDB file (see server/config.ts).
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

const plain = (value: unknown): unknown => (typeof value === 'bigint' ? Number(value) : value);

/** A session over a DuckDB connection. */
export function duckdbSession(conn: DuckDBConnection): WarehouseSession {
  return {
    dialect: 'duckdb',
    run: async (sql) => {
      await conn.run(sql);
    },
    query: async (sql) =>
      (await conn.runAndReadAll(sql)).getRowObjectsJS().map((row) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) out[k] = plain(v);
        return out;
      }),
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

/** Where the warehouse lives: the DuckDB file, or a PostgreSQL database. */
export type WarehouseTarget = { kind: 'duckdb'; path: string } | { kind: 'postgres'; url: string };

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
