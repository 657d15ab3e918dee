/*
 * Rollups kept across an incremental build (server/cube/rollup-inputs.ts,
 * server/warehouse/incremental.ts keepRollups): the server warms the day
 * before's warehouse; a day's import (bench/day-changes.ts) is applied
 * incrementally to a copy of it; the server on the new file reuses every
 * rollup whose tables the build left alone and builds the others, and every
 * rollup table and every typical dashboard query answer equals those of a
 * server on a full build of the same seeds. A rollup of a changed mart is
 * dropped by the build and built again, with the new figures.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDayChanges } from '../../bench/day-changes';
import { TYPICAL_QUERIES } from '../../bench/typical-queries';
import { projectRoot } from '../../server/config';
import { readModelFiles } from '../../server/cube/model-files';
import { modelInputs, rollupOfTable } from '../../server/cube/rollup-inputs';
import type { WarmupResult } from '../../server/cube/pre-aggregations';
import { buildWarehouse, type BuildSummary } from '../../server/warehouse/index';
import { tempDir } from '../support/browser';
import { startTestServer } from '../support/server';

const LEADS = 3000;
type Rows = Record<string, unknown>[];

/** A figure as compared: numbers at 9 significant digits (doubles summed in no fixed order, see compare-warehouses.ts). */
const figure = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && !/^\d{4}-\d\d-\d\d/.test(String(v)) ? Number(n.toPrecision(9)) : v;
};
const rowsOf = (rows: Rows) =>
  rows
    .map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, figure(v)])))
    .sort((a, b) => a.localeCompare(b));

/** A server on `warehousePath`: its warm-up, and every typical query's rows. */
async function serve(warehousePath: string): Promise<{ warmup: WarmupResult; answers: Record<string, Rows> }> {
  const t = await startTestServer({ warehousePath, modelDir: path.join(projectRoot, 'model'), dashboardDist: '/nonexistent' });
  try {
    const answers: Record<string, Rows> = {};
    for (const [name, query] of Object.entries(TYPICAL_QUERIES)) {
      const res = await t.load(query);
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      answers[name] = (res.body as { data: Rows }).data;
    }
    return { warmup: t.server.cube.warmup.last()!, answers };
  } finally {
    await t.server.close();
  }
}

/** The rollup tables of a warehouse file, keyed `<cube>_<rollup> <structure version>`, with their rows. */
async function rollupTables(file: string): Promise<Map<string, { table: string; rows: Rows }>> {
  const inputs = modelInputs(readModelFiles(path.join(projectRoot, 'model')));
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const tables = (
      await conn.runAndReadAll(
        `select schema_name, table_name from duckdb_tables() where schema_name like '%pre_aggregations' order by 2`,
      )
    ).getRowObjectsJS();
    const out = new Map<string, { table: string; rows: Rows }>();
    for (const { schema_name: schema, table_name: table } of tables) {
      const name = String(table);
      const key = `${rollupOfTable(name, inputs)} ${name.split('_').at(-2)}`;
      const rows = (await conn.runAndReadAll(`select * from "${String(schema)}"."${name}"`)).getRowObjectsJson() as Rows;
      out.set(key, { table: name, rows });
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe("rollups across a day's incremental build", () => {
  let root: string;
  let summary: BuildSummary;
  let base: Awaited<ReturnType<typeof serve>>;
  let incremental: Awaited<ReturnType<typeof serve>>;
  let full: Awaited<ReturnType<typeof serve>>;
  const file = (name: string) => path.join(root, name);

  beforeAll(async () => {
    root = tempDir('revcycle-incremental-rollups-');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'seeds/generator/generate.ts', '--leads', String(LEADS), '--seed', '42', '--out', file('base')],
      { cwd: projectRoot, stdio: 'ignore' },
    );
    await writeDayChanges(file('base'), file('day'), 42);
    await buildWarehouse({ seedsDir: file('base'), warehousePath: file('base.duckdb'), log: () => {} });
    // the day before's warehouse as served: its rollups built into the file
    base = await serve(file('base.duckdb'));
    copyFileSync(file('base.duckdb'), file('incremental.duckdb'));
    summary = await buildWarehouse({
      seedsDir: file('day'),
      warehousePath: file('incremental.duckdb'),
      incremental: true,
      log: () => {},
    });
    await buildWarehouse({ seedsDir: file('day'), warehousePath: file('full.duckdb'), log: () => {} });
    incremental = await serve(file('incremental.duckdb'));
    full = await serve(file('full.duckdb'));
  }, 1_800_000);
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('keeps the rollups of unchanged tables and drops those of changed ones', () => {
    const plan = summary.incremental!;
    expect(base.warmup.error).toBeUndefined();
    // a partitioned rollup has a table per partition
    expect(base.warmup.built.length).toBeGreaterThanOrEqual(base.warmup.preAggregations.length);
    const { kept, dropped } = plan.rollups;
    console.log(`rollups kept ${kept.length}: ${kept.join(', ')}; dropped ${dropped.length}`);
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    expect(kept.length + dropped.length).toBe(base.warmup.built.length);
    // every kept rollup reads only marts the build copied
    const inputs = modelInputs(readModelFiles(path.join(projectRoot, 'model')));
    for (const table of kept) {
      const reads = inputs.rollups.get(rollupOfTable(table.split('.')[1]!, inputs)!)!;
      for (const t of reads) expect(plan.models[t.split('.')[1]!], `${table} reads ${t}`).toBe('copied');
    }
  });

  it('the warm-up on the new file reuses the kept rollups and builds only the others', () => {
    const w = incremental.warmup;
    expect(w.error).toBeUndefined();
    const kept = summary.incremental!.rollups.kept.map((t) => t.split('.')[1]);
    expect(w.reused.map((t) => t.split('.').at(-1)).sort()).toEqual([...kept].sort());
    expect(w.built.length).toBe(summary.incremental!.rollups.dropped.length);
    expect(w.built.length + w.reused.length).toBe(full.warmup.built.length);
    expect(full.warmup.reused).toEqual([]);
  });

  it('every rollup table holds the rows of the full build’s, and every typical query answers the same', async () => {
    const ours = await rollupTables(file('incremental.duckdb'));
    const theirs = await rollupTables(file('full.duckdb'));
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [key, { table, rows }] of ours) expect(rowsOf(rows), `${table}`).toEqual(rowsOf(theirs.get(key)!.rows));
    for (const name of Object.keys(TYPICAL_QUERIES))
      expect(rowsOf(incremental.answers[name]!), name).toEqual(rowsOf(full.answers[name]!));
  }, 600_000);

  it("a changed mart's rollup is built again, with the day's figures", () => {
    const plan = summary.incremental!;
    expect(plan.models.lead_stage_reach).toBe('incremental');
    expect(plan.rollups.dropped.some((t) => /\.lead_stage_reach_by_stage_day_/.test(t))).toBe(true);
    expect(incremental.warmup.built.some((t) => /lead_stage_reach_by_stage_day_/.test(t))).toBe(true);
    // the day's import changed the stage reach the dashboard shows: the rollup did not answer with the day before's
    expect(rowsOf(incremental.answers.stage_reach!)).not.toEqual(rowsOf(base.answers.stage_reach!));
  });
});
