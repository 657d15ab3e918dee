/*
 * One import run: source files → quarantine and batch (source adapters) →
 * merge with the previous import, identity, canonical tables (merge.ts) →
 * warehouse build → the new import appears in the import area by one rename.
 *
 * Guarantees:
 * - Nothing lost: every row not imported is in quarantine.csv with file,
 *   line, column, value and reason. Unless allowRejects, an import with any
 *   quarantined row changes nothing (its report is kept under
 *   `refused/<id>/` for the user to read) and the CLI exits non-zero.
 * - Atomic: work happens in `.work-<pid>-…/`; the warehouse is rebuilt from
 *   the new tables (data tests included, atomic swap) before the import is
 *   renamed into place. A kill at any point leaves the previous import and
 *   the previous warehouse serving. The build is a full one unless `incremental`
 *   (it then reuses the previous warehouse's unchanged marts); either way it
 *   makes a new file and swaps it in at the same commit point.
 * - dryRun reads and checks everything, prints what it would import and the
 *   mapping it used, and removes its work directory.
 */
import { copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ImportHoldPhase } from '../config.js';
import { Batch, type FileReport, type Unmapped } from './batch.js';
import { DateReader } from './dates.js';
import { exportTime } from './as-of.js';
import { loadMappingFile, mappingEncoding, type MappingFile } from './mapping.js';
import { mergeImport } from './merge.js';
import { importId, latestImport, MANIFEST, pruneImports, readManifest, removeStaleWork, SWAP, type SwapRecord } from './area.js';
import { buildMaps, CANONICAL_CHANNELS, CANONICAL_STAGES, type ImportContext } from './sources/common.js';
import { DEFAULT_TIME_ZONE } from '../contract/vocabulary.js';
import type { ImportMapping, SkippedLines } from '../contract/imports.js';
import { ImportInputError, type SourceAdapter } from './sources/index.js';
import { hubspot } from './sources/hubspot.js';
import { salesforce } from './sources/salesforce.js';
import { marketo } from './sources/marketo.js';
import { generic } from './sources/generic.js';

export { ImportInputError } from './sources/index.js';
export { MappingError } from './mapping.js';

const QUARANTINE_SHOWN = 20;

/** DuckDB's memory for the merge; beyond it, DuckDB spills to the work directory. */
const MERGE_MEMORY = '3GB';

export const SOURCES: Record<string, SourceAdapter> = { hubspot, salesforce, marketo, generic };

export interface ImportOptions {
  source: string;
  /** Files and folders (folders: every .csv / .csv.gz / .txt inside, not recursive). */
  inputs: string[];
  mappingFile?: string;
  dryRun?: boolean;
  allowRejects?: boolean;
  /** The data's "today" (ISO); default now. Rows dated later are quarantined. */
  asOf?: string;
  importsDir: string;
  warehousePath: string;
  /** Bundled defaults: stages.csv, settings.csv, channels.csv, touch_types.csv. */
  defaultsDir: string;
  /** Rebuild the warehouse (default true). */
  build?: boolean;
  /**
   * Update the previous warehouse incrementally instead of building every model (server/warehouse/incremental.ts:
   * unchanged marts copied, lead-grain marts rebuilt for the changed leads only; the same swap either way). Off by
   * default: the marts it still rebuilds whole are the expensive ones, so it is not yet faster (docs/import.md).
   */
  incremental?: boolean;
  timeZone?: string;
  log?: (line: string) => void;
  onProgress?: (file: string, bytes: number, total: number) => void;
  /** Working directory that file names are shown relative to. */
  cwd?: string;
  /** Read every file with the csv reader, none with DuckDB (tests compare the two paths; sources/generic-fast.ts). */
  csvOnly?: boolean;
  /** Fault tests only: the phase to wait at, to be killed there (config.importHoldAt). */
  holdAt?: ImportHoldPhase;
}

