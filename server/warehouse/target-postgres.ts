/*
 * The warehouse build's target on PostgreSQL (REVCYCLE_WAREHOUSE_URL=
 * postgres://…): the build sequence of build.ts runs over it, with the same
 * seeds, models and data tests as on DuckDB, and an atomic swap.
 *
 * - Seeds are read and checked by the same loader (load-seeds.ts) into a
 *   scratch in-memory DuckDB, then loaded into PostgreSQL with COPY.
 * - Everything is built into new schemas `rc_<build>_raw`, `_staging`,
 *   `_marts`, `_main` (the dialect prelude lives in `_main`); the models'
 *   schema names are mapped to them by the dialect layer.
 * - When every data test passes, one transaction renames the live schemas
 *   `raw`, `staging`, `marts`, `main` away and the new ones in; the old ones
 *   are dropped after the commit. A reader sees the old warehouse or the new
 *   one, never half of one; queries already running finish on the old tables.
 *   Builds are serialised by an advisory lock around the swap.
 * - On any failure the new schemas are dropped; the live ones are untouched.
 *   A build killed outright cannot drop them: the next build drops the
 *   schemas of every build whose session no longer holds its advisory lock.
 * - Every model is built: an incremental build (incremental.ts) needs the
 *   DuckDB file.
 *
 * Limits: the build needs CREATE on the database (schemas, functions,
 * operators). Cube's pre-aggregation schema is not touched.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { WarehouseBuildError } from './build-steps.js';
import { inlineLateralAlias, postgresSearchPath, preludeStatements, toPostgres } from './dialect-postgres.js';
import { MODEL_SCHEMAS, SEARCH_PATH } from './run-models.js';
import { parsePostgresUrl, type WarehouseSession, type WarehouseTarget } from './target.js';
import { quoteIdent, type TableColumnType } from './write-table.js';

/** The schemas a warehouse consists of, as the models name them. */
export const WAREHOUSE_SCHEMAS = ['raw', ...MODEL_SCHEMAS, 'main'] as const;
const SWAP_LOCK = 72_601_201; // advisory lock key: one swap at a time per database
// Advisory lock class of a running build, (BUILD_LOCK, hashtext(<build>)): held by its session for the build's life.
const BUILD_LOCK = 72_601_202;
const BUILD_SCHEMA = /^rc_([a-z0-9]+)_(?:old_)?(?:raw|staging|marts|main)$/;

const PG_TYPES: Record<TableColumnType, string> = {
  varchar: 'text',
  double: 'double precision',
  bigint: 'bigint',
  integer: 'integer',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

/** A node-postgres client whose values match what the DuckDB session returns (numbers, UTC timestamps). */
export function postgresClient(url: string, applicationName = 'revcycle-build'): pg.Client {
  const { host, port, user, password, database, ssl } = parsePostgresUrl(url);
  const parsers: Record<number, (v: string) => unknown> = {
    20: Number, // int8
    1700: Number, // numeric
    1114: (v) => new Date(`${v.replace(' ', 'T')}Z`), // timestamp: naive UTC, as every warehouse time
  };
  return new pg.Client({
    host,
    port,
    user,
    password,
    database,
    ssl: ssl ? { rejectUnauthorized: false } : undefined,
    application_name: applicationName,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
}

const csvValue = (v: unknown): string => {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const text = String(v);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A session running DuckDB-dialect SQL on PostgreSQL, in the build's schemas. */
export function postgresSession(client: pg.Client, schemas: Readonly<Record<string, string>>): WarehouseSession {
  const rewrite = (sql: string) => toPostgres(sql, schemas);
  // DuckDB's lateral column aliases: inline the alias PostgreSQL did not find, and retry (dialect-postgres.ts).
  const execute = async (sql: string): Promise<pg.QueryResult> => {
    let text = rewrite(sql);
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.query(text);
      } catch (e) {
        const missing = /^column "([a-z_][a-z0-9_]*)" does not exist$/.exec((e as Error).message)?.[1];
        const inlined = missing && attempt < 50 ? inlineLateralAlias(text, missing) : text;
        if (inlined === text) throw e;
        text = inlined;
      }
    }
  };
  const session: WarehouseSession = {
    dialect: 'postgres',
    async run(sql) {
      const searchPath = /^\s*set\s+search_path\s*=\s*'([^']*)'\s*;?\s*$/i.exec(sql);
      if (searchPath) {
        const names = searchPath[1]!.split(',').map((n) => schemas[n.trim()] ?? n.trim());
        await client.query(`set search_path = ${postgresSearchPath(names)}`);
        return;
      }
      const createSchema = /^\s*create\s+schema\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)\s*;?\s*$/i.exec(sql);
      if (createSchema && schemas[createSchema[1]!.toLowerCase()]) return; // the build's schemas exist already
      await execute(sql);
      // Tables made by CREATE TABLE AS have no statistics until analysed; without them the next model's plan can be
      // off by orders of magnitude (minutes instead of seconds).
      const created = /^\s*create\s+table\s+([^\s(]+)/i.exec(toPostgres(sql, schemas));
      if (created) await client.query(`analyze ${created[1]}`);
    },
    async query(sql) {
      return (await execute(sql)).rows as Record<string, unknown>[];
    },
    async writeTable(schema, table, columns, rows) {
      const list = Object.entries(columns);
      const target = `"${schemas[schema] ?? schema}".${quoteIdent(table)}`;
      await client.query(`create table ${target} (${list.map(([n, t]) => `${quoteIdent(n)} ${PG_TYPES[t]}`).join(', ')})`);
      const stream = client.query(copyFrom(`copy ${target} from stdin with (format csv)`));
      const lines = rows.map((row) => `${list.map(([n]) => csvValue((row as Record<string, unknown>)[n])).join(',')}\n`);
      await pipeline(async function* () {
        for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000).join('');
      }, stream);
      await client.query(`analyze ${target}`);
    },
  };
  return session;
}

