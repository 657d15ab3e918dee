/*
 * Row-for-row comparison of two warehouse files: every table and view of
 * staging and marts, EXCEPT ALL both ways in DuckDB (in one pass: each
 * distinct row's count in the first minus its count in the second, so a
 * view is computed once per warehouse). A row left over on one
 * side matches a row of the other when its other columns are equal and its
 * doubles agree to 1e-9 (relative): DuckDB sums doubles in parallel, in no
 * fixed order, so builds of the same seeds differ in the last bits of a sum
 * (measured at 100 k leads: attribution and content weights, channel
 * performance, forecasts; rounding to N digits is not enough, a dyadic
 * weight such as 0.2720703125 rounds either way).
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
/** Columns the comparison adds to a relation's rows: which warehouse a row came from, and a row's surplus count. */
const SIDE = '"__compare_side"';
const COUNT = '"__compare_count"';

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
      // EXCEPT ALL both ways in one pass: each row's count in a minus its count in b (a view is computed once a side)
      await conn.run(
        `create or replace temp table diff as select * exclude (${SIDE}), sum(${SIDE}) as ${COUNT} from (` +
          `select *, 1::hugeint as ${SIDE} from a.${table} union all select *, -1::hugeint as ${SIDE} from b.${table}` +
          `) group by all having sum(${SIDE}) <> 0`,
      );
      await conn.run(`create or replace temp table only_a as select * from temp.diff where ${COUNT} > 0`);
      await conn.run(
        `create or replace temp table only_b as select * exclude (${COUNT}), -${COUNT} as ${COUNT} from temp.diff where ${COUNT} < 0`,
      );
      const isFloat = (type: unknown) => /^(DOUBLE|FLOAT|REAL)$/.test(String(type));
      const floats = columns.filter(([, type]) => isFloat(type)).map(([c]) => ident(String(c)));
      const others = columns.filter(([, type]) => !isFloat(type)).map(([c]) => ident(String(c)));
      // a row differs when no row of the other side has its other columns and its doubles within 1e-9 (relative)
      const match = [
        ...others.map((c) => `x.${c} is not distinct from y.${c}`),
        ...floats.map(
          (c) => `(x.${c} is not distinct from y.${c} or abs(x.${c} - y.${c}) <= 1e-9 * greatest(abs(x.${c}), abs(y.${c})))`,
        ),
      ].join(' and ');
      const unmatched = (x: string, y: string) =>
        `select coalesce(sum(x.${COUNT}), 0) from temp.${x} as x where not exists (select 1 from temp.${y} as y where ${match || 'true'})`;
      const [onlyFirst, onlySecond] = (
        await rows(`select (${unmatched('only_a', 'only_b')}), (${unmatched('only_b', 'only_a')})`)
      )[0]!.map(Number) as [number, number];
      if (onlyFirst || onlySecond) differences.push({ table, onlyFirst, onlySecond });
    }
    return { tables, differences };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
