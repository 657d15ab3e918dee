/*
 * Finds the warehouse models (`<modelsDir>/staging/*.sql`, `<modelsDir>/marts/*.sql`
 * and `*.ts`), orders them by their references to each other and builds each
 * as a table `<schema>.<name>`, dbt-style.
 *
 * A SQL model refers to other models by bare name (`from stg_leads`) or
 * schema-qualified (`staging.stg_leads`); raw tables are referred to as
 * `raw.<table>`. The search path is `marts, staging, raw`, so a bare name finds
 * a model before a raw table of the same name. References are found in the
 * SQL text with comments and string literals removed, leaving out names
 * defined as CTEs in the same file and names used as a qualifier
 * (`alias.column`); a column that happens to share a model's name would count
 * as a reference (rename it).
 *
 * A SQL model may use the variables of SQL_VARIABLES as `{{ name }}` and the
 * macros of sql-macros.ts as `{{ local_month(col) }}`, so a rule the
 * TypeScript contract holds (server/contract/) is not copied into SQL and an
 * expression many marts need is written once; an unknown name is an error
 * naming the file and line.
 *
 * A TypeScript model follows dbt's Python-model contract: it exports
 * `dependsOn` (the models it reads), `columns` (its table's columns, name →
 * type, see write-table.ts) and `model(ctx)`, which returns the rows (the
 * runner writes the table) or one select statement (the runner creates the
 * table from it). `ctx.query(sql)` reads the warehouse being built.
 *
 * The runner takes a DuckDB connection or a WarehouseSession (target.ts), so
 * the same models build on PostgreSQL through its dialect layer.
 *
 * A SQL model is a table unless it says `{{ config(materialized='view') }}`
 * (dbt's spelling): a view costs nothing at build time and is computed when
 * read, for a long form that only reshapes a narrow table (the attribution
 * marts: seven models as columns in the table, one row per model in the
 * view). A view's row count is not taken (it would compute the view).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { asSession, writeTable, type SessionLike, type WarehouseSession } from './target.js';
import { ATTRIBUTION_MODELS } from '../contract/attribution.js';
import { MAX_LIFETIME_YEARS } from '../contract/unit-economics.js';
import { type Columns, quoteIdent, type RowOf, TABLE_COLUMN_TYPES } from './write-table.js';
import { splitArguments, SQL_MACROS, sqlList, VOCABULARY_VARIABLES } from './sql-macros.js';
import { sqlSegments } from './sql-text.js';

export const MODEL_SCHEMAS = ['staging', 'marts'] as const;
export type ModelSchema = (typeof MODEL_SCHEMAS)[number];
export const SEARCH_PATH = 'marts,staging,raw,main';

const MODEL_WEIGHT = `case models.model ${ATTRIBUTION_MODELS.map((m) => `when '${m}' then weights.${m}`).join(' ')} end`;

/** `{{ name }}` in a SQL model → this SQL text. */
export const SQL_VARIABLES: Readonly<Record<string, string>> = {
  ...VOCABULARY_VARIABLES,
  attribution_models: sqlList(ATTRIBUTION_MODELS),
  /** `(0, 'first_touch'), (1, 'last_touch'), …`: rows of a VALUES list, (index, model). */
  attribution_model_rows: ATTRIBUTION_MODELS.map((m, i) => `(${i}, '${m}')`).join(', '),
  /**
   * The weight of the row's model in a long form: `models` (marts.attribution_models) crossed with `weights`,
   * a table with one weight column per model.
   */
  model_weight: MODEL_WEIGHT,
  /** `weights.first_touch, weights.last_touch, …`: the weight columns by name, in one order for every table. */
  model_weight_columns: ATTRIBUTION_MODELS.map((m) => `weights.${m}`).join(', '),
  /**
   * The attribution long form after a model's own leading columns: one place for what a credit row carries
   * (docs/metrics.md definition 9), read by attribution_credits and attribution_levels. It reads their `weights`
   * (one row per weight row, one weight column per model) and gives `long_weights`, one row per weight row and
   * model with a weight > 0. The conversion's attributes and the campaign's name are joined to the weight rows
   * before they are crossed with the seven models (the left join keeps the planner from crossing first), so those
   * joins read each weight row once instead of once per model: the cube's rollup by channel and month builds
   * from these rows.
   */
  attribution_long_form: `long_weights.conversion_number,
    long_weights.conversion_type,
    long_weights.conversion_id,
    long_weights.opportunity_id,
    long_weights.account_id,
    long_weights.model,
    long_weights.channel,
    long_weights.campaign_id,
    long_weights.campaign_name,
    long_weights.converted_at,
    long_weights.weight,
    long_weights.touches,
    long_weights.weight * long_weights.pipeline_amount as attributed_pipeline,
    long_weights.weight * long_weights.revenue_amount as attributed_revenue,
    long_weights.deal_type,
    long_weights.owner_team,
    long_weights.industry,
    long_weights.employee_band,
    long_weights.converted_at_utc,
from (
    select weights.*, models.model_index, models.model, ${MODEL_WEIGHT} as weight,
    from (
        select
            weights.*,
            conversions.conversion_type,
            conversions.conversion_id,
            conversions.opportunity_id,
            conversions.account_id,
            coalesce(campaigns.campaign_name, weights.campaign_id, '(none)') as campaign_name,
            conversions.converted_at,
            conversions.pipeline_amount,
            conversions.revenue_amount,
            conversions.deal_type,
            conversions.owner_team,
            conversions.industry,
            conversions.employee_band,
            -- the same instant as the cubes' time dimension reads it, converted once per weight row
            {{ utc_instant(conversions.converted_at) }} as converted_at_utc,
        from weights
        inner join marts.attribution_conversions as conversions on conversions.conversion_number = weights.conversion_number
        left join staging.stg_campaigns as campaigns on campaigns.campaign_id = weights.campaign_id
    ) as weights
    cross join marts.attribution_models as models
) as long_weights
where long_weights.weight > 0`,
  max_lifetime_years: String(MAX_LIFETIME_YEARS),
};