export interface SourceRun {
  id: string;
  source: string;
  finishedAt: string;
  files: FileReport[];
  read: number;
  /** Report lines that are not records, all files together: totals and subtotals, group headings, footer lines. */
  skipped: SkippedLines;
  accepted: number;
  quarantinedRows: number;
  quarantined: number;
  reasons: Record<string, number>;
  unmapped: Unmapped;
  mapping: ImportMapping;
  merges: number;
  /** Where the time went: reading and checking rows, the DuckDB merge, the warehouse build. */
  timings: {
    readMs: number;
    mergeMs: number;
    buildMs: number;
    /** CPU time of the process (every thread: JavaScript and DuckDB's) while reading and checking, and merging. */
    readCpuMs?: number;
    mergeCpuMs?: number;
  };
}

export interface ImportManifest {
  id: string;
  status: 'complete' | 'refused' | 'dry-run';
  asOf: string;
  /** Where as_of came from: --as-of, the footer or file name of an export, the latest time in the data. */
  asOfFrom?: string;
  timeZone: string;
  tables: Record<string, number>;
  tablesHash: string;
  unchanged: boolean;
  run: SourceRun;
  /** The last run of every source so far (this one included). */
  sources: Record<string, SourceRun>;
}

export interface ImportResult {
  manifest: ImportManifest;
  /** Directory of the import (complete), of its report (refused), or undefined (dry run). */
  dir?: string;
  exitCode: number;
  summary: string;
}

async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new ImportInputError(`${input}: no such file or folder`);
    if (statSync(input).isDirectory()) {
      const inside = readdirSync(input)
        .filter((n) => /\.(csv|txt|tsv)(\.gz)?$/i.test(n))
        .sort();
      if (!inside.length) throw new ImportInputError(`${input}: no .csv or .csv.gz files in this folder`);
      files.push(...inside.map((n) => path.join(input, n)));
    } else files.push(input);
  }
  if (!files.length) throw new ImportInputError('no files given');
  return files;
}

