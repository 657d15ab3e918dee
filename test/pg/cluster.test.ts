/*
 * Cube's production topology for real (server/cluster/cluster.ts): two API
 * instances and a refresh worker, three processes over one PostgreSQL
 * warehouse built from the small fixture. Both API instances answer the same
 * figures — a query a pre-aggregation serves (built by the worker into
 * PostgreSQL, reported by Cube as used) and one none serves — equal to plain
 * SQL over the warehouse; after a rebuild with a changed deal amount, both
 * answer the new figure. The API instances never build a rollup themselves
 * (NODE_ENV=test, where Cube's dev mode would let them). Skipped, saying why,
 * without REVCYCLE_TEST_POSTGRES_URL.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../server/auth';
import { startCluster, type RunningCluster } from '../../server/cluster/cluster';
import { buildWarehouse } from '../../server/warehouse';
import { MODEL_DIR, PROJECT_ROOT } from '../semantic/semantic-server';
import { freshDatabase, POSTGRES_URL } from '../support/postgres';

const FIXTURE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'seeds-small');
const SECRET = 'cluster-test-secret-0123456789abcdef';
const PRE_AGGREGATED = {
  measures: ['deals.won', 'deals.won_amount'],
  timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }],
  timezone: 'Asia/Tokyo',
};
const DIRECT = { measures: ['stages.stages'], timezone: 'Asia/Tokyo' };

let dir: string;
let seeds: string;
let db: { url: string; drop(): Promise<void> } | undefined;
let cluster: RunningCluster | undefined;
const logs: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function load(base: string, query: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/cubejs-api/v1/load`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: signToken(SECRET, { sub: 'cluster-test', role: 'executive' }, 600),
    },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Polls until `ok` holds for the answer of `base` (the refresh worker works on its own schedule). */
async function until(base: string, query: unknown, ok: (r: { status: number; body: any }) => boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  let last: { status: number; body: any } = { status: 0, body: null };
  while (Date.now() < deadline) {
    last = await load(base, query);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(
    `${base}: no matching answer in ${ms / 1000} s; last ${last.status} ${JSON.stringify(last.body).slice(0, 400)}`,
  );
}

async function sqlScalar(url: string, sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number(Object.values((await c.query(sql)).rows[0] as object)[0]);
  } finally {
    await c.end();
  }
}

const total = (body: any, member: string) =>
  (body.data as Record<string, string>[]).reduce((s, r) => s + Number(r[member] ?? 0), 0);
const usedPreAggregations = (body: any) => Object.keys(body.usedPreAggregations ?? {});

describe.skipIf(!POSTGRES_URL)('cluster: two API instances and a refresh worker over PostgreSQL', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-cluster-'));
    seeds = path.join(dir, 'seeds');
    rmSync(seeds, { recursive: true, force: true });
    mkdirSync(seeds);
    for (const f of readdirSync(FIXTURE)) copyFileSync(path.join(FIXTURE, f), path.join(seeds, f));
    db = await freshDatabase('revcycle_cluster');
    await buildWarehouse({
      seedsDir: seeds,
      warehousePath: path.join(dir, 'warehouse.duckdb'),
      warehouseUrl: db.url,
      log: () => {},
    });
    const [a, b, w] = [await freePort(), await freePort(), await freePort()];
    cluster = await startCluster({
      warehouseUrl: db.url,
      apiPorts: [a, b],
      workerPort: w,
      env: {
        CUBEJS_API_SECRET: SECRET,
        REVCYCLE_MODEL: MODEL_DIR,
        REVCYCLE_DASHBOARD_DIST: '/nonexistent',
        CUBEJS_SCHEDULED_REFRESH_TIMER: '2',
        NODE_ENV: 'test',
      },
      log: (line) => logs.push(line),
    });
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('both API instances answer the same figures as SQL over the warehouse, pre-aggregated by the worker', async () => {
    const expectedWon = await sqlScalar(db!.url, 'select count(*) from marts.deals where is_won');
    const expectedAmount = await sqlScalar(db!.url, 'select sum(amount) from marts.deals where is_won');
    expect(expectedWon).toBeGreaterThan(0);
    for (const base of cluster!.apiUrls) {
      const pre = await until(base, PRE_AGGREGATED, (r) => r.status === 200);
      expect(usedPreAggregations(pre.body).length).toBeGreaterThan(0);
      expect(total(pre.body, 'deals.won')).toBe(expectedWon);
      expect(total(pre.body, 'deals.won_amount')).toBe(expectedAmount);
      const direct = await load(base, DIRECT);
      expect(direct.status).toBe(200);
      expect(Number(direct.body.data[0]['stages.stages'])).toBe(
        await sqlScalar(db!.url, 'select count(*) from marts.funnel_stages'),
      );
    }
    // The pre-aggregation tables live in PostgreSQL (no Cube Store here): prod_ or, outside production, dev_pre_aggregations.
    expect(await sqlScalar(db!.url, "select count(*) from pg_tables where schemaname like '%pre_aggregations'")).toBeGreaterThan(
      0,
    );
  }, 300_000);

  it('an API instance never builds a pre-aggregation on a request, even outside NODE_ENV=production', async () => {
    // The worker builds the rollups in the configured zone (Asia/Tokyo) only: one in UTC exists only if a request built it.
    const utc = { ...PRE_AGGREGATED, timezone: 'UTC' };
    for (const base of cluster!.apiUrls) {
      const r = await load(base, utc);
      // a stable 503 naming the refresh worker; Cube's own text (with table names) goes to the log only
      expect(r.status).toBe(503);
      expect(JSON.stringify(r.body)).toMatch(/this API instance does not build them: the refresh worker builds them/);
      expect(JSON.stringify(r.body)).not.toMatch(/table name/i);
    }
  }, 60_000);

  it('a warehouse rebuild is picked up by both API instances', async () => {
    const before = await sqlScalar(db!.url, 'select sum(amount) from marts.deals where is_won');
    const file = path.join(seeds, 'opportunities.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace(',won,1200000,', ',won,1300000,'));
    await buildWarehouse({
      seedsDir: seeds,
      warehousePath: path.join(dir, 'warehouse.duckdb'),
      warehouseUrl: db!.url,
      log: () => {},
    });
    const after = await sqlScalar(db!.url, 'select sum(amount) from marts.deals where is_won');
    expect(after - before).toBe(100000);
    for (const base of cluster!.apiUrls) {
      const r = await until(base, PRE_AGGREGATED, (x) => x.status === 200 && total(x.body, 'deals.won_amount') === after);
      expect(usedPreAggregations(r.body).length).toBeGreaterThan(0);
    }
  }, 300_000);
});
