/*
 * The warehouses the incremental-build tests compare, each made once per run
 * in the build cache (test/support/build-cache.ts) and copied from there: the
 * generated sample at 2,000 leads and a day's import of it
 * (bench/day-changes.ts, seed 42) as seeds, and full and incremental builds as
 * a server of the tests' settings left them, with its warm-up (the rollups it
 * built into the file or found there) and its answer to every query of
 * QUERIES. The day's full build served is the reference that
 * test/warehouse/incremental-build.test.ts and
 * test/api/incremental-rollups.test.ts both compare with: one build and one
 * server start for the two files, not one each. Outside a Vitest run with the
 * global setup, everything is made afresh in a temporary directory.
 */
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { writeDayChanges, type DayChanges } from '../../bench/day-changes';
import { TYPICAL_QUERIES } from '../../bench/typical-queries';
import { projectRoot } from '../../server/config';
import type { WarmupResult } from '../../server/cube/pre-aggregations';
import { buildWarehouse, type BuildSummary } from '../../server/warehouse/index';
import { tempDir } from './browser';
import { builtWarehouse, cached, generatedSeeds, keyOf } from './build-cache';
import { startTestServer } from './server';

/**
 * The generator's company at 2,000 leads (seed 42): the plan gives every model the same path (copied, incremental,
 * rebuilt) as on 4,000 leads, and every rollup has rows; the seeds and their build are the run's shared ones, which
 * the incremental-compare and landing-forecast tests also read.
 */
export const LEADS = 2000;

export type Rows = Record<string, unknown>[];

/**
 * The typical queries, and stage reach over every fiscal year of the data: the typical ones ask FY2025, and a day's
 * import (new leads created on the day after the data's last, changed leads' steps dated that day) changes none of
 * FY2025's figures.
 */
export const QUERIES = {
  ...TYPICAL_QUERIES,
  stage_reach_all_years: {
    ...TYPICAL_QUERIES.stage_reach,
    timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'month', dateRange: ['2024-04-01', '2027-03-31'] }],
  },
};

/** A figure as compared: numbers at 9 significant digits (doubles summed in no fixed order, see compare-warehouses.ts). */
const figure = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && !/^\d{4}-\d\d-\d\d/.test(String(v)) ? Number(n.toPrecision(9)) : v;
};
/** Rows as compared: each with its figures (`figure`), in a fixed order (any will do). */
export const rowsOf = (rows: Rows) => rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, figure(v)]))).sort();

/** What a server on a warehouse file did and said: its warm-up, and every query's rows. */
export interface Served {
  warmup: WarmupResult;
  answers: Record<string, Rows>;
}

/** A server of the tests' settings on `warehousePath`: its warm-up (its rollups stay in the file), and every query's rows. */
export async function serve(warehousePath: string): Promise<Served> {
  const t = await startTestServer({ warehousePath, modelDir: path.join(projectRoot, 'model'), dashboardDist: '/nonexistent' });
  try {
    const answers: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(QUERIES)) {
      const res = await t.load(query);
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      answers[name] = (res.body as { data: Rows }).data;
    }
    return { warmup: t.server.cube.warmup.last()!, answers };
  } finally {
    await t.server.close();
  }
}

/** The run's entry `key` (build-cache.ts `cached`), or outside a run the same made in a new temporary directory. */
async function made(key: string, make: (out: string) => Promise<void>): Promise<string> {
  const dir = await cached(key, make);
  if (dir) return dir;
  const out = tempDir('revcycle-incremental-fixture-');
  await make(out);
  return out;
}

/** Copies the warehouse file `from` (with its write-ahead log, if the server that closed it left one) to `to`. */
export async function copyWarehouse(from: string, to: string): Promise<void> {
  await cp(from, to);
  if (existsSync(`${from}.wal`)) await cp(`${from}.wal`, `${to}.wal`);
}

/** The sample's seeds (only read) and its day's (only read): the day's rows changed and added (bench/day-changes.ts). */
export async function daySeeds(): Promise<{ base: string; day: string; changes: DayChanges }> {
  const base = await generatedSeeds(LEADS);
  const dir = await made(`day-${keyOf(base)}`, async (out) => {
    const changes = await writeDayChanges(base, path.join(out, 'seeds'), 42);
    await writeFile(path.join(out, 'changes.json'), JSON.stringify(changes));
  });
  const changes = JSON.parse(await readFile(path.join(dir, 'changes.json'), 'utf8')) as DayChanges;
  return { base, day: path.join(dir, 'seeds'), changes };
}

/**
 * A warehouse built by `build` (into the file it is given; answering the build's summary) and served by a server of
 * the tests' settings, made once per run as the run's entry `served-<key>`: a copy written to `warehousePath`, holding
 * the rollups the server's warm-up built or found; the build's summary (its path the copy's), and what the server did
 * and answered.
 */
async function servedBuild(
  key: string,
  warehousePath: string,
  build: (file: string) => Promise<BuildSummary>,
): Promise<{ summary: BuildSummary } & Served> {
  const dir = await made(`served-${key}`, async (out) => {
    const file = path.join(out, 'warehouse.duckdb');
    const summary = await build(file);
    await writeFile(path.join(out, 'served.json'), JSON.stringify({ summary, ...(await serve(file)) }));
  });
  await copyWarehouse(path.join(dir, 'warehouse.duckdb'), warehousePath);
  const saved = JSON.parse(await readFile(path.join(dir, 'served.json'), 'utf8')) as { summary: BuildSummary } & Served;
  return { ...saved, summary: { ...saved.summary, warehousePath: path.resolve(warehousePath) } };
}

/** The full build of `seedsDir` (build-cache.ts builtWarehouse), served once per run (servedBuild). */
export const servedFullBuild = (seedsDir: string, warehousePath: string) =>
  servedBuild(`full-${keyOf(seedsDir)}`, warehousePath, (file) => builtWarehouse(seedsDir, file));

/**
 * `seedsDir` built incrementally over the served full build of `baseSeeds` (the day before's warehouse as an import
 * finds it: its rollups in the file), served once per run (servedBuild): the copy holds the rollups the build kept and
 * the server built.
 */
export const servedIncrementalBuild = (baseSeeds: string, seedsDir: string, warehousePath: string) =>
  servedBuild(`incremental-${keyOf(seedsDir)}-on-${keyOf(baseSeeds)}`, warehousePath, async (file) => {
    await servedFullBuild(baseSeeds, file);
    return buildWarehouse({ seedsDir, warehousePath: file, incremental: true, log: () => {} });
  });
