/*
 * Which warehouse tables each cube and each rollup (pre-aggregation) of the
 * Cube model reads, and the DuckDB refresh key that versions them.
 *
 * Written once, here, for its two readers: the server's refresh keys
 * (driver.ts `withBuildRefreshKeys`: on DuckDB a rollup's key is the version
 * of the tables it reads, so a rollup whose tables an incremental build left
 * alone keeps its table name and is reused) and the incremental build
 * (server/warehouse/incremental.ts: it keeps the previous file's rollups whose
 * tables it left alone and drops the others).
 *
 * A table's version is its DuckDB comment, set by the incremental build to the
 * version of the build that last wrote its rows, or else (no comment: every
 * table of a full build, and each table an incremental build rewrote) the
 * file's build time, main.build_info.built_at. The comment lives on the table
 * itself: a table dropped and built again loses it, so a version cannot
 * outlive the rows it stood for.
 *
 * What a cube reads: every `schema.table` named anywhere in its definition
 * (sql_table, sql, member sql), and the tables of the cubes its members'
 * SQL refers to (`{other.member}`). What a rollup reads: its cube's tables,
 * and those of every cube on its members' join paths
 * (`base_leads.base_accounts.industry`). A member named through a cube that
 * is not joined where the path stands (Cube then finds the path itself)
 * counts every cube its cube joins, directly or not: more tables than read,
 * never fewer.
 *
 * Versions are per table, so a rollup is kept or built again whole, not
 * per month partition (Cube's partition_granularity, FILTER_PARAMS in the
 * refresh key): a day's import (bench/day-changes.ts) changed rows in every
 * month of every rollup at 100 k leads (docs/import.md, "Incremental
 * builds"), and Cube scans the source once per partition (month tables made
 * one rollup's build about 8 times the whole one's: account_motions.yml).
 *
 * Limits: YAML cubes only (a JS cube's rollups are never reused by an
 * incremental build: they are dropped and built again); table names are found
 * by their schema (raw, staging, marts, main), as the models write them.
 */
import YAML from 'yaml';
import type { ModelFile } from './model-files.js';

type Member = { sql?: unknown };
type PreAggregation = {
  name?: string;
  measures?: string[];
  dimensions?: string[];
  segments?: string[];
  time_dimension?: string;
  rollups?: string[];
};
type Cube = {
  name?: string;
  sql?: unknown;
  sql_table?: unknown;
  joins?: { name?: string }[];
  dimensions?: Member[];
  measures?: Member[];
  segments?: Member[];
  pre_aggregations?: PreAggregation[];
};

export interface ModelInputs {
  /** Cube name → the warehouse tables (`schema.table`) its own SQL reads. */
  cubes: Map<string, string[]>;
  /** `<cube>_<pre-aggregation>` (Cube's table name prefix) → the tables the rollup reads. */
  rollups: Map<string, string[]>;
}

