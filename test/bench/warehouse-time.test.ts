/*
 * One owner for time (docs/metrics.md, "Time zone and fiscal year"): the
 * sample company built with its settings in America/New_York and a January
 * fiscal year. The server reads the zone from the warehouse and serves it —
 * Cube's queries without a zone, the warm-up's rollups — so every query the
 * dashboard's pages send (captured in Chromium, as `npm run bench` does) is
 * answered from a pre-aggregation, and months and fiscal years are cut in
 * New York: checked against plain SQL over the seed CSVs, and against the
 * Tokyo cut, which must differ (else the check could not fail). An
 * environment naming another zone is refused at start.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchDashboard } from '../../bench/dashboard';
import { distinctRequests, partViews, timeThroughApi, type QueryFigures } from '../../bench/queries';
import { loadConfig, projectRoot } from '../../server/config';
import { startServer } from '../../server/app';
import { resolvePeriod } from '../../dashboard/src/lib/resolve-period';
import { tempDir } from '../support/browser';
import { copyOfDashboard, copyOfWarehouse } from '../support/build-cache';
import { referenceViews } from '../support/reference-views';
import { startTestServer, type TestServer } from '../support/server';

const ZONE = 'America/New_York';
const work = tempDir('revcycle-time-');
const seedsDir = path.join(work, 'seeds');
const warehousePath = path.join(work, 'warehouse.duckdb');
const dashboardDist = path.join(work, 'dashboard');

let t: TestServer;
let queries: QueryFigures[];

/** Opportunities per local month of `column` (count and amount), by plain SQL over opportunities.csv, cut in `zone`. */
async function byMonth(
  zone: string,
  column: 'closed_at' | 'created_at',
  where = 'true',
): Promise<Map<string, { n: number; amount: number }>> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `select strftime(timezone('${zone}', cast(${column} as timestamptz)), '%Y-%m') as month,
              count(*) as n, sum(cast(amount as bigint)) as amount
       from read_csv('${path.join(seedsDir, 'opportunities.csv')}', all_varchar = true)
       where ${column} <> '' and ${where}
       group by all`,
    );
    return new Map(reader.getRowObjectsJS().map((r) => [String(r.month), { n: Number(r.n), amount: Number(r.amount) }] as const));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
const wonByMonth = (zone: string) => byMonth(zone, 'closed_at', "status = 'won'");
const within = <T>(rows: Map<string, T>) => new Map([...rows].filter(([m]) => m >= '2024-01' && m <= '2026-12'));

const sumOver = (rows: Map<string, { n: number; amount: number }>, prefix: string) =>
  [...rows].filter(([m]) => m.startsWith(prefix)).reduce((s, [, v]) => s + v.amount, 0);

beforeAll(async () => {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', 'seeds/generator/generate.ts', '--leads', '1500', '--seed', '5', '--out', seedsDir].concat([
      '--time-zone',
      ZONE,
      '--fiscal-year-start',
      '1',
    ]),
    { cwd: projectRoot, stdio: 'ignore' },
  );
  await copyOfWarehouse(seedsDir, warehousePath);
  await copyOfDashboard(dashboardDist);
}, 600_000);

