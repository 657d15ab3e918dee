/*
 * REVCYCLE_WARMUP=lazy (server/config.ts): a server that starts without
 * building its rollups answers at once, Cube builds a rollup when a query
 * first needs it, and every figure equals the eagerly warmed server's. The
 * eager default (every rollup built before the first answer) is proved by
 * test/api/restart.test.ts and test/semantic/fixture.test.ts.
 *
 * The eager server is the run's shared one over the buying-group fixture
 * (test/support/shared-server.ts); the lazy one runs over its own copy of the
 * same warehouse, without rollups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../../server/config';
import { TYPICAL_QUERIES } from '../../bench/typical-queries';
import { builtWarehouse } from '../support/build-cache';
import { withSavedTranspilation } from '../support/compile-cache';
import { startTestServer, type TestServer } from '../support/server';
import { sharedSemanticServer, type SemanticServer } from '../semantic/semantic-server';

const SEEDS = path.join(projectRoot, 'test/fixtures/seeds-buying-group');
const ZONE = 'Asia/Tokyo';

let dir: string;
let eager: SemanticServer;
let lazy: TestServer;
let answering: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-lazy-warmup-'));
  const warehousePath = path.join(dir, 'warehouse.duckdb');
  await builtWarehouse(SEEDS, warehousePath);
  lazy = await startTestServer({
    warehousePath,
    modelDir: path.join(projectRoot, 'model'),
    dashboardDist: '/nonexistent',
    stateDir: withSavedTranspilation(path.join(dir, 'state')),
    warmup: 'lazy',
  });
  answering = Date.now();
  eager = await sharedSemanticServer(SEEDS);
}, 300_000);
afterAll(async () => {
  await lazy?.server.close();
  await eager?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// a query without an order may list rows of equal keys either way
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
type Result = { data: Record<string, unknown>[]; usedPreAggregations?: Record<string, { lastUpdatedAt: number }> };
const load = async (t: TestServer, query: Record<string, unknown>): Promise<Result> => {
  const res = await t.load({ timezone: ZONE, ...query }, { queryType: 'multi' });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return res.body.results[0] as Result;
};

describe('REVCYCLE_WARMUP', () => {
  it('is eager unless set, and refuses a value it does not know', () => {
    expect(loadConfig({ CUBEJS_API_SECRET: 'test-secret-0123456789abcdef' }).warmup).toBe('eager');
    expect(loadConfig({ CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', REVCYCLE_WARMUP: 'lazy' }).warmup).toBe('lazy');
    expect(() => loadConfig({ CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', REVCYCLE_WARMUP: 'later' })).toThrow(
      'REVCYCLE_WARMUP must be one of eager, lazy, got "later"',
    );
  });

  it('lazy: starts with no rollup built, builds each on its first query, and answers the figures of the warmed server', async () => {
    expect(lazy.server.cube.warmup.last(), 'no warm-up ran at start').toBeUndefined();
    let fromRollups = 0;
    let rows = 0;
    for (const [view, query] of Object.entries(TYPICAL_QUERIES)) {
      const want = await load(eager.t, query);
      const got = await load(lazy, query);
      expect(sorted(got.data), view).toEqual(sorted(want.data));
      rows += got.data.length;
      // the same rollup serves both; the lazy server's was built after it started answering
      expect(Object.keys(got.usedPreAggregations ?? {}).length, view).toBe(Object.keys(want.usedPreAggregations ?? {}).length);
      for (const used of Object.values(got.usedPreAggregations ?? {})) {
        expect(used.lastUpdatedAt, view).toBeGreaterThanOrEqual(Math.floor(answering / 1000) * 1000);
        fromRollups++;
      }
    }
    expect(rows).toBeGreaterThan(0);
    expect(fromRollups).toBeGreaterThan(0);
    expect(lazy.server.cube.warmup.last(), 'still no warm-up: the queries built what they needed').toBeUndefined();
  }, 180_000);
});
