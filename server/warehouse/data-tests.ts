/*
 * dbt-style data tests, declared beside each model in `<name>.yml`:
 *
 *   model: stg_leads
 *   description: One row per lead.
 *   key: [lead_id]                      # optional: columns shown in failing-row samples
 *   columns:
 *     lead_id: [not_null, unique]
 *     account_id: [{relationships: {to: stg_accounts, field: account_id}}]
 *     lead_source: [{accepted_values: [seo, content]}]
 *     stage: [{accepted_values: '{{ funnel_stages }}'}]   # a list of the contract (sql-macros.ts)
 *   tests:
 *     - {name: leads_have_created_at, expression: "created_at is not null"}
 *     - {name: no_orphans, sql: "select ... (every row returned fails)"}
 *
 * An expression test fails the rows where the expression is false; a null
 * result passes (as in dbt's expression_is_true; use not_null for nulls).
 * accepted_values compares the column's text form. relationships and
 * accepted_values ignore nulls. Each result carries the failing-row count and
 * up to five failing rows. These YAML files live under model/warehouse, away
 * from Cube's schema path (Cube would try to compile them).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MODEL_SCHEMAS, discoverModels, findReferences, stripSql, type Model } from './run-models.js';
import { asSession, type SessionLike, type WarehouseSession } from './target.js';
import { quoteIdent } from './write-table.js';
import { VOCABULARY_LISTS } from './sql-macros.js';

export type DataTestKind = 'not_null' | 'unique' | 'relationships' | 'accepted_values' | 'expression' | 'sql';

export interface DataTest {
  model: string;
  schema: string;
  name: string;
  kind: DataTestKind;
  column?: string;
  /** Query returning the failing rows. */
  sql: string;
  /** Columns to show for a failing row; empty means all. */
  sampleColumns: string[];
  /** A cheaper query whose count is zero exactly when `sql` returns no rows. */
  probe?: string;
  /**
   * An aggregate over the model's table that is zero exactly when the test passes (all kinds but sql): the tests of one table that
   * have one are counted together in a single scan of it (runDataTests), and only a test whose count is not zero
   * runs its own query for the failing rows.
   */
  scan?: string;
}

export interface DataTestResult {
  model: string;
  name: string;
  kind: DataTestKind;
  column?: string;
  passed: boolean;
  failingRows: number;
  sample: Record<string, unknown>[];
  /** Set when the test query itself failed (counts as a failure). */
  error?: string;
  /**
   * Not run: every table it reads holds the rows of the previous build, which passed it (an incremental build's
   * copied marts and unchanged staging tables; runDataTests' `unchanged`).
   */
  reused?: true;
  sql: string;
  ms: number;
}

export class DataTestSpecError extends Error {}

const SAMPLE_SIZE = 5;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

interface ModelSpec {
  model?: unknown;
  description?: unknown;
  key?: unknown;
  columns?: unknown;
  tests?: unknown;
  /** How an incremental build updates the model (incremental.ts reads it). */
  incremental?: unknown;
  /** Which rows an incremental build updates when as_of moves (incremental.ts reads it). */
  as_of?: unknown;
}

function asStringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new DataTestSpecError(`${where} must be a list of names`);
  }
  return value as string[];
}

