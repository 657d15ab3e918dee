/*
 * The incremental build: the models of a new warehouse computed from the
 * previous warehouse where the new seeds allow it. It runs inside the full
 * build's frame (build.ts): a new file, the seeds loaded into raw, the data
 * tests, build_info, one rename over the warehouse path — so a kill at any
 * point leaves the previous warehouse serving, and the import's commit point
 * (server/import/area.ts, swap.json + inode) is the same. Only the models
 * step differs; a full build (`build-warehouse`) stays the reference, and
 * test/warehouse/incremental-build.test.ts compares every mart with it.
 *
 * The new file starts as a copy of the previous warehouse (build.ts; its raw
 * tables, build record and rollups cleared by clearCopy), and its tables are
 * updated in place: writing the kept rows into a new file cost about as much
 * as computing them (docs/import.md). The previous file is attached
 * read-only as `prev`, for the comparison of staging and for the changed
 * leads' rows as they were. It is used only when it was built by the same
 * models (build_info.models_hash) and the same time zone; otherwise every
 * model is built as in a full build, in an empty file.
 *
 * 1. Staging is rebuilt whole (it only cleans raw rows), then each staging
 *    table is compared with the previous one (EXCEPT ALL both ways):
 *    unchanged, or changed. A changed table with a lead_id or account_id
 *    column yields the changed leads and accounts of its differing rows.
 * 2. The changed leads are closed over accounts: every lead (old or new) of
 *    an account that a changed lead belongs to (before or after), or whose
 *    own row changed, is changed too (`changed_leads`); `changed_accounts`
 *    are those leads' accounts and the changed account rows. A lead and an
 *    account belong together when a staging row names both (the lead's own
 *    row, a deal and its primary contact), closed to a fixed point. Closing
 *    over the account is what lets a lead-grain mart rank a lead among its
 *    account's leads (lead_stage_reach's is_account_first), and a deal's
 *    conversion read its account's touches and its contact's creation.
 * 3. Each mart, in dependency order, is
 *    - kept as copied when none of its inputs changed;
 *    - updated when its `.yml` says `incremental: lead_id` (or account_id,
 *      or `[lead_id, account_id]`: a row is the changed leads' when either
 *      key is a changed lead's or account's)
 *      and each input is unchanged, a staging table whose changes are
 *      covered by the changed leads (it has lead_id or account_id), or a
 *      mart updated this way: the changed leads' rows are deleted and the
 *      model's own SQL, restricted to `changed_leads`, inserts theirs anew;
 *    - updated as sums when its `.yml` says `incremental: {sum: [columns]}`
 *      and its inputs are as above: its SQL run over the changed leads' rows
 *      now and as they were gives their contributions after and before, and
 *      the difference is added to the previous sums (sumByLeads);
 *    - otherwise dropped and built whole from its SQL or TypeScript; one whose
 *      `.yml` says `incremental: compare` is then compared with its previous
 *      rows, and when only the changed leads' and accounts' rows differ, its
 *      readers may still be updated as from a changed staging table
 *      (coveredByCompare; a reader planned so is rebuilt whole when the
 *      comparison says otherwise). Views
 *      are kept as copied: the same models wrote them, and a view is
 *      computed when read.
 *    `incremental: lead_id` is a promise about the model's SQL: a lead's
 *    rows depend only on the rows of its account's leads and on its other
 *    inputs as a whole (no median over all leads, no global rank). Marts
 *    that cannot promise it are built whole when their inputs change: see
 *    docs/import.md, "Incremental builds", for the list and the reasons.
 * 4. All data tests run, as in a full build.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  MODEL_SCHEMAS,
  SEARCH_PATH,
  buildModel,
  discoverModels,
  orderModels,
  releaseSeeds,
  renderSql,
  setSearchPath,
  stripSql,
  type BuiltModel,
  type Model,
} from './run-models.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { asSession, type SessionLike, type WarehouseSession } from './target.js';
import { readModelFiles } from '../cube/model-files.js';
import { modelInputs, rollupOfTable } from '../cube/rollup-inputs.js';

export const INCREMENTAL_GRAINS = ['lead_id', 'account_id'] as const;
export type IncrementalGrain = (typeof INCREMENTAL_GRAINS)[number];
/** The temp table of the changed leads' or accounts' keys (closeChanges) that a grain's rows are matched against. */
const CHANGED_OF: Readonly<Record<IncrementalGrain, string>> = { lead_id: 'leads', account_id: 'accounts' };
/**
 * The keys a model's rows are recomputed for: `changed` (temp.changed_leads and changed_accounts, every model's), or
 * `as_of` (temp.as_of_leads and as_of_accounts: those plus the keys whose rows cross a moved as_of, asOfKeys).
 */
type KeySet = 'changed' | 'as_of';
const keysOf = (set: KeySet, grain: IncrementalGrain) => `temp.${set}_${CHANGED_OF[grain]}`;
/**
 * How a model's `.yml` says it can be updated: by lead or account (`incremental: lead_id`), or as sums over leads
 * (`incremental: {sum: [columns]}`): its rows are those columns summed per value of all its other columns, over
 * contributions that each lead makes on its own, and it has no row whose sums are all 0. `incremental: compare`
 * promises nothing about the SQL: the mart is rebuilt whole, then compared with its previous rows, and when every
 * row that differs belongs to the changed leads and accounts (its lead_id and account_id among them), the marts
 * reading it may still be updated by lead, as from a changed staging table (coveredByCompare).
 */
export type IncrementalSpec = IncrementalGrain | IncrementalGrain[] | 'compare' | { sum: string[] };

/** The key columns of a by-key spec (`lead_id`, `account_id` or both), or undefined. */
function grainsOf(spec: IncrementalSpec | undefined): IncrementalGrain[] | undefined {
  if (spec === 'lead_id' || spec === 'account_id') return [spec];
  return Array.isArray(spec) ? spec : undefined;
}

/** What happened to one model in an incremental build. */
export type ModelUpdate = 'copied' | 'incremental' | 'rebuilt';