async function hashTables(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(name);
    hash.update(await readFile(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Quarantine of the adapters and of the merge in one file, ordered by file and line. */
async function combineQuarantine(batchFile: string, mergeFile: string, out: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const q = (f: string) =>
      `select * from read_csv('${f.replace(/'/g, "''")}', header = true, all_varchar = true, quote = '"', escape = '"')`;
    await conn.run(
      `copy (select * from (${q(batchFile)} union all by name ${q(mergeFile)}) order by file, line::bigint, "column") to '${out.replace(/'/g, "''")}' (header, delimiter ',', quote '"')`,
    );
    const reader = await conn.runAndReadAll(
      `select count(distinct (file, line)) from read_csv('${out.replace(/'/g, "''")}', header = true, all_varchar = true)`,
    );
    return Number(reader.getRows()[0]![0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The first rows of a quarantine file, for the summary (a dry run keeps no file to look at). */
async function quarantineSample(file: string, limit = QUARANTINE_SHOWN): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  const parser = createReadStream(file).pipe(parseCsv({ columns: true, to: limit }));
  for await (const row of parser) rows.push(row as Record<string, string>);
  return rows;
}

function skippedText(s: { total: number; group: number; footer: number }): string {
  return [
    s.total && `${s.total} total/subtotal line(s)`,
    s.group && `${s.group} group heading(s)`,
    s.footer && `${s.footer} footer line(s)`,
  ]
    .filter(Boolean)
    .join(', ');
}

function formatSummary(m: ImportManifest, dir: string | undefined, cwd: string, sample: Record<string, string>[]): string {
  const r = m.run;
  const lines = [
    `${r.source}: ${r.files.length} file(s), ${r.read} rows read, ${r.accepted} accepted, ${r.quarantinedRows} quarantined`,
    ...r.files.map(
      (f) => `  ${f.file}  (${f.kind}, ${f.encoding}, ${f.rows} rows${f.skipped ? `; ${skippedText(f.skipped)}` : ''})`,
    ),
  ];
  const skipped = r.skipped ?? { total: 0, group: 0, footer: 0 };
  if (skipped.total + skipped.group + skipped.footer > 0)
    lines.push(`report lines skipped (not records, neither imported nor quarantined): ${skippedText(skipped)}`);
  const reasons = Object.entries(r.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) lines.push('quarantined per reason:', ...reasons.map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`));
  if (sample.length) {
    lines.push(`quarantined rows${r.quarantined > sample.length ? ` (first ${sample.length} of ${r.quarantined})` : ''}:`);
    lines.push(
      ...sample.map(
        (q) =>
          `  ${q.file}:${q.line}  ${q.column}=${JSON.stringify(q.value)}  ${q.reason}${q.suggestion ? ` — ${q.suggestion}` : ''}`,
      ),
    );
  }
  for (const [kind, values] of Object.entries(r.unmapped)) {
    const list = Object.entries(values).sort((a, b) => b[1].rows - a[1].rows);
    lines.push(`unmapped ${kind}:`, ...list.slice(0, 20).map(([v, u]) => `  "${v}" (${u.rows} rows): ${u.suggestion}`));
  }
  lines.push(`merges (one lead or account from several records): ${r.merges}`);
  lines.push(
    `tables: ${Object.entries(m.tables)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}${m.unchanged ? ' (unchanged)' : ''}`,
  );
  if (m.status === 'complete' && m.unchanged)
    lines.push(
      `unchanged: the latest import ${path.relative(cwd, dir!)} has these very tables; nothing written, the warehouse not rebuilt (as_of ${m.asOf})`,
    );
  else if (m.status === 'complete')
    lines.push(`imported as ${path.relative(cwd, dir!)}; as_of ${m.asOf}${m.asOfFrom ? ` (from ${m.asOfFrom})` : ''}`);
  if (m.status === 'refused') {
    lines.push(
      `NOT imported: ${r.quarantinedRows} row(s) quarantined. See ${path.relative(cwd, path.join(dir!, 'quarantine.csv'))}; fix the source or mapping, or pass --allow-rejects to import the accepted rows.`,
    );
  }
  if (m.status === 'dry-run') lines.push('dry run: nothing written');
  return lines.join('\n');
}

/** CPU milliseconds of this process (all its threads) since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return Math.round((u.user + u.system) / 1000);
}

/** A file written and synced to disk before the next step relies on it. */
async function writeSynced(file: string, text: string) {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fault tests only: with holdAt (REVCYCLE_IMPORT_HOLD_AT, read in config.ts) the import says "holding at <phase>"
 * and waits there to be killed.
 */
async function holdAt(wanted: ImportHoldPhase | undefined, phase: ImportHoldPhase) {
  if (wanted !== phase) return;
  console.log(`holding at ${phase}`);
  await new Promise(() => {});
}

export async function runImport(o: ImportOptions): Promise<ImportResult> {
  const hold = (phase: ImportHoldPhase) => holdAt(o.holdAt, phase);
  const adapter = SOURCES[o.source] ?? (o.mappingFile ? generic : undefined);
  if (!adapter)
    throw new ImportInputError(
      `Unknown source "${o.source}". Sources: ${Object.keys(SOURCES).join(', ')} (any other name with --mapping reads as generic)`,
    );
  const cwd = o.cwd ?? process.cwd();
  const mapping: MappingFile | undefined = o.mappingFile ? await loadMappingFile(o.mappingFile) : undefined;
  const sourceName = mapping?.source ?? o.source;
  const files = await expandInputs(o.inputs);
  const timeZone = mapping?.time_zone ?? o.timeZone ?? DEFAULT_TIME_ZONE;
  let dates: DateReader;
  try {
    dates = new DateReader(timeZone, mapping?.date_format);
  } catch (e) {
    throw new ImportInputError((e as Error).message);
  }
  const display = (f: string) => path.relative(cwd, path.resolve(f));
  // as_of: the option, else the export's own time (footer, file name), else the latest time in the data (after reading).
  let asOfMs: number;
  let asOfFrom: string;
  if (o.asOf) {
    asOfMs = new Date(o.asOf).getTime();
    if (Number.isNaN(asOfMs)) throw new ImportInputError(`--as-of "${o.asOf}" is not an ISO 8601 time`);
    asOfFrom = '--as-of';
  } else {
    const stated = await exportTime(files, timeZone, display);
    asOfMs = stated?.ms ?? Infinity;
    asOfFrom = stated?.from ?? 'the latest time in the data';
  }

  await mkdir(o.importsDir, { recursive: true });
  removeStaleWork(o.importsDir);
  const id = importId(sourceName);
  const work = path.join(o.importsDir, `.work-${process.pid}-${id}`);
  const batchDir = path.join(work, 'batch');
  const snapshot = path.join(work, 'snapshot');
  await mkdir(batchDir, { recursive: true });
  for (const d of ['store', 'tables']) await mkdir(path.join(snapshot, d), { recursive: true });

  // One DuckDB database for the whole import, in memory up to MERGE_MEMORY and spilling to the work directory
  // beyond it (a database file costs a sync per statement): the DuckDB reader leaves its checked rows in it as
  // tables and the merge reads them there. A kill loses nothing: nothing in it is committed anywhere.
  // Rows in no particular order: every output the import writes is sorted (or, the store, needs no order) and every
  // aggregate that picks a row orders it (merge.ts), so DuckDB may write its tables and files in parallel without
  // keeping the order rows were read in (parquet store written in about half the CPU). The one read that numbers
  // rows by their order turns it on for itself (sources/generic-fast.ts).
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: path.join(work, 'duckdb-tmp'),
    memory_limit: MERGE_MEMORY,
    preserve_insertion_order: 'false',
  });
  const conn = await instance.connect();
  let dbOpen = true;
  // Closed once the merge is done: the warehouse build must not run beside the merge's tables.
  const closeDb = () => {
    if (dbOpen) {
      conn.closeSync();
      instance.closeSync();
    }
    dbOpen = false;
  };
  try {
    const channels = [...CANONICAL_CHANNELS, ...(mapping?.new_channels ?? []).map((c) => c.channel)];
    const batch = new Batch(batchDir);
    const ctx: ImportContext = {
      source: sourceName,
      batch,
      dates,
      asOf: Number.isFinite(asOfMs) ? new Date(asOfMs).toISOString() : asOfFrom,
      asOfMs,
      maps: buildMaps(
        adapter.defaults,
        mapping,
        channels,
        CANONICAL_STAGES,
        Object.values(SOURCES).map((s) => s.defaults),
      ),
      mapping,
      defaultOwnerTeam: mapping?.default_owner_team ?? 'unassigned',
      encoding: mappingEncoding(mapping),
      onProgress: o.onProgress,
      display,
      channels,
      csvOnly: o.csvOnly,
      db: conn,
    };
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    dates.maxMs = -Infinity;
    await adapter.read(files, ctx);
    await batch.close();
    const readMs = Math.round(performance.now() - t0);
    await hold('read');
    const readCpuMs = cpuMsSince(cpu0);

    const previous = latestImport(o.importsDir);
    const previousManifest = previous ? readManifest<ImportManifest>(previous) : undefined;
    if (!Number.isFinite(asOfMs)) asOfMs = Number.isFinite(dates.maxMs) ? dates.maxMs : Date.now();
    // Without --as-of, the data's today never goes back: a later as_of of an earlier import stays.
    if (!o.asOf && previousManifest && Date.parse(previousManifest.asOf) > asOfMs) {
      asOfMs = Date.parse(previousManifest.asOf);
      asOfFrom = `the previous import (${previousManifest.id})`;
    }
    const asOf = new Date(asOfMs).toISOString();
    const merged = await mergeImport({
      conn,
      batchDir,
      batchTables: batch.tables,
      batchMerged: batch.merged,
      batchScratch: batch.scratch,
      previousStore: previous && path.join(previous, 'store'),
      outDir: snapshot,
      defaultsDir: o.defaultsDir,
      asOf,
      timeZone,
      defaultOwnerTeam: ctx.defaultOwnerTeam,
      newChannels: mapping?.new_channels ?? [],
      exchangeRates: mapping?.exchange_rates ?? [],
    });
    closeDb();
    const mergeMs = Math.round(performance.now() - t0) - readMs;
    const mergeCpuMs = cpuMsSince(cpu0) - readCpuMs;
    await hold('merged');
    const quarantinedRows = await combineQuarantine(
      path.join(batchDir, 'quarantine.csv'),
      path.join(snapshot, 'quarantine-merge.csv'),
      path.join(snapshot, 'quarantine.csv'),
    );
    await rm(path.join(snapshot, 'quarantine-merge.csv'));
    const reasons = { ...batch.reasons };
    for (const [k, n] of Object.entries(merged.reasons)) reasons[k] = (reasons[k] ?? 0) + n;
    const run: SourceRun = {
      id,
      source: sourceName,
      finishedAt: new Date().toISOString(),
      files: batch.files,
      read: batch.read,
      skipped: batch.files.reduce(
        (sum, f) => ({
          total: sum.total + (f.skipped?.total ?? 0),
          group: sum.group + (f.skipped?.group ?? 0),
          footer: sum.footer + (f.skipped?.footer ?? 0),
        }),
        { total: 0, group: 0, footer: 0 },
      ),
      accepted: batch.read - quarantinedRows,
      quarantinedRows,
      quarantined: batch.quarantined + merged.quarantined,
      reasons,
      unmapped: batch.unmapped,
      mapping: {
        file: o.mappingFile ? path.relative(cwd, path.resolve(o.mappingFile)) : null,
        timeZone,
        dateFormat: mapping?.date_format ?? null,
        encoding: mapping?.encoding ?? 'auto',
        values: Object.fromEntries(Object.entries(ctx.maps).map(([k, m]) => [k, m.entries])),
      },
      merges: merged.merges,
      timings: { readMs, mergeMs, buildMs: 0, readCpuMs, mergeCpuMs },
    };
    const tablesHash = await hashTables(path.join(snapshot, 'tables'));
    const status: ImportManifest['status'] = o.dryRun
      ? 'dry-run'
      : quarantinedRows > 0 && !o.allowRejects
        ? 'refused'
        : 'complete';
    const manifest: ImportManifest = {
      id,
      status,
      asOf,
      asOfFrom,
      timeZone,
      tables: merged.tables,
      tablesHash,
      unchanged: previousManifest?.tablesHash === tablesHash,
      run,
      sources: { ...(previousManifest?.sources ?? {}), [sourceName]: run },
    };

    const sample = await quarantineSample(path.join(snapshot, 'quarantine.csv'));
    if (status === 'dry-run') {
      const summary = formatSummary(manifest, undefined, cwd, sample);
      return { manifest, exitCode: quarantinedRows > 0 && !o.allowRejects ? 1 : 0, summary };
    }
    if (status === 'refused') {
      const dir = path.join(o.importsDir, 'refused', id);
      await mkdir(dir, { recursive: true });
      await copyFile(path.join(snapshot, 'quarantine.csv'), path.join(dir, 'quarantine.csv'));
      await writeFile(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
      return { manifest, dir, exitCode: 1, summary: formatSummary(manifest, dir, cwd, sample) };
    }
    if (manifest.unchanged && previous && existsSync(o.warehousePath)) {
      // The same tables as the latest import: nothing to write, nothing to rebuild.
      return { manifest, dir: previous, exitCode: 0, summary: formatSummary(manifest, previous, cwd, sample) };
    }
    const dir = path.join(o.importsDir, id);
    // The record goes in the snapshot before the swap: the swap is the one commit point (area.ts).
    await writeSynced(path.join(snapshot, MANIFEST), JSON.stringify(manifest, null, 2));
    await hold('prepared');
    if (o.build !== false) {
      const { buildWarehouse } = await import('../warehouse/index.js');
      const t1 = performance.now();
      await buildWarehouse({
        seedsDir: path.join(snapshot, 'tables'),
        warehousePath: o.warehousePath,
        incremental: o.incremental === true,
        log: o.log ?? (() => {}),
        beforeSwap: async (building) => {
          const swap: SwapRecord = { warehouse: path.resolve(o.warehousePath), ino: (await stat(building)).ino, id };
          await writeSynced(path.join(work, SWAP), JSON.stringify(swap));
          await hold('before-swap');
        },
      });
      run.timings.buildMs = Math.round(performance.now() - t1);
      await hold('after-swap');
    }
    await rename(snapshot, dir);
    await hold('renamed');
    pruneImports(o.importsDir);
    return { manifest, dir, exitCode: 0, summary: formatSummary(manifest, dir, cwd, sample) };
  } finally {
    closeDb();
    await rm(work, { recursive: true, force: true });
  }
}