/** Parses one model's YAML into tests. */
export function parseTests(model: Model, text: string, file: string): DataTest[] {
  let spec: ModelSpec;
  try {
    spec = (parseYaml(text) ?? {}) as ModelSpec;
  } catch (e) {
    throw new DataTestSpecError(`${file}: not valid YAML (${(e as Error).message})`);
  }
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new DataTestSpecError(`${file}: expected a mapping`);
  for (const k of Object.keys(spec)) {
    if (!['model', 'description', 'key', 'columns', 'tests', 'incremental', 'as_of'].includes(k)) {
      throw new DataTestSpecError(
        `${file}: unknown field "${k}" (expected model, description, key, columns, tests, incremental, as_of)`,
      );
    }
  }
  if (spec.model !== undefined && spec.model !== model.name) {
    throw new DataTestSpecError(`${file}: says model "${String(spec.model)}" but sits beside model "${model.name}"`);
  }
  const table = `${model.schema}.${quoteIdent(model.name)}`;
  const columns = (spec.columns ?? {}) as Record<string, unknown>;
  if (typeof columns !== 'object' || Array.isArray(columns)) {
    throw new DataTestSpecError(`${file}: "columns" must map column names to lists of tests`);
  }
  const uniqueColumns = Object.entries(columns)
    .filter(([, tests]) => Array.isArray(tests) && tests.includes('unique'))
    .map(([name]) => name);
  const key = spec.key === undefined ? uniqueColumns.slice(0, 1) : asStringList(spec.key, `${file}: key`);
  const tests: DataTest[] = [];
  const add = (t: Omit<DataTest, 'model' | 'schema'>) => {
    if (tests.some((x) => x.name === t.name)) throw new DataTestSpecError(`${file}: two tests are named "${t.name}"`);
    tests.push({ model: model.name, schema: model.schema, ...t });
  };
  for (const [column, list] of Object.entries(columns)) {
    if (!Array.isArray(list)) throw new DataTestSpecError(`${file}: columns.${column} must be a list of tests`);
    const c = quoteIdent(column);
    const sampleColumns = [...new Set([...key, column])];
    const select = sampleColumns.map((s) => quoteIdent(s)).join(', ');
    for (const test of list as unknown[]) {
      if (test === 'not_null') {
        add({
          name: `not_null(${column})`,
          kind: 'not_null',
          column,
          sampleColumns,
          sql: `select ${select} from ${table} where ${c} is null`,
          scan: `count(*) filter (where ${c} is null)`,
        });
      } else if (test === 'unique') {
        add({
          name: `unique(${column})`,
          kind: 'unique',
          column,
          sampleColumns,
          sql:
            `select ${select} from ${table} where ${c} in ` +
            `(select ${c} from ${table} where ${c} is not null group by ${c} having count(*) > 1)`,
          probe: `select ${c} from ${table} where ${c} is not null group by ${c} having count(*) > 1`,
          scan: `count(${c}) - count(distinct ${c})`,
        });
      } else if (test && typeof test === 'object' && 'relationships' in test) {
        const rel = (test as { relationships: unknown }).relationships as { to?: unknown; field?: unknown };
        if (!rel || typeof rel.to !== 'string' || typeof rel.field !== 'string') {
          throw new DataTestSpecError(`${file}: columns.${column} relationships needs {to: <model>, field: <column>}`);
        }
        add({
          name: `relationships(${column} → ${rel.to}.${rel.field})`,
          kind: 'relationships',
          column,
          sampleColumns,
          sql:
            `select ${sampleColumns.map((s) => `child.${quoteIdent(s)}`).join(', ')} from ${table} as child ` +
            `where child.${c} is not null and not exists ` +
            `(select 1 from ${rel.to} as parent where parent.${quoteIdent(rel.field)} = child.${c})`,
          // qualified, so a field the parent lacks is an error rather than the child's column of that name
          scan:
            `count(*) filter (where ${c} is not null and ${c} not in ` +
            `(select parent.${quoteIdent(rel.field)} from ${rel.to} as parent where parent.${quoteIdent(rel.field)} is not null))`,
        });
      } else if (test && typeof test === 'object' && 'accepted_values' in test) {
        const raw = (test as { accepted_values: unknown }).accepted_values;
        const named = typeof raw === 'string' ? /^\{\{\s*([a-z_]+)\s*\}\}$/.exec(raw)?.[1] : undefined;
        const values = named ? VOCABULARY_LISTS[named] : Array.isArray(raw) ? raw : (raw as { values?: unknown } | null)?.values;
        if (!Array.isArray(values) || values.length === 0 || values.some((v) => v === null || typeof v === 'object')) {
          throw new DataTestSpecError(
            `${file}: columns.${column} accepted_values needs a list of values` +
              (named ? ` (no list {{ ${named} }}; known: ${Object.keys(VOCABULARY_LISTS).join(', ')})` : ''),
          );
        }
        const outside = `${c} is not null and cast(${c} as varchar) not in (${values.map((v) => literal(String(v))).join(', ')})`;
        add({
          name: `accepted_values(${column})`,
          kind: 'accepted_values',
          column,
          sampleColumns,
          sql: `select ${select} from ${table} where ${outside}`,
          scan: `count(*) filter (where ${outside})`,
        });
      } else {
        throw new DataTestSpecError(
          `${file}: columns.${column} has an unknown test ${JSON.stringify(test)} ` +
            '(expected not_null, unique, {relationships: {to, field}}, {accepted_values: [...]})',
        );
      }
    }
  }
  const rowTests = spec.tests ?? [];
  if (!Array.isArray(rowTests)) throw new DataTestSpecError(`${file}: "tests" must be a list`);
  for (const test of rowTests as Record<string, unknown>[]) {
    const name = test?.name;
    if (typeof name !== 'string' || name === '') {
      throw new DataTestSpecError(`${file}: every entry of "tests" needs a name`);
    }
    if (typeof test.expression === 'string' && test.sql === undefined) {
      add({
        name,
        kind: 'expression',
        sampleColumns: [],
        sql: `select * from ${table} where not (${test.expression})`,
        scan: `count(*) filter (where not (${test.expression}))`,
      });
    } else if (typeof test.sql === 'string' && test.expression === undefined) {
      add({ name, kind: 'sql', sampleColumns: [], sql: test.sql.trim().replace(/;\s*$/, '') });
    } else {
      throw new DataTestSpecError(`${file}: test "${name}" needs exactly one of expression or sql`);
    }
  }
  return tests;
}