export interface ModelContext {
  /** Rows of a query on the warehouse being built, as plain JS values. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  log(message: string): void;
}

export interface TsModelModule<C extends Columns = Columns> {
  dependsOn: readonly string[];
  columns: C;
  /** The table's rows (missing columns are NULL), or one select statement. */
  model(ctx: ModelContext): Promise<readonly Partial<RowOf<C>>[] | string>;
}

export interface Model {
  name: string;
  schema: ModelSchema;
  kind: 'sql' | 'ts';
  file: string;
  /** Relative to the models directory, e.g. `staging/stg_leads.sql`. */
  relativeFile: string;
  sql?: string;
  /** `view` when the SQL says `{{ config(materialized='view') }}`; otherwise a table. */
  materialized: 'table' | 'view';
  dependsOn: string[];
}

export interface BuiltModel {
  name: string;
  schema: ModelSchema;
  /** Rows written; null for a view (see the header). */
  rows: number | null;
  ms: number;
}

export class ModelError extends Error {}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** SQL text with comments and string literals blanked out; quoted identifiers unquoted. */
export function stripSql(sql: string): string {
  return sqlSegments(sql)
    .map(({ kind, text, closed }) => {
      if (kind === 'code') return text;
      if (kind === 'comment') return ' ';
      if (kind === 'string') return "''";
      const name = text.slice(1, closed ? -1 : undefined).replaceAll('""', '"');
      return IDENT.test(name.toLowerCase()) ? name : '_quoted_';
    })
    .join('');
}

