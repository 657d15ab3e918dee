/*
 * The warehouse build on PostgreSQL (server/warehouse/target-postgres.ts) on
 * the small fixture: every data test runs and passes there; the swap is
 * atomic — a build whose data test fails, or whose model fails, changes
 * nothing a reader sees and leaves no build schema behind; a good rebuild
 * replaces the live schemas; a build killed at a phase (the real CLI, held
 * by REVCYCLE_BUILD_HOLD_AT) changes nothing a reader sees, and the next
 * build drops its schemas but not those of a build still running. Skipped,
 * saying why, without REVCYCLE_TEST_POSTGRES_URL.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse, WarehouseBuildError } from '../../server/warehouse';
import { PROJECT_ROOT } from '../semantic/semantic-server';
import { sandbox, spawnCli, type CliProcess } from '../faults/processes';
import { freshDatabase, POSTGRES_URL } from '../support/postgres';
import { ownModels } from '../warehouse/helpers';

const FIXTURE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'seeds-small');
const MODELS = path.join(PROJECT_ROOT, 'model', 'warehouse');
let dir: string;
let db: { url: string; drop(): Promise<void> } | undefined;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: db!.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const build = (models = MODELS, seeds = FIXTURE) =>
  buildWarehouse({
    seedsDir: seeds,
    modelsDir: models,
    warehousePath: path.join(dir, 'w.duckdb'),
    warehouseUrl: db!.url,
    log: () => {},
  });
const builtAt = async () => String((await rows('select built_at from main.build_info'))[0]!.built_at);
const buildSchemas = async () =>
  (await rows("select nspname from pg_namespace where nspname like 'rc\\_%'")).map((r) => r.nspname);

describe.skipIf(!POSTGRES_URL)('warehouse build on PostgreSQL', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-pg-build-'));
    db = await freshDatabase('revcycle_build');
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds every model and passes every data test in PostgreSQL, loading the seeds with COPY', async () => {
    const summary = await build();
    expect(summary.tests.failed).toBe(0);
    expect(summary.tests.run).toBeGreaterThan(100);
    const leads = readFileSync(path.join(FIXTURE, 'leads.csv'), 'utf8').trim().split('\n').length - 1;
    expect(Number((await rows('select count(*) as n from staging.stg_leads'))[0]!.n)).toBe(leads);
    expect(Number((await rows('select count(*) as n from marts.leads'))[0]!.n)).toBe(leads);
    expect(await buildSchemas()).toEqual([]);
    // the stable keys (stable_number, sql-macros.ts, through dialect-postgres.ts): the MD5's leading bits, as on DuckDB
    const keys = await rows(
      `select conversion_type || '|' || conversion_id as key, cast(conversion_number as varchar) as number
      from marts.attribution_conversions`,
    );
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) {
      const md5 = createHash('md5').update(String(k.key)).digest('hex');
      expect(k.number).toBe(String(BigInt(`0x${md5.slice(0, 15)}`) >> 7n));
    }
  }, 300_000);

  it('a failing data test leaves the previous warehouse serving and no build schema behind', async () => {
    const before = await builtAt();
    // The staging models and two SQL marts (a copy of the TypeScript marts could not import their modules).
    const models = await ownModels(path.join(dir, 'models-bad-test'));
    const yml = path.join(models, 'marts', 'settings.yml');
    writeFileSync(yml, `${readFileSync(yml, 'utf8')}\n  - {name: always_fails, expression: "currency is null"}\n`);
    const error = await build(models).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseBuildError);
    expect((error as WarehouseBuildError).message).toMatch(/always_fails/);
    expect(await builtAt()).toBe(before);
    expect(await buildSchemas()).toEqual([]);
  }, 300_000);

  it('a failing model names itself, and changes nothing', async () => {
    const before = await builtAt();
    const models = await ownModels(path.join(dir, 'models-bad-sql'));
    writeFileSync(path.join(models, 'marts', 'broken.sql'), 'select no_such_function(1) as x\n');
    await expect(build(models)).rejects.toThrow(/marts\/broken\.sql failed: function no_such_function/);
    expect(await builtAt()).toBe(before);
    expect(await buildSchemas()).toEqual([]);
  }, 300_000);

  it("a build killed at a phase leaves the previous warehouse serving; the next build drops its schemas, not a running build's", async () => {
    const box = sandbox(FIXTURE);
    const held = (phase: string) =>
      spawnCli(['build-warehouse'], box.env({ REVCYCLE_WAREHOUSE_URL: db!.url, REVCYCLE_BUILD_HOLD_AT: phase }));
    const killed: CliProcess[] = [];
    try {
      const before = await builtAt();
      // Killed with its marts tested and built (the swap next), then one held just after loading, still running.
      for (const phase of ['before-swap', 'loaded']) {
        const build = held(phase);
        killed.push(build);
        await build.waitFor(new RegExp(`holding at ${phase}`), 180_000);
      }
      await killed[0]!.kill9();
      expect(await builtAt()).toBe(before);
      const left = await buildSchemas();
      expect(left.length).toBe(8); // each build's raw, staging, marts, main

      // The running build's schemas stay; the killed one's go.
      await build();
      expect(await builtAt()).not.toBe(before);
      const running = await buildSchemas();
      expect(running.length).toBe(4);
      expect(left).toEqual(expect.arrayContaining(running));

      await killed[1]!.kill9();
      await build();
      expect(await buildSchemas()).toEqual([]);
    } finally {
      for (const build of killed) await build.kill9();
      rmSync(box.dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('a good rebuild replaces the live schemas', async () => {
    const before = await builtAt();
    await build();
    expect(await builtAt()).not.toBe(before);
    expect(await buildSchemas()).toEqual([]);
  }, 300_000);
});
