/*
 * The same warehouse and model on PostgreSQL: the bundled sample is built on
 * DuckDB (once per run, test/support/build-cache.ts) and on PostgreSQL (every data test passing on both), then every
 * view's typical query (bench/typical-queries.ts) is sent to the
 * real server over each and must answer the same figures — exact for counts
 * and sums (integers), within 1e-9 relative otherwise. Skipped, saying why,
 * without REVCYCLE_TEST_POSTGRES_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse, type BuildSummary } from '../../server/warehouse';
import { MODEL_DIR, PROJECT_ROOT, TIME_ZONE } from '../semantic/semantic-server';
import { TYPICAL_QUERIES } from '../../bench/typical-queries';
import { copyOfWarehouse } from '../support/build-cache';
import { freshDatabase, POSTGRES_URL, sameFigure } from '../support/postgres';
import { startTestServer } from '../support/server';

const SEEDS = path.join(PROJECT_ROOT, 'seeds');
type Rows = Record<string, unknown>[];

let dir: string;
let db: { url: string; drop(): Promise<void> } | undefined;
let duckBuild: BuildSummary;
let pgBuild: BuildSummary;
const answers: { duckdb: Record<string, Rows>; postgres: Record<string, Rows> } = { duckdb: {}, postgres: {} };

async function answerAll(overrides: Parameters<typeof startTestServer>[0], into: Record<string, Rows>) {
  const t = await startTestServer({ modelDir: MODEL_DIR, dashboardDist: '/nonexistent', ...overrides });
  try {
    for (const [view, query] of Object.entries(TYPICAL_QUERIES)) {
      const res = await t.load({ timezone: TIME_ZONE, ...query });
      into[view] =
        res.status === 200 ? (res.body.data as Rows) : [{ error: res.status, body: JSON.stringify(res.body).slice(0, 300) }];
    }
  } finally {
    await t.server.close();
  }
}

describe.skipIf(!POSTGRES_URL)('PostgreSQL parity with DuckDB (bundled sample)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-pg-parity-'));
    db = await freshDatabase('revcycle_parity');
    duckBuild = await copyOfWarehouse(SEEDS, path.join(dir, 'warehouse.duckdb'), { rollups: true });
    pgBuild = await buildWarehouse({
      seedsDir: SEEDS,
      warehousePath: path.join(dir, 'pg', 'warehouse.duckdb'),
      warehouseUrl: db.url,
      log: () => {},
    });
    await answerAll({ warehousePath: path.join(dir, 'warehouse.duckdb') }, answers.duckdb);
    await answerAll({ warehouseUrl: db.url, warehousePath: path.join(dir, 'none.duckdb') }, answers.postgres);
  }, 900_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds on both with every data test passing and the same row counts per model', () => {
    expect(pgBuild.tests.failed).toBe(0);
    expect(pgBuild.tests.run).toBe(duckBuild.tests.run);
    const counts = (b: BuildSummary) => Object.fromEntries(b.models.map((m) => [`${m.schema}.${m.name}`, m.rows]));
    expect(counts(pgBuild)).toEqual(counts(duckBuild));
  });

  it.each(Object.keys(TYPICAL_QUERIES))('%s: the typical query answers the same figures', (view) => {
    const duck = answers.duckdb[view]!;
    const pgRows = answers.postgres[view]!;
    expect(duck.some((r) => 'error' in r)).toBe(false);
    expect(pgRows.filter((r) => 'error' in r)).toEqual([]);
    expect(pgRows.length).toBe(duck.length);
    expect(duck.length).toBeGreaterThan(0);
    // Rows are matched on their dimension values (Cube orders by the time dimension only, so ties come in any order).
    const measures = new Set((TYPICAL_QUERIES[view]!.measures as string[]) ?? []);
    // Members in name order, numbers as numbers (PostgreSQL's numerics carry trailing zeros).
    const key = (row: Record<string, unknown>) =>
      JSON.stringify(
        Object.entries(row)
          .filter(([m]) => !measures.has(m))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([m, v]) => [m, typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v]),
      );
    const byKey = new Map(pgRows.map((r) => [key(r), r]));
    expect(byKey.size).toBe(pgRows.length);
    const mismatches: string[] = [];
    for (const row of duck) {
      const other = byKey.get(key(row));
      if (!other) {
        mismatches.push(`no postgres row for ${key(row)}`);
        continue;
      }
      for (const member of measures) {
        if (!sameFigure(row[member], other[member]))
          mismatches.push(`${key(row)} ${member}: duckdb ${String(row[member])} ≠ postgres ${String(other[member])}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