/** Names of models (from `known`) that `sql` reads. */
export function findReferences(sql: string, known: ReadonlyMap<string, ModelSchema>, self: string): string[] {
  const text = stripSql(sql).toLowerCase();
  // A CTE is visible after its definition closes; inside its own body its name still means the model.
  const ctes: { name: string; close: number }[] = [];
  const definitions = new Set<number>();
  const cteDef = /(\bwith\s+(?:recursive\s+)?|,\s*)([a-z_][a-z0-9_]*)\s+as\s*(?:not\s+)?(?:materialized\s*)?\(/g;
  for (const m of text.matchAll(cteDef)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    let depth = 0;
    let close = text.length;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    ctes.push({ name: m[2]!, close });
    definitions.add((m.index ?? 0) + m[1]!.length);
  }
  const isCte = (name: string, at: number) => definitions.has(at) || ctes.some((c) => c.name === name && c.close < at);
  const refs = new Set<string>();
  for (const m of text.matchAll(/([a-z_][a-z0-9_$]*)\s*\.\s*([a-z_][a-z0-9_$]*)|([a-z_][a-z0-9_$]*)/g)) {
    if (m[3] !== undefined) {
      const name = m[3];
      const at = m.index ?? 0;
      if (text[at - 1] === '.' || isCte(name, at)) continue;
      if (known.has(name) && name !== self) refs.add(name);
    } else {
      const [, qualifier, name] = m as unknown as [string, string, string];
      if ((MODEL_SCHEMAS as readonly string[]).includes(qualifier) && known.get(name) === qualifier && name !== self) {
        refs.add(name);
      }
    }
  }
  return [...refs].sort();
}

const CONFIG = /\{\{\s*config\(\s*materialized\s*=\s*'([a-z]+)'\s*\)\s*\}\}/;

/** A SQL model's materialization from its `{{ config(materialized='…') }}`, and the SQL without it. */
export function readConfig(sql: string, relativeFile: string): { sql: string; materialized: 'table' | 'view' } {
  const m = CONFIG.exec(sql);
  if (!m) return { sql, materialized: 'table' };
  if (m[1] !== 'table' && m[1] !== 'view') {
    throw new ModelError(`${relativeFile}: materialized must be 'table' or 'view', not '${m[1]}'`);
  }
  return { sql: sql.slice(0, m.index) + sql.slice(m.index + m[0].length), materialized: m[1] };
}

/**
 * The SQL with each `{{ name }}` replaced by its SQL_VARIABLES value and each `{{ macro(args) }}` expanded
 * (sql-macros.ts); an unknown name or a wrong number of arguments names the file and line.
 */
export function renderSql(sql: string, relativeFile: string): string {
  // Innermost first, so a macro's argument may hold another: {{ utc_time({{ local_day(col) }}) }}.
  let text = sql;
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = renderInnermost(text, relativeFile);
  }
  return text;
}