export interface IncrementalPlan {
  /** Leads whose rows may differ (closed over accounts, see the header). */
  changedLeads: number;
  changedAccounts: number;
  /** Staging tables whose rows differ from the previous warehouse's. */
  changedStaging: string[];
  /** Model name → what was done (views are always rebuilt). */
  models: Record<string, ModelUpdate>;
  /**
   * When as_of moved and nothing else of the settings: model name → how many leads and accounts beyond the changed
   * ones its update recomputed because their rows cross the moved as_of (its `.yml`'s as_of select).
   */
  asOf: Record<string, number>;
  /** The server's rollups carried over in the copy: kept (their tables unchanged) and dropped (keepRollups). */
  rollups: { kept: string[]; dropped: string[] };
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function readYml(model: Pick<Model, 'file'>): Promise<{ file: string; spec: Record<string, unknown> }> {
  const file = model.file.replace(/\.(sql|ts)$/, '.yml');
  const spec = existsSync(file) ? ((parseYaml(await readFile(file, 'utf8')) ?? {}) as Record<string, unknown>) : {};
  return { file, spec };
}

/**
 * The `as_of:` field of a model's `.yml`: what happens to its rows when a day's import moves as_of and nothing else
 * of the settings. On a mart updated by lead, by account or as sums, a select (rendered as a model's SQL; its
 * inputs read as they are now, and `as_of_move`, one row: moved_from_at and moved_to_at, the earlier and the later
 * of the two as_of_at) of the lead_id or account_id whose rows may differ between the two as_of: those rows are
 * recomputed too (asOfKeys), and the mart stays updated rather than rebuilt whole. On a compared mart, `appends`:
 * when as_of moves its previous rows stay and the rows it adds are read only by the rows of such keys (zone_hours:
 * the hours of the new day).
 */
export async function readAsOfSpec(model: Pick<Model, 'file'>): Promise<string | undefined> {
  const { file, spec } = await readYml(model);
  const value = spec.as_of;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.trim())
    throw new Error(`${path.basename(file)}: as_of must be a select of lead_id or account_id, or appends`);
  return value === 'appends' ? value : renderSql(value, path.basename(file));
}

/** The `incremental:` field of a model's `.yml`, if any. */
export async function readIncrementalSpec(model: Model): Promise<IncrementalSpec | undefined> {
  const { file, spec } = await readYml(model);
  const value = spec.incremental;
  if (value === undefined) return undefined;
  if ((INCREMENTAL_GRAINS as readonly unknown[]).includes(value)) return value as IncrementalGrain;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((g) => (INCREMENTAL_GRAINS as readonly unknown[]).includes(g)) &&
    new Set(value).size === value.length
  )
    return value as IncrementalGrain[];
  if (value === 'compare') return 'compare';
  const sum = (value as { sum?: unknown } | null)?.sum;
  if (Array.isArray(sum) && sum.length > 0 && sum.every((c) => typeof c === 'string' && /^[a-z_][a-z0-9_]*$/.test(c)))
    return { sum: sum as string[] };
  throw new Error(
    `${path.relative(path.dirname(path.dirname(file)), file)}: incremental must be one of ${INCREMENTAL_GRAINS.join(', ')}, ` +
      `a list of them, compare, or {sum: [columns]}`,
  );
}

/**
 * The previous warehouse, attached as `prev`, when it can seed an incremental build: built by the same models in
 * the same time zone. Returns false (and attaches nothing) otherwise.
 */