/** Reads every `<name>.yml` beside the models; a YAML file without a model is an error. */
export async function collectTests(modelsDir: string, models?: Model[]): Promise<DataTest[]> {
  const all = models ?? (await discoverModels(modelsDir));
  const byFile = new Map(all.map((m) => [path.join(m.schema, m.name), m]));
  const tests: DataTest[] = [];
  for (const schema of MODEL_SCHEMAS) {
    const dir = path.join(modelsDir, schema);
    if (!existsSync(dir)) continue;
    for (const entry of (await readdir(dir)).sort()) {
      const m = /^(.*)\.ya?ml$/.exec(entry);
      if (!m) continue;
      const file = `${schema}/${entry}`;
      const model = byFile.get(path.join(schema, m[1]!));
      if (!model) throw new DataTestSpecError(`${file} has no model ${schema}/${m[1]}.sql (or .ts) beside it`);
      tests.push(...parseTests(model, await readFile(path.join(dir, entry), 'utf8'), file));
    }
  }
  return tests;
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date)
    return value
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

const resultBase = (test: DataTest) => ({
  model: test.model,
  name: test.name,
  kind: test.kind,
  column: test.column,
  sql: test.sql,
});

export async function runTest(session: SessionLike, test: DataTest): Promise<DataTestResult> {
  const conn = asSession(session);
  const started = performance.now();
  const base = resultBase(test);
  try {
    const count = async (sql: string) => Number((await conn.query(`select count(*) as n from (\n${sql}\n) as failing`))[0]!.n);
    const failingRows = test.probe !== undefined && (await count(test.probe)) === 0 ? 0 : await count(test.sql);
    let sample: Record<string, unknown>[] = [];
    if (failingRows > 0) {
      const sampleSql = `select * from (\n${test.sql}\n) as failing order by all limit ${SAMPLE_SIZE}`;
      const rows = await (conn.queryJson ?? conn.query)(sampleSql);
      sample = rows.map((row) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) out[k] = jsonSafe(v);
        return out;
      });
    }
    return { ...base, passed: failingRows === 0, failingRows, sample, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return {
      ...base,
      passed: false,
      failingRows: 0,
      sample: [],
      error: e instanceof Error ? e.message : String(e),
      ms: Math.round(performance.now() - started),
    };
  }
}

/**
 * The models a test reads: its own and those its query names (a relationship's parent, a sql test's joins), or
 * undefined when it reads a raw.* table, whose rows are each build's own seeds.
 */
