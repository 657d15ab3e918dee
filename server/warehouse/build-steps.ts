/*
 * The steps of the warehouse build (build.ts) that need no target, and its
 * options, summary and error: the models' hash and the build record, the
 * seeds' zone and as-of, the models and data tests over a session, the
 * rejected-row reports and the build's summary. The targets
 * (target-duckdb.ts, target-postgres.ts) may import this file (for
 * WarehouseBuildError); it imports no target and not the build.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildHoldPhase, type DuckDbSettings } from '../config.js';
import { formatFailures, runDataTests, type DataTestResult } from './data-tests.js';
import { displayPath, type LoadedTable, type LoadSeedsResult, type RejectedRow } from './load-seeds.js';
import { MODEL_SCHEMAS, runModels, type BuiltModel, type Model } from './run-models.js';
import { asSession, type SessionLike } from './target.js';
import { SEED_TABLES } from './seed-schema.js';
import { DEFAULT_TIME_ZONE } from '../contract/vocabulary.js';
import { type IncrementalPlan, type ModelUpdate } from './incremental.js';

export const DEFAULT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'model', 'warehouse');
export { DEFAULT_TIME_ZONE } from '../contract/vocabulary.js';

export interface BuildOptions {
  seedsDir: string;
  warehousePath: string;
  /** Directory holding staging/ and marts/; default model/warehouse of this repository. */
  modelsDir?: string;
  /** Progress and set-aside messages; default console.log. */
  log?: (message: string) => void;
  /** Set-aside rows printed per table before the rest is summarised. */
  printLimit?: number;
  /** Threads, memory limit and spill directory (config.ts); DuckDB's defaults when absent. */
  duckdb?: DuckDbSettings;
  /** postgres://… : build in that PostgreSQL database instead of the DuckDB file (target-postgres.ts; every model is built). */
  warehouseUrl?: string;
  /**
   * Reuse the warehouse being replaced where the seeds allow (incremental.ts): copy unchanged marts, rebuild only
   * the changed leads' rows of lead-grain marts. Default false: every model is built (the reference).
   */
  incremental?: boolean;
  /**
   * Called with the finished new warehouse just before the swap (the importer records its commit): the new file, or on
   * PostgreSQL the build schemas' prefix `rc_<build>`.
   */
  beforeSwap?: (building: string) => Promise<void>;
  /** Fault tests only (REVCYCLE_BUILD_HOLD_AT, config.ts): the phase at which the build waits to be killed. */
  holdAt?: BuildHoldPhase;
}

export interface BuildSummary {
  warehousePath: string;
  builtAt: string;
  seedsHash: string;
  modelsHash: string;
  asOf: string | null;
  timeZone: string;
  seeds: LoadedTable[];
  rejectedRows: number;
  rejectedSample: RejectedRow[];
  rejectedReports: string[];
  models: BuiltModel[];
  /** reused: passed in the previous build and not run again, their tables unchanged (data-tests.ts). */
  tests: { run: number; passed: number; failed: number; reused: number; results: DataTestResult[] };
  /** What an incremental build reused and rebuilt; absent for a full build. */
  incremental?: IncrementalPlan;
  /** DuckDB's threads, memory_limit and temp_directory as the build's database reported them; {} on PostgreSQL. */
  duckdb: Record<string, unknown>;
  /**
   * finishMs: build_info, and the target's seal before the swap (DuckDB: checkpoint and close); copyMs (an
   * incremental build): the copy of the previous warehouse its new file starts from.
   */
  timings: { copyMs?: number; loadMs: number; modelsMs: number; testsMs: number; finishMs: number; totalMs: number };
  /** The summary as text for a terminal. */
  report: string;
}

export class WarehouseBuildError extends Error {
  constructor(
    message: string,
    readonly failures: DataTestResult[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WarehouseBuildError';
  }
}

async function listFiles(dir: string, recursive: boolean, accept: (name: string) => boolean): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await listFiles(p, true, accept)));
    } else if (accept(entry.name)) {
      out.push(p);
    }
  }
  return out.sort();
}