afterAll(async () => {
  await t?.server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a warehouse whose settings say America/New_York, fiscal year from January', () => {
  it('refuses to start when the environment names another zone, saying which and why', async () => {
    const config = {
      ...loadConfig({
        ...process.env,
        CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
        NODE_ENV: 'test',
        REVCYCLE_TIMEZONE: 'Asia/Tokyo',
      }),
      port: 0,
      warehousePath,
      seedsDir,
      dashboardDist,
    };
    expect(config.envTimeZone).toBe('Asia/Tokyo');
    await expect(startServer(config)).rejects.toThrow(/Asia\/Tokyo.*America\/New_York.*warehouse's zone rules/s);
  });

  it("serves the warehouse's zone: the default query zone, the warm-up's and the refresh worker's", async () => {
    t = await startTestServer({ warehousePath, seedsDir, dashboardDist });
    expect(t.config.envTimeZone).toBeUndefined();
    expect(t.config.timeZone).toBe(ZONE);
    expect(process.env.CUBEJS_DEFAULT_TIMEZONE).toBe(ZONE);
    const warmed = t.server.cube.warmup.last();
    expect(warmed?.error).toBeUndefined();
    expect(warmed!.preAggregations.length).toBeGreaterThan(10);
  }, 600_000);

  it('answers every dashboard query on a non-reference view from a pre-aggregation', async () => {
    const { requests, pages } = await benchDashboard(t.url, { runs: 0 });
    for (const p of pages) expect(p.failedCards, p.page).toEqual([]);
    queries = distinctRequests(requests).filter((q) => q.kind === 'cube');
    // The dashboard asks in the settings' zone, the one the rollups were built in.
    const zones = new Set(
      queries
        .flatMap((q) => (Array.isArray(q.request) ? q.request : [q.request]) as { timezone?: string }[])
        .map((q) => q.timezone),
    );
    expect([...zones].filter((z) => z !== undefined)).toEqual([ZONE]);
    const client = { url: t.url, token: t.token() };
    await timeThroughApi(client, queries, 0);
    expect(queries.filter((q) => q.error).map((q) => `${q.name}: ${q.error}`)).toEqual([]);
    const reference = referenceViews();
    const parts = queries.flatMap((q) => partViews(q).map((views, i) => ({ name: q.name, views, part: q.sqlParts![i]! })));
    const unserved = parts.filter((p) => p.part.preAggregations.length === 0 && p.views.some((v) => !reference.has(v)));
    expect(unserved.map((p) => `${p.name} (${p.views.join(', ')})`)).toEqual([]);
    expect(parts.length - parts.filter((p) => p.part.preAggregations.length === 0).length).toBeGreaterThan(20);
  }, 600_000);

  it('cuts months in New York, from a rollup, as plain SQL over the seeds does (and not as Tokyo would)', async () => {
    // No timezone in the queries: the server's default, the warehouse's zone.
    const monthly = async (measures: string[], dimension: string, rollup: boolean) => {
      const res = await t.load({
        measures,
        timeDimensions: [{ dimension, granularity: 'month', dateRange: ['2024-01-01', '2026-12-31'] }],
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.usedPreAggregations ?? {}).length > 0).toBe(rollup);
      return new Map(
        (res.body.data as Record<string, unknown>[])
          .filter((r) => Number(r[measures[0]!]) > 0)
          .map((r) => [String(r[`${dimension}.month`]).slice(0, 7), measures.map((m) => Number(r[m] ?? 0))]),
      );
    };
    const won = within(await wonByMonth(ZONE));
    const lost = within(await byMonth(ZONE, 'closed_at', "status = 'lost'"));
    expect(await monthly(['deals.won', 'deals.won_amount'], 'deals.closed_at', true)).toEqual(
      new Map([...won].map(([m, v]) => [m, [v.n, v.amount]])),
    );
    expect(await monthly(['deals.lost'], 'deals.closed_at', true)).toEqual(new Map([...lost].map(([m, v]) => [m, [v.n]])));
    // Opportunities by creation month: no rollup has created_at, so the marts answer, cut in the same zone.
    const created = within(await byMonth(ZONE, 'created_at'));
    expect(await monthly(['deals.opportunities'], 'deals.created_at', false)).toEqual(
      new Map([...created].map(([m, v]) => [m, [v.n]])),
    );
    // Deals closed in the hours between a month's start in Tokyo and in New York move month: the cuts
    // differ, so the checks above could fail.
    const closedIn = (a: Map<string, { n: number }>, b: Map<string, { n: number }>) =>
      new Map([...new Set([...a.keys(), ...b.keys()])].map((m) => [m, (a.get(m)?.n ?? 0) + (b.get(m)?.n ?? 0)]));
    const tokyoClosed = closedIn(
      within(await wonByMonth('Asia/Tokyo')),
      within(await byMonth('Asia/Tokyo', 'closed_at', "status = 'lost'")),
    );
    expect(closedIn(won, lost)).not.toEqual(tokyoClosed);
  });

  it('cuts fiscal years on January 1st in New York: fiscal_year granularity, targets and the dashboard agree', async () => {
    const ny = await wonByMonth(ZONE);
    const res = await t.load({
      measures: ['deals.won_amount'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'fiscal_year', dateRange: ['2024-01-01', '2025-12-31'] }],
    });
    expect(res.status).toBe(200);
    const byYear = Object.fromEntries(
      (res.body.data as Record<string, unknown>[]).map((r) => [
        String(r['deals.closed_at.fiscal_year']).slice(0, 10),
        Number(r['deals.won_amount']),
      ]),
    );
    expect(byYear).toEqual({ '2024-01-01': sumOver(ny, '2024-'), '2025-01-01': sumOver(ny, '2025-') });

    // The targets mart names fiscal years by the same rule: December 2024 is FY2024, January 2025 is FY2025.
    const targets = await t.load({
      dimensions: ['targets.fiscal_year'],
      measures: ['targets.target'],
      timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: ['2024-12-01', '2025-01-31'] }],
      filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue'] }],
    });
    expect(targets.status).toBe(200);
    expect(
      (targets.body.data as Record<string, unknown>[]).map((r) => [
        String(r['targets.fiscal_month.month']).slice(0, 7),
        Number(r['targets.fiscal_year']),
      ]),
    ).toEqual([
      ['2024-12', 2024],
      ['2025-01', 2025],
    ]);
    // The dashboard's period FY2025 with the settings' January start: 2025-01-01 through 2025-12-31.
    const fy = resolvePeriod('FY2025', 1);
    expect([fy.start, fy.end, fy.previousKey]).toEqual(['2025-01-01', '2025-12-31', 'FY2024']);
  });
});