function renderInnermost(sql: string, relativeFile: string): string {
  return sql.replace(
    /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(((?:(?!\{\{|\}\})[\s\S])*?)\))?\s*\}\}/g,
    (_match, name: string, args: string | undefined, offset: number) => {
      const fail = (message: string) => {
        const line = sql.slice(0, offset).split('\n').length;
        return new ModelError(`${relativeFile}:${line}: ${message}`);
      };
      if (args === undefined) {
        const value = SQL_VARIABLES[name];
        if (value !== undefined) return value;
        throw fail(`unknown variable {{ ${name} }} (known: ${Object.keys(SQL_VARIABLES).join(', ')})`);
      }
      const macro = SQL_MACROS[name];
      if (!macro) throw fail(`unknown macro {{ ${name}(…) }} (known: ${Object.keys(SQL_MACROS).join(', ')})`);
      const list = splitArguments(args);
      const [least, most] = macro.arity;
      if (!list || list.some((a) => a === '') || list.length < least || list.length > most) {
        throw fail(`{{ ${name}(…) }} takes ${least === most ? least : `${least} or ${most}`} argument(s), got "${args}"`);
      }
      try {
        return macro.expand(...list);
      } catch (e) {
        throw fail(e instanceof Error ? e.message : String(e));
      }
    },
  );
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Reads the model files; does not load TypeScript models yet (see `loadTsModel`). */
export async function discoverModels(modelsDir: string): Promise<Model[]> {
  const models: Model[] = [];
  const seen = new Map<string, string>();
  for (const schema of MODEL_SCHEMAS) {
    const dir = path.join(modelsDir, schema);
    for (const entry of await listDir(dir)) {
      const kind = entry.endsWith('.sql') ? 'sql' : /(?<!\.d|\.test|\.spec)\.ts$/.test(entry) ? 'ts' : undefined;
      if (!kind) continue;
      const name = entry.slice(0, -(kind.length + 1));
      const relativeFile = `${schema}/${entry}`;
      if (!IDENT.test(name)) {
        throw new ModelError(`${relativeFile}: a model name must be lower-case letters, digits and _`);
      }
      const other = seen.get(name);
      if (other) throw new ModelError(`Model "${name}" is defined twice: ${other} and ${relativeFile}`);
      seen.set(name, relativeFile);
      const file = path.join(dir, entry);
      const config = kind === 'sql' ? readConfig(await readFile(file, 'utf8'), relativeFile) : undefined;
      models.push({
        name,
        schema,
        kind,
        file,
        relativeFile,
        sql: config ? renderSql(config.sql, relativeFile) : undefined,
        materialized: config?.materialized ?? 'table',
        dependsOn: [],
      });
    }
  }
  return models;
}

export async function loadTsModel(model: Model): Promise<TsModelModule> {
  const mod = (await import(pathToFileURL(model.file).href)) as Partial<TsModelModule>;
  const problem = (what: string) => new ModelError(`${model.relativeFile} must export ${what}`);
  if (typeof mod.model !== 'function') throw problem('"async function model(ctx)" returning rows or a select statement');
  if (!(Array.isArray(mod.dependsOn) && mod.dependsOn.every((d) => typeof d === 'string'))) {
    throw problem('"dependsOn", an array of model names');
  }
  const columns = mod.columns as Record<string, unknown> | undefined;
  if (
    typeof columns !== 'object' ||
    columns === null ||
    !Object.values(columns).every((t) => (TABLE_COLUMN_TYPES as readonly unknown[]).includes(t))
  ) {
    throw problem(`"columns", an object column name → type (${TABLE_COLUMN_TYPES.join(', ')})`);
  }
  return mod as TsModelModule;
}

async function buildTsModel(conn: WarehouseSession, model: Model, log: (message: string) => void): Promise<void> {
  const mod = await loadTsModel(model);
  const ctx: ModelContext = {
    query: (sql) => conn.query(sql),
    log: (message) => log(`  ${model.name}: ${message}`),
  };
  const result = await mod.model(ctx);
  await conn.run(`set search_path = '${SEARCH_PATH}'`);
  if (typeof result === 'string') await createFromSelect(conn, model, result);
  else await writeTable(conn, model.schema, model.name, mod.columns, result);
}

async function createFromSelect(conn: WarehouseSession, model: Model, sql: string): Promise<void> {
  const body = sql.trim().replace(/;\s*$/, '');
  if (/;\s*\S/.test(stripSql(body))) throw new ModelError('a model is one select statement (found ";" inside)');
  const select = model.materialized === 'table' && conn.dialect === 'duckdb' ? await withoutHugeints(conn, body) : body;
  await conn.run(`create ${model.materialized} ${model.schema}.${model.name} as\n${select}\n`);
  if (model.materialized === 'view' && conn.dialect === 'duckdb') await checkViewBinds(conn, model);
}

