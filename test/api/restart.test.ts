/*
 * Rollups persist with the warehouse they were built from (real server over
 * HTTP, the project's model, the real build):
 *
 * 1. the first start on a new warehouse builds every rollup into the file
 *    (and keeps Cube's transpiled model in the state directory, which the
 *    restart compiles from);
 * 2. a restart on the unchanged file builds none: it finds every rollup table
 *    it needs in the file, and the dashboard's queries are answered from the
 *    same rollup tables with the same figures;
 * 3. a rebuild swapped in under the running server: the previous file keeps
 *    answering while the new file's rollups are built, and the server moves to
 *    the new file only once they all are.
 *
 * Figures: leads per seed directory, counted from its leads.csv
 * (seeds-semantic 7, seeds-small 5).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../server/cube/compile-cache';
import { readModelFiles } from '../../server/cube/model-files';
import { buildWarehouse } from '../../server/warehouse/index';
import { copyOfWarehouse } from '../support/build-cache';
import { startTestServer, type TestServer } from '../support/server';

const SEMANTIC = path.resolve(__dirname, '../fixtures/seeds-semantic');
const SMALL = path.resolve(__dirname, '../fixtures/seeds-small');
const TIME_ZONE = 'Asia/Tokyo';
const leadsIn = (dir: string) => readFileSync(path.join(dir, 'leads.csv'), 'utf8').trim().split('\n').length - 1;

/** Queries of the dashboard's pages, each answered by a rollup. */
const QUERIES: Record<string, object> = {
  'deals won by month': {
    measures: ['deals.won', 'deals.won_amount'],
    timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
  },
  'backlog by stage': {
    measures: ['backlog.leads'],
    dimensions: ['backlog.stage'],
    timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month', dateRange: ['2025-04-01', '2025-10-15'] }],
  },
  'paths by team': { measures: ['paths.leads', 'paths.success_path_leads'], dimensions: ['paths.owner_team'] },
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-restart-'));
const warehousePath = path.join(dir, 'warehouse.duckdb');
let t: TestServer | undefined;

afterAll(async () => {
  await t?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = () => startTestServer({ warehousePath, dashboardDist: '/nonexistent', stateDir: path.join(dir, 'state') });

/**
 * Each query's rows and the rollups that answered it: Cube's name of each and the time its table was built (the
 * response names no physical table; a rollup table's name ends with its build time).
 */
async function answers(server: TestServer) {
  const out: Record<string, { data: unknown[]; rollups: { name: string; builtAt: number }[] }> = {};
  for (const [name, query] of Object.entries(QUERIES)) {
    const res = await server.load({ timezone: TIME_ZONE, ...query }, { queryType: 'multi' });
    expect(res.status, name).toBe(200);
    const result = res.body.results[0];
    const used = Object.entries(result.usedPreAggregations ?? {}) as [string, { lastUpdatedAt: number }][];
    out[name] = { data: result.data, rollups: used.map(([table, u]) => ({ name: table, builtAt: u.lastUpdatedAt })) };
  }
  return out;
}

/** The rollup partitioned by year (model/cubes/account_motions.yml): a table per year of week starts. */
const PARTITIONED = /^account_motions_motion_list\d{8}_/;

/** One table per rollup, except the partitioned one: a table per year (one zone here, so no more). */
function expectEveryRollupBuilt(result: { built: string[]; preAggregations: string[] }) {
  const partitions = result.built.filter((t) => PARTITIONED.test(t));
  expect(partitions.length).toBeGreaterThan(0);
  expect(result.built).toHaveLength(result.preAggregations.length - 1 + partitions.length);
}

const paths = async (server: TestServer) => {
  const res = await server.load({ measures: ['paths.leads'], timezone: TIME_ZONE });
  expect(res.status).toBe(200);
  return Number(res.body.data[0]['paths.leads']);
};

describe('a restart on an unchanged warehouse', () => {
  it('reuses every rollup in the file and answers the same from the same tables', async () => {
    await copyOfWarehouse(SEMANTIC, warehousePath);
    t = await start();
    const first = t.server.cube.warmup.last()!;
    expect(first.error).toBeUndefined();
    expect(first.preAggregations.length).toBeGreaterThan(10);
    // one table per rollup and year partition (one zone), all new
    expectEveryRollupBuilt(first);
    expect(first.reused).toEqual([]);
    // Cube's transpiled model is kept for the next start (server/cube/compile-cache.ts), valid for these model files.
    const cacheFile = path.join(dir, 'state', 'cube-yaml-cache.json');
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      fingerprint: string;
      entries: object;
      js: Record<string, string>;
    };
    const files = readModelFiles(t.config.modelDir);
    expect(cache.fingerprint).toBe(fingerprint(files));
    expect(Object.keys(cache.entries).length).toBe(files.length);
    // and Babel's output of each file in each of Cube's compile phases (at least one per file)
    expect(Object.keys(cache.js).length).toBeGreaterThanOrEqual(files.length);
    const before = await answers(t);
    for (const [name, a] of Object.entries(before))
      expect(a.rollups.length, `${name} is answered by a rollup`).toBeGreaterThan(0);
    await t.server.close();
    t = undefined;

    // The restart compiles from the kept outputs: the deals view's title changed in them, and nowhere else, is the
    // title the restarted server's model gives.
    const KEPT = '商談 (kept output)';
    const js = Object.fromEntries(
      Object.entries(cache.js).map(([k, code]) => [k, code.replaceAll('"title": `商談`', `"title": \`${KEPT}\``)]),
    );
    expect(Object.values(js).filter((code) => code.includes(KEPT)).length).toBeGreaterThan(0);
    writeFileSync(cacheFile, JSON.stringify({ ...cache, js }));
    t = await start();
    const meta = await t.request('/cubejs-api/v1/meta');
    expect(meta.body.cubes.find((c: { name: string }) => c.name === 'deals').title).toBe(KEPT);
    const second = t.server.cube.warmup.last()!;
    expect(second.error).toBeUndefined();
    expect(second.built).toEqual([]);
    expect([...second.reused].sort()).toEqual([...first.built].sort());
    expect(await answers(t)).toEqual(before);
  }, 360_000);

  it('keeps answering from the previous file while a rebuild warms, then switches to the new one', async () => {
    const server = t!;
    const oldIdentity = server.server.cube.warmup.served();
    expect(await paths(server)).toBe(leadsIn(SEMANTIC));
    await buildWarehouse({ seedsDir: SMALL, warehousePath, log: () => {} });
    const swapped = Date.now();
    // The new file is in place; its warm-up (model, rollups) takes a while: the previous file answers meanwhile.
    await new Promise((r) => setTimeout(r, 1500)); // the watcher polls every second
    expect(await paths(server)).toBe(leadsIn(SEMANTIC));
    expect(server.server.cube.warmup.served(), 'the previous file is still served').toBe(oldIdentity);
    while (server.server.cube.warmup.served() === oldIdentity) await new Promise((r) => setTimeout(r, 200));
    const rebuilt = server.server.cube.warmup.last()!;
    expect(rebuilt.error).toBeUndefined();
    expectEveryRollupBuilt(rebuilt);
    expect(await paths(server)).toBe(leadsIn(SMALL));
    const after = await answers(server);
    for (const [name, a] of Object.entries(after)) {
      expect(a.rollups.length, name).toBeGreaterThan(0);
      for (const rollup of a.rollups) {
        // built by the warm-up of the new file: after the swap, among the tables it reported
        expect(rollup.builtAt, name).toBeGreaterThanOrEqual(Math.floor(swapped / 1000) * 1000);
        const table = rollup.name.split('.').at(-1)!;
        expect(
          rebuilt.built.some((b) => b.startsWith(`${table}_`)),
          `${name}: ${table}`,
        ).toBe(true);
      }
    }
  }, 360_000);
});