const TABLE = /\b(?:raw|staging|marts|main)\.[a-z_][a-z0-9_]*\b/g;
const CUBE_REFERENCE = /\{([a-zA-Z_][a-zA-Z0-9_]*)\.[a-zA-Z_]/g;

/** The cubes of the model's YAML cube files, parsed. */
function cubesOf(files: ModelFile[]): Cube[] {
  const cubes: Cube[] = [];
  for (const file of files) {
    if (!file.fileName.startsWith('cubes/') || !/\.ya?ml$/.test(file.fileName)) continue;
    const doc = YAML.parse(file.content) as { cubes?: Cube[] } | null;
    for (const cube of doc?.cubes ?? []) if (cube?.name) cubes.push(cube);
  }
  return cubes;
}

export function modelInputs(files: ModelFile[]): ModelInputs {
  const cubes = cubesOf(files);
  const byName = new Map(cubes.map((c) => [c.name!, c]));
  // The tables named in a cube's own SQL (its joins' conditions aside), and the cubes that SQL refers to.
  const own = new Map<string, { tables: Set<string>; refers: Set<string>; joins: string[] }>();
  for (const cube of cubes) {
    const text = JSON.stringify([
      cube.sql,
      cube.sql_table,
      ...[...(cube.dimensions ?? []), ...(cube.measures ?? []), ...(cube.segments ?? [])].map((m) => m?.sql),
    ]);
    own.set(cube.name!, {
      tables: new Set(text.match(TABLE) ?? []),
      refers: new Set([...text.matchAll(CUBE_REFERENCE)].map((m) => m[1]!).filter((n) => n !== 'CUBE' && n !== cube.name)),
      joins: (cube.joins ?? []).map((j) => j.name ?? '').filter(Boolean),
    });
  }
  const closure = (start: Iterable<string>, next: (name: string) => Iterable<string>) => {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...next(name));
    }
    return seen;
  };
  // A cube's tables: its own, and those of the cubes its SQL refers to (they are joined whenever it is read).
  const tablesOf = (names: Iterable<string>) => {
    const tables = new Set<string>();
    for (const name of closure(names, (n) => own.get(n)?.refers ?? []))
      for (const t of own.get(name)?.tables ?? []) tables.add(t);
    return [...tables].sort();
  };
  const result: ModelInputs = { cubes: new Map(), rollups: new Map() };
  for (const cube of cubes) {
    const name = cube.name!;
    result.cubes.set(name, tablesOf([name]));
    for (const rollup of cube.pre_aggregations ?? []) {
      if (!rollup?.name) continue;
      const read = new Set([name]);
      const members = [
        ...(rollup.measures ?? []),
        ...(rollup.dimensions ?? []),
        ...(rollup.segments ?? []),
        ...(rollup.time_dimension ? [rollup.time_dimension] : []),
      ];
      for (const member of members) {
        let at = name;
        for (const step of String(member).split('.').slice(0, -1)) {
          if (step === 'CUBE' || step === at) continue;
          if (own.get(at)?.joins.includes(step) && byName.has(step)) {
            read.add(step);
            at = step;
            continue;
          }
          // a path Cube finds itself: every cube this cube reaches by joins
          for (const reached of closure([name], (n) => own.get(n)?.joins ?? [])) read.add(reached);
          break;
        }
      }
      // a rollup made of other rollups reads what they read
      for (const ref of rollup.rollups ?? []) {
        const cubeName = String(ref).split('.')[0]!;
        for (const reached of closure([cubeName], (n) => own.get(n)?.joins ?? [])) read.add(reached);
      }
      const key = `${name}_${rollup.name}`.toLowerCase();
      const tables = new Set([...(result.rollups.get(key) ?? []), ...tablesOf(read)]);
      result.rollups.set(key, [...tables].sort());
    }
  }
  return result;
}

/**
 * The rollup a pre-aggregation table belongs to (`<cube>_<pre-aggregation>`, as ModelInputs.rollups keys it): Cube
 * names it `<cube>_<pre-aggregation>[<partition>]_<content version>_<structure version>_<time>`, a partition being
 * its start date as digits (yyyymmdd, yyyymmddhh…). Undefined when the name is not of that form.
 */
export function rollupOfTable(tableName: string, inputs: ModelInputs): string | undefined {
  const parts = tableName.toLowerCase().split('_');
  if (parts.length < 5) return undefined;
  const prefix = parts.slice(0, -3).join('_');
  if (inputs.rollups.has(prefix)) return prefix;
  const unpartitioned = prefix.replace(/\d{8,14}$/, '');
  return inputs.rollups.has(unpartitioned) ? unpartitioned : undefined;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The refresh key SQL (DuckDB) versioning `tables`: each table's comment, or the build time where it has none (see
 * the header). Its answer changes exactly when one of the tables was written by another build.
 */
export function tableVersionKeySql(tables: string[]): string {
  const names = tables.length ? tables.map(quote).join(', ') : `''`;
  return (
    `select string_agg(name || '@' || coalesce(nullif(comment, ''), ` +
    `(select cast(max(built_at) as varchar) from main.build_info)), ',' order by name) from (` +
    `select schema_name || '.' || table_name as name, comment from duckdb_tables() where database_name = current_database() ` +
    `union all select schema_name || '.' || view_name, comment from duckdb_views() where database_name = current_database()` +
    `) as versions where name in (${names})`
  );
}