/**
 * The select with its HUGEINT columns stored as BIGINT. DuckDB's sum() of integers is a HUGEINT, and DuckDB 1.5
 * reads a bit-packed HUGEINT column some 300 times slower than a BIGINT one (a sum over backlog_inventory's
 * lead_change, 1.7 M rows at 100 k leads: 2.6 s against 9 ms), which every later reader paid: the marts built on
 * it, the data tests, Cube's queries. A value beyond BIGINT's range fails the model with DuckDB's overflow error
 * rather than being stored wrong. A select without HUGEINT columns is returned as it is.
 */
async function withoutHugeints(conn: WarehouseSession, body: string): Promise<string> {
  return hugeintsAsBigint(body, await conn.query(`describe select * from (\n${body}\n) as model_rows`));
}

/**
 * `body` (a DuckDB select) with the columns that `described` (the rows of DuckDB's `describe` of it) types HUGEINT
 * cast to BIGINT: the one place both the models (withoutHugeints) and the server's rollup tables
 * (server/cube/driver.ts) decide it.
 */
export function hugeintsAsBigint(body: string, described: Record<string, unknown>[]): string {
  const wide = described.filter((c) => c.column_type === 'HUGEINT').map((c) => quoteIdent(String(c.column_name)));
  if (wide.length === 0) return body;
  return `select * replace (${wide.map((c) => `cast(${c} as bigint) as ${c}`).join(', ')}) from (\n${body}\n) as model_rows`;
}

/**
 * DuckDB resolves a view's names when the view is read, on the reader's search path (the server's Cube
 * connection has none of the build's), so a view must name what it reads schema-qualified: read it once with
 * an empty search path and name the file when it does not bind.
 */
async function checkViewBinds(conn: WarehouseSession, model: Model): Promise<void> {
  await conn.run(`set search_path = 'main'`);
  try {
    await conn.query(`select * from ${model.schema}.${model.name} limit 0`);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ModelError(
      `${model.relativeFile} is a view, so it must name the models it reads schema-qualified (marts.x, staging.y): ${message}`,
    );
  } finally {
    await conn.run(`set search_path = '${SEARCH_PATH}'`);
  }
}

/** Fills in each model's dependencies and returns the models in build order. */
export async function orderModels(models: Model[]): Promise<Model[]> {
  const known = new Map(models.map((m) => [m.name, m.schema] as const));
  for (const model of models) {
    if (model.kind === 'sql') {
      model.dependsOn = findReferences(model.sql!, known, model.name);
    } else {
      const deps = (await loadTsModel(model)).dependsOn;
      for (const dep of deps) {
        if (!known.has(dep)) throw new ModelError(`${model.relativeFile}: dependsOn names unknown model "${dep}"`);
      }
      model.dependsOn = [...new Set(deps)].sort();
    }
  }
  const byName = new Map(models.map((m) => [m.name, m]));
  const order: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, trail: string[]) => {
    const s = state.get(model.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(model.name)), model.name];
      throw new ModelError(`Models depend on each other in a cycle: ${cycle.join(' → ')}`);
    }
    state.set(model.name, 'visiting');
    for (const dep of model.dependsOn) visit(byName.get(dep)!, [...trail, model.name]);
    state.set(model.name, 'done');
    order.push(model);
  };
  const sorted = [...models].sort(
    (a, b) => MODEL_SCHEMAS.indexOf(a.schema) - MODEL_SCHEMAS.indexOf(b.schema) || a.name.localeCompare(b.name),
  );
  for (const model of sorted) visit(model, []);
  return order;
}

async function countRows(conn: WarehouseSession, schema: string, name: string): Promise<number> {
  const rows = await conn.query(`select count(*) as n from ${schema}.${name}`);
  return Number(rows[0]!.n);
}

export async function setSearchPath(session: SessionLike): Promise<void> {
  const conn = asSession(session);
  for (const schema of ['raw', ...MODEL_SCHEMAS]) await conn.run(`create schema if not exists ${schema}`);
  await conn.run(`set search_path = '${SEARCH_PATH}'`);
}

