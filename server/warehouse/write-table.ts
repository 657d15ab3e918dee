/*
 * Writes rows computed in TypeScript to a warehouse table: what the model
 * runner (run-models.ts) does with the rows a TypeScript model returns.
 * `columns` is the table's contract — name → type, in order — and `RowOf`
 * derives the row type from it, so a mart declares its columns once.
 *
 * Values are appended through DuckDB's appender into a scratch table, then
 * copied with timestamps cast. A missing, null or non-finite number becomes
 * NULL. Timestamps are given as text, 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'
 * (naive UTC like every warehouse time).
 *
 * `writeTable` (target.ts) writes through the session: this DuckDB writer,
 * or on PostgreSQL the session's own writer, which loads the rows with COPY
 * (target-postgres.ts), from the same column contract.
 *
 * Limits: the column types below only; the rows are held in memory (fine for
 * the marts computed in TypeScript, which are aggregates).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export const TABLE_COLUMN_TYPES = ['varchar', 'double', 'bigint', 'integer', 'boolean', 'timestamp'] as const;
export type TableColumnType = (typeof TABLE_COLUMN_TYPES)[number];

/** A table's columns in order: name → type. */
export type Columns = Readonly<Record<string, TableColumnType>>;

type ValueOf<T extends TableColumnType> = T extends 'varchar' | 'timestamp' ? string : T extends 'boolean' ? boolean : number;

/** One row of a table with `C` columns; every column may be NULL. */
export type RowOf<C extends Columns> = { [K in keyof C]: ValueOf<C[K]> | null };

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** DuckDB: appends `rows` through the appender into a scratch table, then creates the table from it. */
export async function writeDuckdbTable<C extends Columns>(
  conn: DuckDBConnection,
  schema: string,
  table: string,
  columns: C,
  rows: readonly Partial<RowOf<C>>[],
): Promise<void> {
  const list = Object.entries(columns);
  const scratch = `_scratch_${table}_${process.pid}_${Date.now()}`;
  const scratchType = (t: TableColumnType) => (t === 'timestamp' ? 'varchar' : t);
  await conn.run(`create table main.${scratch} (${list.map(([n, t]) => `${quoteIdent(n)} ${scratchType(t)}`).join(', ')})`);
  try {
    const appender = await conn.createAppender(scratch, 'main');
    for (const row of rows) {
      for (const [name, type] of list) {
        const v = (row as Record<string, unknown>)[name];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
          appender.appendNull();
          continue;
        }
        switch (type) {
          case 'varchar':
          case 'timestamp':
            appender.appendVarchar(String(v));
            break;
          case 'double':
            appender.appendDouble(Number(v));
            break;
          case 'bigint':
            appender.appendBigInt(BigInt(Math.round(Number(v))));
            break;
          case 'integer':
            appender.appendInteger(Math.round(Number(v)));
            break;
          case 'boolean':
            appender.appendBoolean(Boolean(v));
            break;
        }
      }
      appender.endRow();
    }
    appender.closeSync();
    const select = list
      .map(([n, t]) => (t === 'timestamp' ? `cast(${quoteIdent(n)} as timestamp) as ${quoteIdent(n)}` : quoteIdent(n)))
      .join(', ');
    await conn.run(`create table ${schema}.${table} as select ${select} from main.${scratch}`);
  } finally {
    await conn.run(`drop table if exists main.${scratch}`);
  }
}