export async function attachPrevious(
  session: SessionLike,
  previousPath: string,
  modelsHash: string,
  timeZone: string,
  log: (message: string) => void,
): Promise<boolean> {
  if (!existsSync(previousPath)) return false;
  const conn = asSession(session);
  try {
    await conn.run(`attach ${quote(previousPath)} as prev (read_only)`);
  } catch (e) {
    // e.g. another process holds it read-write: the full build does not need it
    log(
      `  incremental: building every model (the previous warehouse cannot be opened: ${e instanceof Error ? e.message : String(e)})`,
    );
    return false;
  }
  let reason: string | undefined;
  try {
    const info = (await conn.query('select models_hash, time_zone from prev.main.build_info'))[0];
    if (!info) reason = 'it has no build_info';
    else if (info.models_hash !== modelsHash) reason = 'it was built by other models';
    else if (info.time_zone !== timeZone) reason = `it was built in time zone ${String(info.time_zone)}, not ${timeZone}`;
  } catch (e) {
    reason = `its build_info cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  if (reason) {
    await conn.run('detach prev');
    log(`  incremental: building every model (the previous warehouse cannot be reused: ${reason})`);
    return false;
  }
  return true;
}

export async function detachPrevious(session: SessionLike): Promise<void> {
  await asSession(session).run('detach database if exists prev');
}

/**
 * Whether the previous warehouse at `previousPath` was built by the same models (build_info.models_hash): read
 * before the build copies it, so that a model change costs no copy. attachPrevious checks again, and the time zone.
 */
export async function previousReusable(
  previousPath: string,
  modelsHash: string,
  log: (message: string) => void,
): Promise<boolean> {
  if (!existsSync(previousPath)) return false;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`attach ${quote(previousPath)} as prev (read_only)`);
    const info = (await conn.runAndReadAll('select models_hash from prev.main.build_info')).getRowObjectsJS()[0];
    if (info?.models_hash === modelsHash) return true;
    log(`  incremental: building every model (the previous warehouse was built by other models)`);
  } catch (e) {
    log(
      `  incremental: building every model (the previous warehouse cannot be read: ${e instanceof Error ? e.message : String(e)})`,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return false;
}

/** Cube's pre-aggregation schemas (prod_pre_aggregations, dev_pre_aggregations), where the server keeps its rollups. */
const ROLLUP_SCHEMAS = `schema_name like '%pre_aggregations'`;

/**
 * Readies a copy of the previous warehouse to be updated in place: its raw tables go (the seeds are loaded
 * again), and so does its build record. The server's rollups (Cube's pre-aggregation schemas) stay: once the plan
 * says which tables changed, keepRollups drops those that read a changed table and keeps the others for the
 * server's warm-up to reuse. Staging and marts stay, for runModelsIncrementally to update.
 */
export async function clearCopy(session: SessionLike): Promise<void> {
  const conn = asSession(session);
  const kept = ['main', ...MODEL_SCHEMAS];
  const schemas = await conn.query(
    `select schema_name from duckdb_schemas() where database_name = current_database() and not internal and not ${ROLLUP_SCHEMAS}`,
  );
  for (const { schema_name: schema } of schemas)
    if (!kept.includes(String(schema))) await conn.run(`drop schema "${String(schema).replaceAll('"', '""')}" cascade`);
  await conn.run('drop table if exists main.build_info');
  // their space freed now, for the seeds' load to reuse instead of growing the file
  await conn.run('checkpoint');
}

/**
 * Gives each model's table or view its version (server/cube/rollup-inputs.ts): an unchanged one keeps the version
 * it had in the previous warehouse (its comment there, or that build's time), a changed one has none (this build's
 * time, once build_info is written). The comment is the version because it stays with the table: a full build's
 * tables have none, and a table dropped and built again loses it.
 */
async function versionTables(conn: WarehouseSession, models: Model[], unchanged: Set<string>): Promise<void> {
  const prevBuilt = String((await conn.query('select cast(max(built_at) as varchar) as v from prev.main.build_info'))[0]!.v);
  const prevComments = new Map(
    (
      await conn.query(
        `select schema_name || '.' || table_name as name, comment from duckdb_tables() where database_name = 'prev' ` +
          `union all select schema_name || '.' || view_name, comment from duckdb_views() where database_name = 'prev'`,
      )
    ).map((r) => [String(r.name), r.comment ? String(r.comment) : undefined]),
  );
  for (const model of models) {
    const name = `${model.schema}.${model.name}`;
    const version = unchanged.has(name) ? quote(prevComments.get(name) ?? prevBuilt) : 'null';
    await conn.run(`comment on ${model.materialized === 'view' ? 'view' : 'table'} ${name} is ${version}`);
  }
}

/**
 * Keeps the copied rollups whose tables (rollup-inputs.ts, over the cube files beside `modelsDir`) are all
 * unchanged, and drops the others. Their refresh key is those tables' version, so the server's warm-up finds the
 * kept ones under the names it looks for and builds only the dropped ones. Dropped here rather than left for Cube:
 * Cube serves a rollup table of the same structure while a newer one is being built (and in any time zone the
 * warm-up does not build), so a stale table left in the file could answer with the previous warehouse's figures.
 * A table of no known rollup (another model, a JS cube) is dropped too.
 */
async function keepRollups(
  conn: WarehouseSession,
  modelsDir: string,
  unchanged: Set<string>,
): Promise<{ kept: string[]; dropped: string[] }> {
  const inputs = modelInputs(readModelFiles(path.dirname(modelsDir)));
  const tables = await conn.query(
    `select schema_name, table_name from duckdb_tables() where database_name = current_database() and ${ROLLUP_SCHEMAS} ` +
      `order by schema_name, table_name`,
  );
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const { schema_name: schema, table_name: table } of tables) {
    const rollup = rollupOfTable(String(table), inputs);
    const reads = rollup ? inputs.rollups.get(rollup) : undefined;
    const name = `${String(schema)}.${String(table)}`;
    if (reads?.length && reads.every((t) => unchanged.has(t))) {
      kept.push(name);
      continue;
    }
    await conn.run(`drop table "${String(schema).replaceAll('"', '""')}"."${String(table).replaceAll('"', '""')}"`);
    dropped.push(name);
  }
  return { kept, dropped };
}

async function columnsOf(conn: WarehouseSession, schema: string, table: string): Promise<string[]> {
  const rows = await conn.query(
    `select column_name from information_schema.columns where table_catalog = current_database() ` +
      `and table_schema = ${quote(schema)} and table_name = ${quote(table)} order by ordinal_position`,
  );
  return rows.map((r) => String(r.column_name));
}

/**
 * The lead_id and account_id (those of them it has) of the rows of `schema.table` in one warehouse and not the
 * other, both ways, into temp table `diff_<table>`; returns their number. Rows are compared by a 64-bit hash of the
 * whole row beside those keys (EXCEPT ALL over three narrow columns instead of every column: 2.5 times faster on
 * the touches): a changed row goes unseen only if its new and old versions collide on the hash and the keys, about
 * one chance in 10^19 per changed row.
 */
async function diffTable(
  conn: WarehouseSession,
  schema: string,
  table: string,
  columns: string[],
  read?: string[],
): Promise<number> {
  const keys = (['lead_id', 'account_id'] as const).filter((k) => columns.includes(k));
  const hashed = read ? `hash(${read.map((c) => `row_side.${c}`).join(', ')})` : 'hash(row_side)';
  const side = (db: string) => `select ${[...keys, `${hashed} as row_hash`].join(', ')} from ${db}${schema}.${table} as row_side`;
  await conn.run(
    `create or replace temp table diff_${table} as ` +
      `(${side('')} except all ${side('prev.')}) union all (${side('prev.')} except all ${side('')})`,
  );
  return Number((await conn.query(`select count(*) as n from temp.diff_${table}`))[0]!.n);
}

/**
 * Whether the rows of mart `model`, just rebuilt whole, that differ from the previous warehouse's (both ways, as
 * diffTable compares) all belong to the changed leads and accounts: none differs, or each has a lead_id or
 * account_id, and those it has are among `changed_leads` and `changed_accounts`. Then the mart's changes are
 * covered as a changed staging table's are (the header, 3): the input views of a mart reading it show every row
 * that differs, as it was and as it is. Logs the outcome either way.
 */
