/*
 * `npm start` in production mode: Cube reads NODE_ENV, and in production it
 * makes an instance without a refresh worker unable to build pre-aggregations
 * unless told otherwise. The one server revcycle runs is its own builder, so
 * its warm-up builds every rollup before it answers, and a dashboard query is
 * then served from one. (`npm start` on a fresh clone hit this: Vite's build
 * of the dashboard, in the same process, had set NODE_ENV=production.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyOfWarehouse } from '../support/build-cache';
import { startTestServer, type TestServer } from '../support/server';

const SEEDS = path.resolve(__dirname, '../fixtures/seeds-semantic');
const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-prod-warmup-'));
let t: TestServer | undefined;
const nodeEnv = process.env.NODE_ENV;

afterAll(async () => {
  await t?.server.close();
  process.env.NODE_ENV = nodeEnv;
  rmSync(dir, { recursive: true, force: true });
});

describe('the server in production mode', () => {
  it('builds every rollup at warm-up and serves a dashboard query from one', async () => {
    const warehousePath = path.join(dir, 'warehouse.duckdb');
    await copyOfWarehouse(SEEDS, warehousePath); // the run's build of the fixture (test/support/build-cache.ts)
    process.env.NODE_ENV = 'production';
    t = await startTestServer({ warehousePath, dashboardDist: '/nonexistent' });
    const warmup = t.server.cube.warmup.last();
    expect(warmup?.error).toBeUndefined();
    expect(warmup?.preAggregations.length).toBeGreaterThan(10);
    const res = await t.load({
      measures: ['deals.won'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
      timezone: 'Asia/Tokyo',
    });
    expect(res.status).toBe(200);
    const used = (res.body.results ?? [res.body]).flatMap((r: { usedPreAggregations?: object }) =>
      Object.keys(r.usedPreAggregations ?? {}),
    );
    expect(used.length).toBeGreaterThan(0);
  }, 240_000);
});
