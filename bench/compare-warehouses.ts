/*
 * Row-for-row comparison of two warehouse files: every table and view of
 * staging and marts, EXCEPT ALL both ways in DuckDB. Floating-point columns
 * are compared at 12 significant digits: DuckDB sums doubles in parallel, in
 * no fixed order, so two full builds of the same seeds already differ in the
 * last bits of a sum (measured: attribution weights, channel costs).
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface TableDifference {
  table: string;
  /** Rows only in the first warehouse / only in the second. */
  onlyFirst: number;
  onlySecond: number;
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** The relations compared and their differences (empty when the warehouses agree). */
export async function compareWarehouses(
  first: string,
  second: string,
): Promise<{ tables: string[]; differences: TableDifference[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRows();
  try {
    await conn.run(`attach ${q(first)} as a (read_only)`);
    await conn.run(`attach ${q(second)} as b (read_only)`);
    const relations = async (db: string) =>
      (
        await rows(
          `select table_schema || '.' || table_name from information_schema.tables ` +
            `where table_catalog = ${q(db)} and table_schema in ('staging', 'marts') order by 1`,
        )
      ).map((r) => String(r[0]));
    const tables = await relations('a');
    const other = await relations('b');
    const differences: TableDifference[] = [];
    for (const t of other.filter((x) => !tables.includes(x))) differences.push({ table: t, onlyFirst: 0, onlySecond: -1 });
    for (const table of tables) {
      if (!other.includes(table)) {
        differences.push({ table, onlyFirst: -1, onlySecond: 0 });
        continue;
      }
      const [schema, name] = table.split('.') as [string, string];
      const columns = await rows(
        `select column_name, data_type from information_schema.columns where table_catalog = 'a' ` +
          `and table_schema = ${q(schema)} and table_name = ${q(name)} order by ordinal_position`,
      );
      const select = columns
        .map(([c, type]) => {
          const col = ident(String(c));
          return /^(DOUBLE|FLOAT|REAL)$/.test(String(type))
            ? `case when ${col} = 0 or not isfinite(${col}) then ${col} else round(${col}, 11 - cast(floor(log10(abs(${col}))) as integer)) end as ${col}`
            : col;
        })
        .join(', ');
      const a = `select ${select} from a.${table}`;
      const b = `select ${select} from b.${table}`;
      const [onlyFirst, onlySecond] = (
        await rows(`select (select count(*) from (${a} except all ${b})), (select count(*) from (${b} except all ${a}))`)
      )[0]!.map(Number) as [number, number];
      if (onlyFirst || onlySecond) differences.push({ table, onlyFirst, onlySecond });
    }
    return { tables, differences };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