async function coveredByCompare(
  conn: WarehouseSession,
  model: Pick<Model, 'schema' | 'name'>,
  log: (message: string) => void,
  reader?: Pick<Model, 'name' | 'kind' | 'sql'>,
): Promise<boolean> {
  const columns = await columnsOf(conn, model.schema, model.name);
  const keys = (['lead_id', 'account_id'] as const).filter((k) => columns.includes(k));
  const read = reader ? columnsRead(reader, columns) : undefined;
  const table = `${model.schema}.${model.name}${reader ? ` in the columns ${reader.name} reads (${read!.join(', ') || 'none'})` : ''}`;
  const started = performance.now();
  if (read?.length === 0) return true;
  const differing = await diffTable(conn, model.schema, model.name, columns, read);
  if (differing === 0 || keys.length === 0) {
    await conn.run(`drop table temp.diff_${model.name}`);
    log(
      `  ${table}: ${differing === 0 ? 'the same rows as before' : `${differing.toLocaleString('en-US')} rows differ, and it has neither lead_id nor account_id`} ` +
        `(compared in ${Math.round(performance.now() - started)} ms)`,
    );
    return differing === 0;
  }
  const member = (k: 'lead_id' | 'account_id') =>
    `(diff.${k} is null or exists (select 1 from temp.changed_${CHANGED_OF[k]} as c where c.${k} = diff.${k}))`;
  const outside = Number(
    (
      await conn.query(
        `select count(*) as n from temp.diff_${model.name} as diff ` +
          `where not (${keys.map(member).join(' and ')}) or (${keys.map((k) => `diff.${k} is null`).join(' and ')})`,
      )
    )[0]!.n,
  );
  await conn.run(`drop table temp.diff_${model.name}`);
  log(
    `  ${table}: ${differing.toLocaleString('en-US')} rows differ from the previous ones, ` +
      `${outside === 0 ? 'all' : `${outside.toLocaleString('en-US')} not`} of the changed leads and accounts ` +
      `(compared in ${Math.round(performance.now() - started)} ms)`,
  );
  return outside === 0;
}

/** A word that may follow `from <table>` without adding a table (a join or a comma adds one). */
const JOINS = /^\s*(?:,|(?:join|inner|left|right|full|cross|natural|positional|asof|lateral|anti|semi)\b)/;

/**
 * The columns of `columns` that `model`'s SQL reads: those it names (a whole word), or all of them when it could
 * read a column without naming it or is not SQL. A `select *` names nothing, so it is allowed only over a CTE whose
 * own select names its columns (`select * from final`, a union of such CTEs) or in an import CTE
 * (`deals as (select * from deals)`, whose columns are named where the CTE is used); any other star (`t.*`,
 * `select *, …`, over a join, over an import CTE or an input), `columns(…)` or a pivot reads every column.
 */