/** Builds every model in dependency order; returns each model's row count and time. */
export async function runModels(
  session: SessionLike,
  modelsDir: string,
  log: (message: string) => void = () => undefined,
): Promise<{ models: Model[]; built: BuiltModel[] }> {
  const conn = asSession(session);
  const models = await orderModels(await discoverModels(modelsDir));
  await setSearchPath(conn);
  const built: BuiltModel[] = [];
  let seedsDone = false;
  for (const model of models) {
    built.push(await buildModel(conn, model, log));
    seedsDone ||= await releaseSeeds(conn, models, built.length, log);
  }
  return { models, built };
}

/** raw.* tables that stay after the models have read the seeds (releaseSeeds). */
const KEPT_SEED_TABLES = ['settings', 'rejected_rows'] as const;

/** The raw.* tables a model's SQL reads. */
function seedTablesRead(model: Model): string[] {
  if (model.kind !== 'sql') return [];
  return [...stripSql(model.sql!).matchAll(/\braw\s*\.\s*([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!.toLowerCase());
}

/** The index in `models` (built in this order) of the last model that reads a raw.* table, or -1. */
function lastSeedReader(models: readonly Model[]): number {
  let last = -1;
  models.forEach((m, i) => {
    if (seedTablesRead(m).length > 0) last = i;
  });
  return last;
}

/**
 * Drops the seeds' rows (the raw.* tables the models read) once every model that reads them is built, that is once
 * the first `built` of `models` (in build order) include them all. Returns true when there is nothing more to do
 * (dropped now, or no model reads raw.*), so a caller that builds model by model asks after each until then. Staging
 * holds them cleaned, and a second copy cost about a sixth of the warehouse file (29 of 171 MB at 100 k leads). On
 * DuckDB the space is freed (checkpoint) before the marts are written, so they reuse it rather than grow the file.
 * Kept: raw.settings (the build record reads the seeds' zone and as-of day, build-steps.ts) and raw.rejected_rows
 * (the rows set aside, for the user: docs/import.md). Nothing is dropped while a view reads raw.*: it would break.
 */
export async function releaseSeeds(
  conn: WarehouseSession,
  models: readonly Model[],
  built: number,
  log: (message: string) => void,
): Promise<boolean> {
  const last = lastSeedReader(models);
  if (last >= built) return false;
  if (last < 0 || models.some((m) => m.materialized === 'view' && seedTablesRead(m).length > 0)) return true;
  const tables = [...new Set(models.flatMap(seedTablesRead))]
    .filter((t) => !(KEPT_SEED_TABLES as readonly string[]).includes(t))
    .sort();
  for (const table of tables) await conn.run(`drop table if exists raw.${table}`);
  if (conn.dialect === 'duckdb') await conn.run('checkpoint');
  log(`  raw: ${tables.length} seed tables dropped, staging holds their rows`);
  return true;
}

/**
 * Builds one model (its table or view) with `make`, by default from its SQL or TypeScript; counts its rows and
 * logs them. The incremental build (incremental.ts) passes its own `make` for a copied or partly rebuilt table.
 */
export async function buildModel(
  conn: WarehouseSession,
  model: Model,
  log: (message: string) => void,
  make: () => Promise<void> = () =>
    model.kind === 'sql' ? createFromSelect(conn, model, model.sql!) : buildTsModel(conn, model, log),
  how = '',
): Promise<BuiltModel> {
  const started = performance.now();
  try {
    await make();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ModelError(`Model ${model.relativeFile} failed: ${message}`, { cause: e });
  }
  const rows = model.materialized === 'view' ? null : await countRows(conn, model.schema, model.name);
  const ms = Math.round(performance.now() - started);
  const what = rows === null ? 'view' : `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
  log(`  ${model.schema}.${model.name}: ${what} (${ms} ms${how ? `, ${how}` : ''})`);
  return { name: model.name, schema: model.schema, rows, ms };
}