const DUCKDB_TO_PG: Record<string, string> = {
  VARCHAR: 'text',
  BIGINT: 'bigint',
  INTEGER: 'integer',
  DOUBLE: 'double precision',
  BOOLEAN: 'boolean',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
};

/** Copies every `raw` table of the scratch DuckDB into PostgreSQL with COPY (CSV files in workDir). */
async function copyRawTables(duck: DuckDBConnection, client: pg.Client, rawSchema: string, workDir: string): Promise<void> {
  const tables = (
    await duck.runAndReadAll(`select table_name from information_schema.tables where table_schema = 'raw' order by table_name`)
  ).getRows();
  for (const [table] of tables) {
    const name = String(table);
    const columns = (
      await duck.runAndReadAll(
        `select column_name, data_type from information_schema.columns where table_schema = 'raw' and table_name = '${name}' order by ordinal_position`,
      )
    ).getRows();
    const defs = columns.map(([c, t]) => {
      const type = DUCKDB_TO_PG[String(t)];
      if (!type)
        throw new WarehouseBuildError(
          `internal: raw.${name}.${String(c)} has type ${String(t)}, which has no PostgreSQL mapping`,
        );
      return `${quoteIdent(String(c))} ${type}`;
    });
    const target = `"${rawSchema}".${quoteIdent(name)}`;
    await client.query(`create table ${target} (${defs.join(', ')})`);
    const file = path.join(workDir, `copy-${name}.csv`);
    // DuckDB writes NULL as an empty field and '' as "": PostgreSQL's CSV COPY reads them back the same way.
    await duck.run(`copy raw.${quoteIdent(name)} to '${file.replaceAll("'", "''")}' (format csv, header false)`);
    await pipeline(createReadStream(file), client.query(copyFrom(`copy ${target} from stdin with (format csv)`)));
    await client.query(`analyze ${target}`);
    await rm(file, { force: true });
  }
}

/** The build's schema names: `rc_<build>_<schema>` for each warehouse schema. */
export function buildSchemas(buildId: string): Record<string, string> {
  return Object.fromEntries(WAREHOUSE_SCHEMAS.map((s) => [s, `rc_${buildId}_${s}`]));
}

/** Drops the named schemas and what they hold. */
async function dropSchemas(client: pg.Client, names: string[]): Promise<void> {
  for (const name of names) await client.query(`drop schema if exists "${name}" cascade`);
}

/**
 * Drops the schemas of builds that died before cleaning up (killed, or their connection lost): a build whose
 * session no longer holds its lock. A running build's schemas, on this machine or another, are left alone.
 */