export function columnsRead(model: Pick<Model, 'kind' | 'sql'>, columns: string[]): string[] {
  if (model.kind !== 'sql' || !model.sql) return columns;
  const sql = stripSql(model.sql).toLowerCase();
  if (/\bcolumns\s*\(|\b(un)?pivot\b|\w\s*\.\s*\*/.test(sql)) return columns;
  // CTEs whose select names its columns (not `select *`)
  const named = new Set([...sql.matchAll(/\b([a-z_]\w*)\s+as\s*\(\s*select\s+(?:distinct\s+)?(?!\*)/g)].map((m) => m[1]!));
  for (const star of sql.matchAll(/(?:\bselect(?:\s+distinct)?|,)\s*\*/g)) {
    // the select's own `from` (the first at the star's depth), and the one table it reads
    let depth = 0;
    let at = star.index + star[0].length;
    for (; at < sql.length && depth >= 0; at++) {
      if (sql[at] === '(') depth++;
      else if (sql[at] === ')') depth--;
      else if (depth === 0 && sql.startsWith('from', at) && !/\w/.test(sql[at - 1]!) && !/\w/.test(sql[at + 4] ?? '')) break;
    }
    const from = /^from\s+([a-z_][\w.]*)(?:\s+as\s+[a-z_]\w*)?/.exec(sql.slice(at));
    if (!from || JOINS.test(sql.slice(at + from[0].length))) return columns;
    const importCte = /\b[a-z_]\w*\s+as\s*\(\s*select\s+(?:distinct\s+)?$/.test(sql.slice(0, star.index + star[0].length - 1));
    if (!(importCte && star[0].startsWith('select')) && !named.has(from[1]!)) return columns;
  }
  return columns.filter((c) => new RegExp(`\\b${c}\\b`).test(sql));
}

/**
 * Whether mart `dep`, rebuilt and found changed beyond the changed leads (`globalChanged`, as `settings` when as_of
 * moves, or `deals` whose open deals' pipeline_at is as_of), differs from before only in the changed leads' and
 * accounts' rows when `model` reads it: compared in the columns `model` reads (columnsRead) as coveredByCompare
 * compares whole rows. Then `model` can be updated by lead as though `dep` had changed by lead only.
 */
async function sameAsRead(
  conn: WarehouseSession,
  model: Model,
  dep: string,
  globalChanged: Set<string>,
  log: (message: string) => void,
): Promise<boolean> {
  if (!globalChanged.has(dep)) return false;
  return coveredByCompare(conn, { schema: 'marts', name: dep }, log, model);
}

const SCOPE = 'incremental_scope';

/**
 * Views in schema `incremental_scope`, first on the search path, over each input of `model` that has a lead_id or
 * account_id column: its rows of the changed leads or accounts (both when it has both; a row of a changed account
 * whose lead is not among them stays, so a view holds at least every row the promise lets a lead's rows read), or
 * of the `as_of` key set (asOfKeys). Inputs without those columns are read whole. A reference written with its
 * schema (`marts.settings`) bypasses the views and reads the whole table: slower, equally right (not for a sum: see
 * sumByLeads). With `from` = 'prev.' the views show the previous warehouse's rows of those leads and accounts, and
 * its whole tables for the other inputs (settings as it was: the previous as_of). Returns the inputs given a view.
 */
async function scopeInputs(
  conn: WarehouseSession,
  model: Model,
  from: '' | 'prev.' = '',
  keys: KeySet = 'changed',
): Promise<string[]> {
  const scoped: string[] = [];
  // afresh: a view left by another model or run (settings as it was) must not shadow an input read whole
  await conn.run(`drop schema if exists ${SCOPE} cascade`);
  await conn.run(`create schema ${SCOPE}`);
  for (const dep of model.dependsOn) {
    const found = (
      await conn.query(
        `select table_schema, table_type from information_schema.tables where table_catalog = current_database() ` +
          `and table_name = ${quote(dep)} and table_schema in ('marts', 'staging') limit 1`,
      )
    )[0];
    if (!found) continue;
    const schema = String(found.table_schema);
    const columns = await columnsOf(conn, schema, dep);
    const keep = INCREMENTAL_GRAINS.filter((g) => columns.includes(g)).map(
      (g) => `${g} in (select ${g} from ${keysOf(keys, g)})`,
    );
    if (keep.length === 0 && !(from === 'prev.' && found.table_type === 'BASE TABLE')) continue;
    await conn.run(
      `create or replace view ${SCOPE}.${dep} as select * from ${from}${schema}.${dep}${keep.length ? ` where ${keep.join(' or ')}` : ''}`,
    );
    scoped.push(dep);
  }
  await conn.run(`set search_path = '${SCOPE},${SEARCH_PATH}'`);
  return scoped;
}

/** The model's select statement as written (the runner's rendering), for use as a subquery. */
function selectBody(model: Model): string {
  return model.sql!.trim().replace(/;\s*$/, '');
}

/** The model's SQL over its inputs' rows of the changed leads and accounts (scopeInputs), into temp table `into`. */
async function selectScoped(
  conn: WarehouseSession,
  model: Model,
  from: '' | 'prev.',
  into: string,
  keys: KeySet,
): Promise<string[]> {
  const scoped = await scopeInputs(conn, model, from, keys);
  try {
    await conn.run(`create or replace temp table ${into} as select * from (\n${selectBody(model)}\n) as model_rows`);
  } finally {
    await conn.run(`set search_path = '${SEARCH_PATH}'`);
  }
  return scoped;
}

/**
 * Writes a mart updated by key or as sums anew: a new table of the rows `kept` selects from the previous one (the
 * copy's), then the rows `add` inserts into it (cast to the table's types, as into the old one), swapped in for the
 * old table, whose blocks the checkpoint frees for the next table to reuse. One write of the table, where deleting
 * the replaced rows in place and inserting the new ones cost the delete, and left the deleted rows in the file:
 * DuckDB 1.5 keeps a table's deletes per vector of 2,048 rows, and a process that reads a vector with a deleted row
 * holds that vector's version info (~35 KiB) in memory it cannot evict until it closes the file (17 bytes per row:
 * at 1 M leads the server's warm-up after a day's import ran out of its 1.1 GiB, docs/import.md), so each such table
 * had to be written again whole after the update.
 */
async function rewriteTable(
  conn: WarehouseSession,
  model: Pick<Model, 'schema' | 'name'>,
  kept: (old: string) => string,
  add: (into: string) => Promise<unknown>,
): Promise<void> {
  const [table, next] = [`${model.schema}.${model.name}`, `${model.schema}.${model.name}__next`];
  await conn.run(`create or replace table ${next} as ${kept(table)}`);
  await add(next);
  await conn.run(`drop table ${table}`);
  await conn.run(`alter table ${next} rename to ${model.name}`);
  await conn.run('checkpoint');
}

/**
 * A model declared `incremental: {sum: [columns]}` (readIncrementalSpec): its SQL run over the changed leads' rows
 * as they are now and as they were gives their contributions after and before; the difference, summed per value of
 * the other columns, is added to the previous table's sums, in place (the table is the copied previous one). A row whose sums become 0 goes, as in the model (it
 * promises no such row); the previous rows of values the changed leads do not touch are kept as they are. The sums
 * must be integers, so that they are exact whatever the order of addition.
 */
async function sumByLeads(
  conn: WarehouseSession,
  model: Model,
  sumColumns: string[],
  log: (message: string) => void,
  keys: KeySet,
): Promise<void> {
  let mark = performance.now();
  const lap = () => {
    const ms = performance.now() - mark;
    mark = performance.now();
    return `${(ms / 1000).toFixed(1)} s`;
  };
  const body = stripSql(selectBody(model));
  if (/;\s*\S/.test(body)) throw new Error('a model is one select statement (found ";" inside)');
  const table = `${model.schema}.${model.name}`;
  const typed = await conn.query(
    `select column_name, data_type from information_schema.columns where table_catalog = 'prev' ` +
      `and table_schema = ${quote(model.schema)} and table_name = ${quote(model.name)} order by ordinal_position`,
  );
  const types = new Map(typed.map((r) => [String(r.column_name), String(r.data_type)]));
  for (const column of sumColumns) {
    const type = types.get(column);
    if (!type || !/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(type))
      throw new Error(`incremental sum column ${column} must be an integer column of the table (it is ${type ?? 'missing'})`);
  }
  const columns = [...types.keys()];
  const groups = columns.filter((c) => !sumColumns.includes(c));
  await selectScoped(conn, model, '', 'sum_after', keys);
  const after = lap();
  // an input read with its schema would bypass the views: a lead-keyed one's other leads' rows counted again, or
  // the contributions before read from this warehouse's settings (as_of) rather than the previous one's
  for (const dep of await selectScoped(conn, model, 'prev.', 'sum_before', keys))
    if (new RegExp(`\\b(marts|staging)\\.${dep}\\b`).test(body))
      throw new Error(`a sum by leads reads ${dep} through the changed leads' view: write it without its schema`);
  const before = lap();
  const list = (f: (c: string) => string) => columns.map(f).join(', ');
  const groupBy = groups.length ? `group by ${groups.join(', ')}` : '';
  const nonZero = sumColumns.map((c) => `sum(${c}) <> 0`).join(' or ');
  const summed = list((c) => (sumColumns.includes(c) ? `cast(sum(${c}) as ${types.get(c)}) as ${c}` : c));
  await conn.run(
    `create or replace temp table sum_change as select ${summed} from (` +
      `select ${list((c) => c)} from temp.sum_after union all select ${list((c) => (sumColumns.includes(c) ? `-${c}` : c))} from temp.sum_before` +
      `) ${groupBy} having ${nonZero}`,
  );
  const changes = lap();
  // The rows the changes touch (the table is the previous warehouse's, copied), their new sums, then the table
  // written anew with them and its untouched rows (rewriteTable). The touched rows are found once, by a semi join
  // (an EXISTS under the union and group by took 10 times as long at 100 k leads).
  const on = groups.map((c) => `change.${c} is not distinct from old.${c}`).join(' and ') || 'true';
  await conn.run(
    `create or replace temp table sum_touched as select old.* from ${table} as old semi join temp.sum_change as change on ${on}`,
  );
  const found = lap();
  await conn.run(
    `create or replace temp table sum_rows as select ${summed} from (` +
      `select * from temp.sum_touched union all select * from temp.sum_change` +
      `) ${groupBy} having ${nonZero}`,
  );
  const summedAt = lap();
  await rewriteTable(
    conn,
    model,
    (old) => `select old.* from ${old} as old anti join temp.sum_change as change on ${on}`,
    (into) => conn.run(`insert into ${into} select * from temp.sum_rows`),
  );
  log(
    `  ${table}: the changed leads' rows after ${after}, before ${before}, their changes ${changes}; ` +
      `touched rows found ${found}, summed ${summedAt}, written with the untouched rows ${lap()}`,
  );
  for (const t of ['sum_after', 'sum_before', 'sum_change', 'sum_touched', 'sum_rows']) await conn.run(`drop table temp.${t}`);
}

/**
 * Builds every model of `modelsDir` into the connection's staging and marts, reusing the attached `prev` warehouse
 * as the header says. The caller attached `prev` (attachPrevious) and detaches it after.
 */
export async function runModelsIncrementally(
  session: SessionLike,
  modelsDir: string,
  log: (message: string) => void,
): Promise<{ models: Model[]; built: BuiltModel[]; plan: IncrementalPlan }> {
  const conn = asSession(session);
  const models = await orderModels(await discoverModels(modelsDir));
  await setSearchPath(conn);
  const specs = new Map<string, IncrementalSpec | undefined>();
  const asOfSpecs = new Map<string, string>();
  for (const model of models) {
    specs.set(model.name, await readIncrementalSpec(model));
    const asOf = await readAsOfSpec(model);
    if (asOf) asOfSpecs.set(model.name, asOf);
  }
  const built: BuiltModel[] = [];
  const updates: Record<string, ModelUpdate> = {};
  // Staging: rebuilt whole, then compared with the previous warehouse's.
  const staging = models.filter((m) => m.schema === 'staging');
  const changedStaging: string[] = [];
  await conn.run('create temp table direct_leads (lead_id varchar)');
  await conn.run('create temp table direct_accounts (account_id varchar)');
  let compareMs = 0;
  // Dropped first and their space freed (checkpoint), so the new tables reuse it instead of growing the file.
  for (const model of staging) await conn.run(`drop ${model.materialized} if exists staging.${model.name}`);
  await conn.run('checkpoint');
  for (const model of staging) {
    built.push(await buildModel(conn, model, log));
    const compareStarted = performance.now();
    updates[model.name] = 'rebuilt';
    const columns = await columnsOf(conn, 'staging', model.name);
    if ((await diffTable(conn, 'staging', model.name, columns)) === 0) {
      compareMs += performance.now() - compareStarted;
      continue;
    }
    changedStaging.push(model.name);
    for (const key of ['lead_id', 'account_id'] as const) {
      if (!columns.includes(key)) continue;
      const into = key === 'lead_id' ? 'direct_leads' : 'direct_accounts';
      await conn.run(`insert into temp.${into} select distinct ${key} from temp.diff_${model.name} where ${key} is not null`);
    }
    compareMs += performance.now() - compareStarted;
  }
  await releaseSeeds(conn, models, staging.length, log);
  // Closed over accounts, before and after (the header, 2): to a fixed point over every staging row that names a
  // lead and an account (a lead's own row, a deal's primary contact in another account).
  const links: string[] = [];
  for (const model of staging) {
    const columns = await columnsOf(conn, 'staging', model.name);
    if (columns.includes('lead_id') && columns.includes('account_id'))
      for (const db of ['', 'prev.']) links.push(`select lead_id, account_id from ${db}staging.${model.name}`);
  }
  await conn.run(`create temp table changed_leads as select distinct lead_id from temp.direct_leads`);
  await conn.run(`create temp table changed_accounts as select distinct account_id from temp.direct_accounts`);
  const linked = links.length ? links.join(' union all ') : 'select null as lead_id, null as account_id where false';
  /** The key set's leads and accounts closed over each other, to a fixed point. */
  const closeOver = async (set: KeySet) => {
    const [leads, accounts] = [keysOf(set, 'lead_id'), keysOf(set, 'account_id')];
    for (let added = 1; added > 0;) {
      const accountsAdded = await conn.query(
        `insert into ${accounts} select distinct account_id from (${linked}) ` +
          `where lead_id in (select lead_id from ${leads}) and account_id is not null ` +
          `and account_id not in (select account_id from ${accounts}) returning account_id`,
      );
      const leadsAdded = await conn.query(
        `insert into ${leads} select distinct lead_id from (${linked}) ` +
          `where account_id in (select account_id from ${accounts}) and lead_id is not null ` +
          `and lead_id not in (select lead_id from ${leads}) returning lead_id`,
      );
      added = accountsAdded.length + leadsAdded.length;
    }
  };
  await closeOver('changed');
  const count = async (from: string) =>
    Number((await conn.query(`select count(*) as n from ${/^\w+$/.test(from) ? `temp.${from}` : from}`))[0]!.n);
  const changedLeads = await count('changed_leads');
  const changedAccounts = await count('changed_accounts');
  log(
    `  incremental: ${changedLeads.toLocaleString('en-US')} leads and ${changedAccounts.toLocaleString('en-US')} accounts changed ` +
      `(staging tables changed: ${changedStaging.join(', ') || 'none'}; compared with the previous ones in ${Math.round(compareMs)} ms)`,
  );

  // Staging tables whose changes the changed leads cover: they carry lead_id or account_id.
  const coveredByLeads = new Set<string>();
  for (const name of changedStaging) {
    const columns = await columnsOf(conn, 'staging', name);
    if (columns.includes('lead_id') || columns.includes('account_id')) coveredByLeads.add(name);
  }
  // Inputs as they were in the previous warehouse: unchanged staging tables, copied marts and their views.
  const same = new Set(staging.filter((m) => !changedStaging.includes(m.name)).map((m) => m.name));
  const unchanged = (name: string) => same.has(name);
  // A view's rows are its inputs' rows: it changes by leads when it is declared so and its inputs do.
  const byLeads = new Set<string>();
  // Marts rebuilt whole and then compared (`incremental: compare`): planned as covered by the changed leads, and
  // checked once built (coveredByCompare); a mart reading one that fails the check is rebuilt whole after all.
  const compared = new Set<string>();
  const covers = (d: string) => unchanged(d) || coveredByLeads.has(d) || byLeads.has(d) || compared.has(d);
  // Compared marts whose changes the changed leads do not cover: a reader may still be updated by lead when the
  // columns it reads are the same (sameAsRead), as when only as_of moved in `settings`.
  const globalChanged = new Set<string>();
  // A day's import moves as_of. When nothing else of the settings changed (as_of_move then holds the two), a mart
  // whose `.yml` names the keys whose rows cross it (readAsOfSpec) is updated for those keys too, rather than built
  // whole; it reads `settings` and any compared mart that only appends rows when as_of moves (zone_hours).
  let moved: boolean | undefined;
  const asOfMoved = async () => {
    if (moved === undefined) {
      const others = (db: string) => `select * exclude (as_of_at, as_of_date) from ${db}marts.settings`;
      moved =
        globalChanged.has('settings') &&
        (await count(
          `((${others('')} except all ${others('prev.')}) union all (${others('prev.')} except all ${others('')}))`,
        )) === 0;
      if (moved)
        await conn.run(
          `create temp table as_of_move as select least(before.as_of_at, now.as_of_at) as moved_from_at, ` +
            `greatest(before.as_of_at, now.as_of_at) as moved_to_at from prev.marts.settings as before cross join marts.settings as now`,
        );
      log(`  incremental: ${moved ? 'as_of moved, and nothing else of the settings' : 'the settings changed beyond as_of'}`);
    }
    return moved;
  };
  const rowsKept = new Map<string, boolean>();
  const asOf: Record<string, number> = {};
  const asOfCovers = async (dep: string) => {
    if (!globalChanged.has(dep) || !(await asOfMoved())) return false;
    if (dep === 'settings') return true;
    if (asOfSpecs.get(dep) !== 'appends') return false;
    if (!rowsKept.has(dep)) {
      const lost = await count(`(select * from prev.marts.${dep} except all select * from marts.${dep})`);
      log(`  marts.${dep}: ${lost === 0 ? 'its previous rows all kept' : `${lost} of its previous rows gone`} as as_of moved`);
      rowsKept.set(dep, lost === 0);
    }
    return rowsKept.get(dep)!;
  };
  /**
   * The changed leads and accounts, and those whose rows in `model` cross the moved as_of (its `.yml`'s as_of
   * select), closed over each other as the changed ones are, into temp.as_of_leads and as_of_accounts; returns how
   * many keys that adds to the changed ones.
   */
  const asOfKeys = async (model: Model) => {
    const started = performance.now();
    for (const grain of INCREMENTAL_GRAINS)
      await conn.run(`create or replace temp table as_of_${CHANGED_OF[grain]} as select * from ${keysOf('changed', grain)}`);
    await conn.run(`create or replace temp table as_of_keys as select * from (\n${asOfSpecs.get(model.name)!}\n) as crossing`);
    const columns = (
      await conn.query(`select column_name from duckdb_columns() where database_name = 'temp' and table_name = 'as_of_keys'`)
    ).map((r) => String(r.column_name));
    const grains = INCREMENTAL_GRAINS.filter((g) => columns.includes(g));
    if (grains.length === 0) throw new Error(`${model.name}.yml: its as_of select must return lead_id or account_id`);
    for (const grain of grains)
      await conn.run(
        `insert into ${keysOf('as_of', grain)} select distinct ${grain} from temp.as_of_keys where ${grain} is not null ` +
          `and ${grain} not in (select ${grain} from ${keysOf('as_of', grain)})`,
      );
    await closeOver('as_of');
    const [leads, accounts] = [await count('as_of_leads'), await count('as_of_accounts')];
    log(
      `  marts.${model.name}: ${(leads - changedLeads).toLocaleString('en-US')} leads and ` +
        `${(accounts - changedAccounts).toLocaleString('en-US')} accounts more, whose rows cross the moved as_of ` +
        `(found in ${Math.round(performance.now() - started)} ms)`,
    );
    asOf[model.name] = leads - changedLeads + accounts - changedAccounts;
    return asOf[model.name];
  };

  // The plan first, so that every table to be rebuilt is dropped, and its space freed, before any is written.
  type Step = { model: Model; how: 'kept' | 'copied' | 'by-key' | 'sums' | 'rebuilt' };
  const steps: Step[] = [];
  for (const model of models.filter((m) => m.schema === 'marts')) {
    const spec = specs.get(model.name);
    const grain = grainsOf(spec);
    const inputsUnchanged = model.dependsOn.every(unchanged);
    const inputsByLeads = model.dependsOn.every(covers);
    if (model.materialized === 'view') {
      // the copy holds the view as the same models wrote it, and a view is computed when read
      steps.push({ model, how: 'kept' });
      if (inputsUnchanged) {
        updates[model.name] = 'copied';
        same.add(model.name);
      } else {
        updates[model.name] = 'rebuilt';
        if (grain && inputsByLeads) byLeads.add(model.name);
      }
    } else if (inputsUnchanged) {
      updates[model.name] = 'copied';
      same.add(model.name);
      steps.push({ model, how: 'copied' });
    } else if (grain && inputsByLeads && model.kind === 'sql') {
      updates[model.name] = 'incremental';
      byLeads.add(model.name);
      steps.push({ model, how: 'by-key' });
    } else if (typeof spec === 'object' && inputsByLeads && model.kind === 'sql') {
      updates[model.name] = 'incremental';
      steps.push({ model, how: 'sums' });
    } else {
      updates[model.name] = 'rebuilt';
      steps.push({ model, how: 'rebuilt' });
      if (spec === 'compare') compared.add(model.name);
    }
  }
  for (const { model } of steps.filter((step) => step.how === 'rebuilt'))
    await conn.run(`drop table if exists ${model.schema}.${model.name}`);
  await conn.run('checkpoint');

  for (const step of steps) {
    const { model } = step;
    let how = step.how;
    const spec = specs.get(model.name);
    const table = `${model.schema}.${model.name}`;
    // an input planned as covered (a compared mart) whose changed rows turned out not to be the changed leads'
    let covered: boolean | undefined;
    // an input changed only by as_of's move, covered by the rows of the keys that cross it (asOfKeys)
    let keys = 'changed' as KeySet;
    const inputsCovered = async () => {
      if (covered === undefined) {
        covered = true;
        for (const dep of model.dependsOn) {
          if (covers(dep) || (await sameAsRead(conn, model, dep, globalChanged, log))) continue;
          if (asOfSpecs.get(model.name) !== 'appends' && asOfSpecs.has(model.name) && (await asOfCovers(dep))) {
            keys = 'as_of';
            continue;
          }
          covered = false;
          break;
        }
      }
      return covered;
    };
    if (byLeads.has(model.name) && !(await inputsCovered())) byLeads.delete(model.name);
    if ((how === 'by-key' || how === 'sums') && !(await inputsCovered())) {
      log(`  ${table}: built whole (an input it reads changed beyond the changed leads' rows)`);
      updates[model.name] = 'rebuilt';
      await conn.run(`drop table if exists ${table}`);
      how = 'rebuilt';
    }
    if (how === 'kept' || how === 'copied') {
      built.push(await buildModel(conn, model, log, async () => undefined, how));
    } else if (how === 'by-key') {
      const grains = grainsOf(spec)!;
      // rows beyond the changed leads': a reader cannot be updated by lead
      if (keys === 'as_of' && (await asOfKeys(model)) > 0) byLeads.delete(model.name);
      // a row is the changed leads' when any of its keys is a changed lead's or account's
      const ofChanged = (row: string) => grains.map((g) => `${row}${g} in (select ${g} from ${keysOf(keys, g)})`).join(' or ');
      built.push(
        await buildModel(
          conn,
          model,
          log,
          async () => {
            if (/;\s*\S/.test(stripSql(selectBody(model)))) throw new Error('a model is one select statement (found ";" inside)');
            await rewriteTable(
              conn,
              model,
              // a row whose keys are null is no changed lead's: kept
              (old) => `select * from ${old} where (${ofChanged('')}) is not true`,
              // The model's SQL reads its lead- and account-keyed inputs through views restricted to the changed
              // leads and accounts (the promise: a lead's rows depend only on its account's leads' rows), so it
              // computes the changed leads' rows only, not every lead's rows and then a filter.
              async (into) => {
                await scopeInputs(conn, model, '', keys);
                try {
                  await conn.run(
                    `insert into ${into} select * from (\n${selectBody(model)}\n) as model_rows ` +
                      `where ${ofChanged('model_rows.')}`,
                  );
                } finally {
                  await conn.run(`set search_path = '${SEARCH_PATH}'`);
                }
              },
            );
          },
          `${grains.join(' or ')} rows of the changed ${grains.map((g) => CHANGED_OF[g]).join(' and ')}` +
            `${keys === 'as_of' ? ' and of those crossing the moved as_of' : ''} replaced`,
        ),
      );
    } else if (how === 'sums') {
      const sumColumns = (spec as { sum: string[] }).sum;
      if (keys === 'as_of') await asOfKeys(model);
      built.push(
        await buildModel(
          conn,
          model,
          log,
          () => sumByLeads(conn, model, sumColumns, log, keys),
          `sums of the changed leads' rows${keys === 'as_of' ? ' and of those crossing the moved as_of' : ''}, ` +
            `before and after, applied to the previous sums`,
        ),
      );
    } else {
      built.push(await buildModel(conn, model, log));
      if (compared.delete(model.name)) {
        if (await coveredByCompare(conn, model, log)) coveredByLeads.add(model.name);
        else globalChanged.add(model.name);
      }
    }
  }
  await conn.run(`drop schema if exists ${SCOPE} cascade`);
  // Versions and rollups after the models: a table's version says its rows are the previous warehouse's.
  const unchangedTables = new Set([
    ...staging.filter((m) => !changedStaging.includes(m.name)).map((m) => `staging.${m.name}`),
    ...models.filter((m) => m.schema === 'marts' && updates[m.name] === 'copied').map((m) => `marts.${m.name}`),
  ]);
  await versionTables(conn, models, unchangedTables);
  const rollups = await keepRollups(conn, modelsDir, unchangedTables);
  log(
    `  incremental: rollups carried over ${rollups.kept.length}, dropped ${rollups.dropped.length} (they read a table this build changed)`,
  );
  for (const t of [
    'direct_leads',
    'direct_accounts',
    'changed_leads',
    'changed_accounts',
    'as_of_move',
    'as_of_keys',
    'as_of_leads',
    'as_of_accounts',
    ...staging.map((m) => `diff_${m.name}`),
  ]) {
    await conn.run(`drop table if exists temp.${t}`);
  }
  return { models, built, plan: { changedLeads, changedAccounts, changedStaging, models: updates, asOf, rollups } };
}