export function modelsRead(test: DataTest, known: ReadonlyMap<string, Model['schema']>): string[] | undefined {
  if (/\braw\s*\.\s*[a-z_]/i.test(stripSql(test.sql))) return undefined;
  return [...new Set([test.model, ...findReferences(test.sql, known, '')])];
}

/**
 * Runs every data test against the built database (search path set by the caller). The tests of one table that
 * have a `scan` (not_null, unique, accepted_values, relationships, expression) are counted in one query over that
 * table instead of one query each; a test whose count is not zero, or whose table's query fails, then runs alone,
 * so its result (failing rows, sample, error) is the one it would have on its own. The queries are spread over
 * `sessions` (other connections to the same database, each with the caller's search path), which DuckDB runs side
 * by side.
 *
 * `unchanged` names the models whose rows are exactly those of the previous build (an incremental build's copied
 * marts and unchanged staging tables): that build ran the same tests (same models hash) and passed them all, or it
 * would not have been swapped in, so a test that reads only such models is reported `reused` and not run. A test
 * that reads any other model, or a raw.* table, runs.
 */
export async function runDataTests(
  conn: SessionLike,
  modelsDir: string,
  models?: Model[],
  sessions: SessionLike[] = [],
  unchanged: ReadonlySet<string> = new Set(),
): Promise<DataTestResult[]> {
  const all = models ?? (await discoverModels(modelsDir));
  const tests = await collectTests(modelsDir, all);
  const known = new Map(all.map((m) => [m.name, m.schema] as const));
  const results: DataTestResult[] = new Array<DataTestResult>(tests.length);
  const jobs: ((session: WarehouseSession) => Promise<void>)[] = [];
  const scans = new Map<string, number[]>();
  tests.forEach((test, i) => {
    if (unchanged.size > 0 && modelsRead(test, known)?.every((m) => unchanged.has(m))) {
      results[i] = { ...resultBase(test), passed: true, failingRows: 0, sample: [], ms: 0, reused: true };
      return;
    }
    if (test.scan === undefined) {
      jobs.push(async (session) => {
        results[i] = await runTest(session, test);
      });
      return;
    }
    const table = `${test.schema}.${quoteIdent(test.model)}`;
    scans.set(table, [...(scans.get(table) ?? []), i]);
  });
  // The scans read the largest tables: started first, so the short single queries fill in beside them.
  jobs.unshift(
    ...[...scans].map(([table, indexes]) => async (session: WarehouseSession) => {
      const started = performance.now();
      const counts = await session
        .query(`select ${indexes.map((i, n) => `${tests[i]!.scan} as t${n}`).join(', ')} from ${table}`)
        .then(
          (rows) => rows[0],
          () => undefined,
        );
      const ms = Math.round(performance.now() - started);
      for (const [n, i] of indexes.entries()) {
        const test = tests[i]!;
        results[i] =
          counts !== undefined && Number(counts[`t${n}`]) === 0
            ? { ...resultBase(test), passed: true, failingRows: 0, sample: [], ms }
            : await runTest(session, test);
      }
    }),
  );
  let next = 0;
  await Promise.all(
    [conn, ...sessions].map(async (session) => {
      while (next < jobs.length) await jobs[next++]!(asSession(session));
    }),
  );
  return results;
}

function formatRow(row: Record<string, unknown>): string {
  const text = Object.entries(row)
    .map(([k, v]) => `${k}=${v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** One block per failed test: model, test name, failing-row count and sample rows. */
export function formatFailures(results: DataTestResult[]): string {
  return results
    .filter((r) => !r.passed)
    .map((r) => {
      const head = `✗ ${r.model}: ${r.name}`;
      if (r.error) return `${head}: the test query failed: ${r.error}`;
      const rows = r.sample.map((row) => `    ${formatRow(row)}`).join('\n');
      const more = r.failingRows > r.sample.length ? `\n    … ${r.failingRows - r.sample.length} more` : '';
      return `${head}: ${r.failingRows} failing row${r.failingRows === 1 ? '' : 's'}\n${rows}${more}`;
    })
    .join('\n');
}