async function dropAbandonedBuilds(client: pg.Client, own: string, log: (m: string) => void): Promise<void> {
  const found = await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname like 'rc\\_%'`);
  const builds = new Map<string, string[]>();
  for (const { nspname } of found.rows) {
    const id = BUILD_SCHEMA.exec(nspname)?.[1];
    if (id && id !== own) builds.set(id, [...(builds.get(id) ?? []), nspname]);
  }
  for (const [id, names] of builds) {
    const free = await client.query<{ free: boolean }>(`select pg_try_advisory_lock($1, hashtext($2)) as free`, [BUILD_LOCK, id]);
    if (!free.rows[0]!.free) continue;
    try {
      await dropSchemas(client, names);
      log(`  removed ${names.join(', ')}, left by an interrupted build`);
    } finally {
      await client.query(`select pg_advisory_unlock($1, hashtext($2))`, [BUILD_LOCK, id]);
    }
  }
}

/** Switches the live schemas to the build's in one transaction; returns the old schemas' new names. */
async function swapSchemas(client: pg.Client, schemas: Record<string, string>, buildId: string): Promise<string[]> {
  const old: string[] = [];
  await client.query('begin');
  try {
    await client.query(`select pg_advisory_xact_lock(${SWAP_LOCK})`);
    const live = new Set(
      (
        await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname = any($1)`, [
          [...WAREHOUSE_SCHEMAS],
        ])
      ).rows.map((r) => r.nspname),
    );
    for (const schema of WAREHOUSE_SCHEMAS) {
      if (live.has(schema)) {
        const retired = `rc_${buildId}_old_${schema}`;
        await client.query(`alter schema "${schema}" rename to "${retired}"`);
        old.push(retired);
      }
      await client.query(`alter schema "${schemas[schema]}" rename to "${schema}"`);
    }
    await client.query('commit');
  } catch (e) {
    await client.query('rollback').catch(() => undefined);
    throw e;
  }
  return old;
}

export function postgresTarget(options: {
  url: string;
  /** The DuckDB warehouse path: its folder holds the loader's work directory (the rejected-row reports too). */
  warehousePath: string;
  log: (message: string) => void;
}): WarehouseTarget {
  const { host, port, database } = parsePostgresUrl(options.url);
  const shown = `postgres://${host}:${port}/${database}`;
  const buildId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const schemas = buildSchemas(buildId);
  const workDir = path.join(path.dirname(options.warehousePath), `.pg-build-${buildId}.work`);
  const client = postgresClient(options.url);
  let connected = false;
  let session: WarehouseSession | undefined;
  // The seed loader (load-seeds.ts) writes into DuckDB: a scratch in-memory one, copied into PostgreSQL after.
  let duck: DuckDBInstance | undefined;
  let duckConn: DuckDBConnection | undefined;
  let retired: string[] = [];
  return {
    shown,
    location: shown,
    building: `rc_${buildId}`,
    workDir,
    async prepare() {
      await mkdir(workDir, { recursive: true });
    },
    async open() {
      await client.connect();
      connected = true;
      // Taken before the build's schemas exist, so a later build never mistakes them for a dead build's.
      await client.query(`select pg_advisory_lock($1, hashtext($2))`, [BUILD_LOCK, buildId]);
      await dropAbandonedBuilds(client, buildId, options.log);
      for (const schema of WAREHOUSE_SCHEMAS) await client.query(`create schema "${schemas[schema]}"`);
      // Prelude bodies name each other unqualified (found on the build's search path when run).
      await client.query('set check_function_bodies = off');
      for (const statement of preludeStatements(schemas.main!)) await client.query(statement);
      session = postgresSession(client, schemas);
      return { session, settings: {} };
    },
    async seedConnection() {
      duck = await DuckDBInstance.create(':memory:');
      duckConn = await duck.connect();
      await duckConn.run('create schema raw');
      return duckConn;
    },
    async seedsLoaded() {
      await copyRawTables(duckConn!, client, schemas.raw!, workDir);
    },
    async useTimeZone(timeZone) {
      await client.query(`set TimeZone = '${timeZone.replaceAll("'", "''")}'`);
      // The marts are a batch of large joins and sorts: memory for them, and no JIT compiling each one.
      await client.query(`set work_mem = '256MB'`);
      await client.query('set jit = off');
      await session!.run(`set search_path = '${SEARCH_PATH}'`);
    },
    testSessions: async () => [],
    async testsDone() {},
    async seal() {},
    async swap() {
      retired = await swapSchemas(client, schemas, buildId);
    },
    async afterSwap() {
      await dropSchemas(client, retired);
    },
    async discard() {
      if (connected) await dropSchemas(client, Object.values(schemas)).catch(() => undefined);
    },
    async release() {
      duckConn?.closeSync();
      duck?.closeSync();
      if (connected) await client.end().catch(() => undefined);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