const isSeedFile = (name: string) => /\.csv(\.gz)?$/.test(name);
const isModelFile = (name: string) => /\.(sql|ts|ya?ml)$/.test(name);

/** True when the warehouse is missing or older than any seed file or warehouse model file. */
export async function isWarehouseStale(
  seedsDir: string,
  warehousePath: string,
  modelsDir: string = DEFAULT_MODELS_DIR,
): Promise<boolean> {
  if (!existsSync(warehousePath)) return true;
  // The warehouse's mtime is set to its build's start (whole ms, which utimes may store a hair
  // below); a file from that same millisecond was read by the build.
  const built = Math.round((await stat(warehousePath)).mtimeMs);
  const inputs = [...(await listFiles(seedsDir, false, isSeedFile)), ...(await listFiles(modelsDir, true, isModelFile))];
  for (const file of inputs) {
    if (Math.floor((await stat(file)).mtimeMs) > built) return true;
  }
  return false;
}

export async function hashModels(modelsDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(modelsDir, true, isModelFile)) {
    hash.update(`${path.relative(modelsDir, file)}\n`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

async function scalar(conn: SessionLike, sql: string): Promise<unknown> {
  const row = (await asSession(conn).query(sql))[0];
  return row ? (Object.values(row)[0] ?? null) : null;
}

/** The time zone of the seeds' settings (wall-clock seed times are in it), or the default. */
export async function seedTimeZone(conn: SessionLike): Promise<string> {
  const zone = await scalar(
    conn,
    `select coalesce(max(trim(value)) filter (where lower(trim(key)) = 'time_zone'), ` +
      `max(trim(value)) filter (where lower(trim(key)) = 'timezone')) from raw.settings where trim(value) <> ''`,
  );
  return typeof zone === 'string' ? zone : DEFAULT_TIME_ZONE;
}

/** The seeds' as_of setting, as written. */
export async function seedAsOf(conn: SessionLike): Promise<string | null> {
  const asOf = await scalar(conn, `select max(trim(value)) from raw.settings where lower(trim(key)) = 'as_of'`);
  return asOf === null ? null : String(asOf);
}

/** The statement creating `main.build_info` (one row: when, from what, as of when, zone, set-aside rows). */
export function buildInfoSql(info: {
  startedAt: Date;
  seedsHash: string;
  modelsHash: string;
  asOf: string | null;
  timeZone: string;
  rejectedRows: number;
}): string {
  return (
    `create table main.build_info as select ` +
    `cast(${quote(info.startedAt.toISOString())} as timestamptz) at time zone 'UTC' as built_at, ` +
    `${quote(info.seedsHash)} as seeds_hash, ${quote(info.modelsHash)} as models_hash, ` +
    `${info.asOf === null ? 'cast(null as varchar)' : quote(info.asOf)} as as_of, ` +
    `${quote(info.timeZone)} as time_zone, ${info.rejectedRows} as rejected_rows`
  );
}

/** After a swap: moves each table's set-aside report to `<rejectedDir>/<table>.csv` (removing stale ones). */
export async function publishRejectedReports(tables: LoadedTable[], rejectedDir: string): Promise<string[]> {
  const rejectedReports: string[] = [];
  for (const { name } of SEED_TABLES) {
    await rm(path.join(rejectedDir, `${name}.csv`), { force: true });
    const report = tables.find((t) => t.table === name)?.rejectedReport;
    if (report) {
      await mkdir(rejectedDir, { recursive: true });
      const target = path.join(rejectedDir, `${name}.csv`);
      await rename(report, target);
      rejectedReports.push(target);
    }
  }
  return rejectedReports;
}

/**
 * The models, then their data tests, timed, on either target (a DuckDB connection or a PostgreSQL session); throws
 * dataTestFailure (the warehouse left as it was) when a data test fails.
 */
export async function runModelsAndTests(
  session: SessionLike,
  modelsDir: string,
  log: (message: string) => void,
  rejectedTotal: number,
  shown: string,
  run: (
    session: SessionLike,
    modelsDir: string,
    log: (message: string) => void,
  ) => Promise<{ models: Model[]; built: BuiltModel[]; plan?: IncrementalPlan }> = runModels,
  /** More sessions on the same database for the data tests to run beside `session` (data-tests.ts). */
  testSessions: () => Promise<SessionLike[]> = async () => [],
): Promise<{ built: BuiltModel[]; results: DataTestResult[]; modelsMs: number; testsMs: number }> {
  const modelsStarted = performance.now();
  const { models, built, plan } = await run(session, modelsDir, log);
  const modelsMs = performance.now() - modelsStarted;

  const testsStarted = performance.now();
  const unchanged = plan ? unchangedModels(plan, models) : undefined;
  const results = await runDataTests(session, modelsDir, models, await testSessions(), unchanged);
  const testsMs = performance.now() - testsStarted;
  const failed = results.filter((r) => !r.passed);
  log(
    `  data tests: ${results.length - failed.length} of ${results.length} passed${reusedNote(results)} (${Math.round(testsMs)} ms)`,
  );
  if (failed.length > 0) throw dataTestFailure(results, rejectedTotal, shown);
  return { built, results, modelsMs, testsMs };
}

/**
 * The models of an incremental build whose rows are the previous build's: the copied marts and views, and the
 * staging tables rebuilt with the same rows (the data tests that read only these are not run again, data-tests.ts).
 */
export function unchangedModels(plan: IncrementalPlan, models: readonly Model[]): Set<string> {
  const same = (m: Model) =>
    plan.models[m.name] === 'copied' || (m.schema === 'staging' && !plan.changedStaging.includes(m.name));
  return new Set(models.filter(same).map((m) => m.name));
}

const reusedNote = (results: DataTestResult[]) => {
  const reused = results.filter((r) => r.reused).length;
  return reused === 0 ? '' : `, ${count(reused)} of them as the previous build passed them (their tables unchanged)`;
};

export function dataTestFailure(results: DataTestResult[], rejectedTotal: number, warehouse: string): WarehouseBuildError {
  const failed = results.filter((r) => !r.passed);
  const setAside = rejectedTotal > 0 ? `\n(${count(rejectedTotal)} seed rows were set aside while loading.)` : '';
  return new WarehouseBuildError(
    `Warehouse not updated: ${failed.length} of ${results.length} data tests failed; ` +
      `${warehouse} is unchanged.\n${formatFailures(results)}${setAside}`,
    failed,
  );
}

/** A SQL string literal. */
export const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');

function formatPlan(plan: IncrementalPlan): string {
  const marts = (how: ModelUpdate) =>
    Object.entries(plan.models)
      .filter(([name, done]) => done === how && !name.startsWith('stg_'))
      .map(([name]) => name);
  return (
    `  incremental: ${count(plan.changedLeads)} leads, ${count(plan.changedAccounts)} accounts changed; ` +
    `marts copied ${marts('copied').length}, updated for the changed leads/accounts ${marts('incremental').length} ` +
    `(${marts('incremental').join(', ') || 'none'}), rebuilt ${marts('rebuilt').length}`
  );
}

export function formatBuildSummary(summary: Omit<BuildSummary, 'report'>): string {
  const lines: string[] = [];
  const t = summary.timings;
  lines.push(
    `Warehouse built: ${/^[a-z]+:\/\//.test(summary.warehousePath) ? summary.warehousePath : displayPath(summary.warehousePath)} in ${seconds(t.totalMs)} ` +
      `(${t.copyMs === undefined ? '' : `copy ${seconds(t.copyMs)}, `}load ${seconds(t.loadMs)}, models ${seconds(t.modelsMs)}, tests ${seconds(t.testsMs)}, ` +
      `write ${seconds(t.finishMs)})`,
  );
  lines.push(
    `  as of ${summary.asOf ?? '(not set)'} · time zone ${summary.timeZone} · seeds sha256 ${summary.seedsHash.slice(0, 12)}`,
  );
  const d = summary.duckdb;
  if (d.threads !== undefined)
    lines.push(`  DuckDB: ${d.threads} threads · memory limit ${d.memory_limit} · spills to ${d.temp_directory}`);
  const width = Math.max(...summary.seeds.map((s) => s.file.length), 4);
  lines.push(`  ${'seed'.padEnd(width)}  ${'rows'.padStart(12)}  ${'set aside'.padStart(9)}  ${'time'.padStart(7)}`);
  for (const s of summary.seeds) {
    const extra = s.extraColumns.length ? `  (+ ${s.extraColumns.join(', ')})` : '';
    lines.push(
      `  ${s.file.padEnd(width)}  ${count(s.rows).padStart(12)}  ${count(s.rejectedRows).padStart(9)}  ${seconds(s.ms).padStart(7)}${extra}`,
    );
  }
  for (const schema of MODEL_SCHEMAS) {
    const models = summary.models.filter((m) => m.schema === schema);
    if (models.length === 0) continue;
    lines.push(`  ${schema}: ${models.map((m) => `${m.name} ${m.rows === null ? '(view)' : count(m.rows)}`).join(', ')}`);
  }
  lines.push(`  data tests: ${summary.tests.passed} of ${summary.tests.run} passed${reusedNote(summary.tests.results)}`);
  if (summary.incremental) lines.push(formatPlan(summary.incremental));
  if (summary.rejectedRows > 0) {
    lines.push(
      `  ${count(summary.rejectedRows)} rows set aside: see ${summary.rejectedReports.map((r) => displayPath(r)).join(', ')} ` +
        'and raw.rejected_rows',
    );
  }
  return lines.join('\n');
}

/** What one build measured, on either target: the input of `summarize`. */
export interface BuildFacts {
  /** The warehouse as the summary names it: the file, or postgres://host:port/database. */
  warehousePath: string;
  startedAt: Date;
  /** performance.now() when the build started. */
  started: number;
  loaded: LoadSeedsResult;
  modelsHash: string;
  asOf: string | null;
  timeZone: string;
  models: BuiltModel[];
  /** The data tests' results (all passed: a failure ends the build before its summary). */
  results: DataTestResult[];
  rejectedReports: string[];
  duckdb: Record<string, unknown>;
  incremental?: IncrementalPlan;
  /** Each phase's duration in ms. */
  ms: { copy?: number; load: number; models: number; tests: number; finish: number };
}

/** The summary of a build that swapped in, with its report: one for the DuckDB file and PostgreSQL alike. */
export function summarize(facts: BuildFacts): BuildSummary {
  const { loaded, results, ms } = facts;
  const summary: Omit<BuildSummary, 'report'> = {
    warehousePath: facts.warehousePath,
    builtAt: facts.startedAt.toISOString(),
    seedsHash: loaded.seedsHash,
    modelsHash: facts.modelsHash,
    asOf: facts.asOf,
    timeZone: facts.timeZone,
    seeds: loaded.tables,
    rejectedRows: loaded.rejectedTotal,
    rejectedSample: loaded.rejectedSample,
    rejectedReports: facts.rejectedReports,
    models: facts.models,
    tests: { run: results.length, passed: results.length, failed: 0, reused: results.filter((r) => r.reused).length, results },
    duckdb: facts.duckdb,
    incremental: facts.incremental,
    timings: {
      ...(ms.copy === undefined ? {} : { copyMs: Math.round(ms.copy) }),
      loadMs: Math.round(ms.load),
      modelsMs: Math.round(ms.models),
      testsMs: Math.round(ms.tests),
      finishMs: Math.round(ms.finish),
      totalMs: Math.round(performance.now() - facts.started),
    },
  };
  return { ...summary, report: formatBuildSummary(summary) };
}
