/*
 * The benchmark runs and measures everything (README.md, "Benchmark"): `npm run bench` at
 * a few thousand leads, end to end — generation, build, the dashboard in
 * Chromium, every query the dashboard's pages send through the API and on
 * DuckDB directly, concurrent clients. No timing is asserted (the machine is
 * shared); what is asserted is that every figure exists and nothing failed.
 * One planted query naming a member no view has proves a failing query
 * fails the run instead of being skipped. Every dashboard query on a view
 * with figures is answered from a pre-aggregation (model/cubes), built before
 * the server answered. Every step runs, each only as long as its figures need to exist: one
 * second per client level, one timed visit per page; the dashboard served is the run's own
 * production build (test/support/build-cache.ts), not built again here. One step is left to
 * another file: the server's warm-up after the day's import (incrementalWarmup: false), which
 * test/api/incremental-rollups.test.ts checks rollup by rollup against a full build's.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchResult } from '../../bench/run';
import { partViews } from '../../bench/queries';
import { PAGES } from '../../bench/dashboard-pages';
import { tempDir } from '../support/browser';
import { copyOfDashboard } from '../support/build-cache';
import { referenceViews } from '../support/reference-views';

const PLANTED = { measures: ['deals.no_such_measure'] };

describe('npm run bench at 3,000 leads', () => {
  let r: BenchResult;
  const dashboardDir = tempDir('revcycle-bench-dashboard-');
  beforeAll(async () => {
    const dashboardDist = path.join(dashboardDir, 'dist');
    await copyOfDashboard(dashboardDist);
    r = await runBench({
      leads: 3000,
      runs: 1,
      pageRuns: 1,
      clients: [1, 10, 50],
      seconds: 1,
      heavySeconds: 1,
      dashboardDist,
      resultsDir: tempDir('revcycle-bench-results-'),
      extraQueries: { planted: PLANTED },
      // the warm-up after the day's import is test/api/incremental-rollups.test.ts's subject (against a full build)
      incrementalWarmup: false,
      log: () => {},
    });
  }, 900_000);
  afterAll(() => rmSync(dashboardDir, { recursive: true, force: true }));

  it('measures the dashboard queries beside five heavy ungrouped ones (bench/heavy.ts)', () => {
    expect(r.heavy).toBeDefined();
    expect(r.heavy!.heavyClients).toBe(5);
    expect(r.heavy!.baselineMs.count).toBeGreaterThan(0);
    expect(r.heavy!.withHeavyMs.count).toBeGreaterThan(0);
    expect(r.heavy!.heavyAnswered + r.heavy!.heavyRefused).toBeGreaterThan(0);
  });

  it('fails on the planted query, and on nothing else', () => {
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^extra\/planted: load → 400 .*no_such_measure/);
    const planted = r.queries.find((q) => q.name === 'extra/planted')!;
    expect(planted.apiMs).toBeUndefined();
  });

  it('restarts on the unchanged warehouse reusing every rollup in it (bench step 7)', () => {
    expect(r.restart?.error).toBeUndefined();
    expect(r.restart!.built).toBe(0);
    expect(r.restart!.reused).toBeGreaterThanOrEqual(r.server.warmup!.preAggregations);
    expect(r.restart!.readyMs).toBeGreaterThanOrEqual(r.restart!.warmupMs);
  });

  it('times generation and build in child processes, with their peak memory', () => {
    for (const step of [r.generate, r.build]) {
      expect(step.ms).toBeGreaterThan(0);
      expect(step.peakRssBytes).toBeGreaterThan(50 * 1024 * 1024); // a Node process with DuckDB: not a wrapper's few MB
    }
    expect(r.build.seeds.leads).toBe(3000);
    expect(r.build.warehouseBytes).toBeGreaterThan(0);
  });

  it("applies a day's import incrementally in a child process, with its rows changed, time and peak memory", () => {
    const inc = r.incremental;
    expect(inc.day.baseLeads).toBe(3000);
    expect(inc.day.changedLeads).toBeGreaterThan(0);
    expect(inc.day.newLeads).toBe(15);
    // the changed and new leads, and the leads sharing their accounts
    expect(inc.plan.changedLeads).toBeGreaterThanOrEqual(inc.day.changedLeads + inc.day.newLeads);
    expect(inc.plan.models.leads).toBe('incremental');
    expect(inc.ms).toBeGreaterThan(0);
    expect(inc.peakRssBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(inc.fullOverIncremental).toBeGreaterThan(0);
  });

  it('shows every page with all its figures, and captures the queries each page sends', () => {
    expect(r.pages.map((p) => p.page)).toEqual(PAGES.map((p) => p.name));
    for (const p of r.pages) {
      expect(p.failedCards, p.page).toEqual([]);
      expect(p.cards, p.page).toBeGreaterThan(0);
      expect(p.ms, p.page).toBeGreaterThan(0);
      expect(p.roundTrips, p.page).toBeGreaterThan(0);
      // where the time went: the APIs in flight within the time to the last answer, within the visit
      expect(p.phases.apiMs, p.page).toBeGreaterThan(0);
      expect(p.phases.apiMs, p.page).toBeLessThanOrEqual(p.phases.lastAnswerMs);
      expect(p.phases.lastAnswerMs, p.page).toBeLessThanOrEqual(p.ms);
      expect(p.phases.mainThreadMs, p.page).toBeGreaterThan(0);
      expect(
        r.queries.some((q) => q.pages.includes(p.page)),
        `no query captured on ${p.page}`,
      ).toBe(true);
    }
  });

  it('measures every dashboard query through the API, uncached, and on DuckDB directly', () => {
    const dashboard = r.queries.filter((q) => q.name !== 'extra/planted');
    expect(dashboard.filter((q) => q.kind === 'cube').length).toBeGreaterThan(10);
    for (const q of dashboard) {
      expect(q.error, q.name).toBeUndefined();
      expect(q.apiMs, q.name).toBeGreaterThan(0);
      if (q.kind === 'api') continue;
      expect(q.uncachedApiMs, q.name).toBeGreaterThan(0);
      expect(q.directMs, q.name).toBeGreaterThan(0);
      expect(Number.isFinite(q.ratio), q.name).toBe(true);
      expect(q.rows, q.name).toBeGreaterThanOrEqual(0);
      expect(q.sqlParts!.length, q.name).toBeGreaterThan(0);
    }
  });

  it('answers every dashboard query on a non-reference view from a pre-aggregation', () => {
    const reference = referenceViews();
    // Each answered part on its own (a blended query's parts are separate queries); revcycle's own
    // routes (POST /api/plan, GET /api/actions) are not Cube queries.
    const parts = r.queries
      .filter((q) => q.kind === 'cube' && q.name !== 'extra/planted')
      .flatMap((q) => partViews(q).map((views, i) => ({ name: q.name, views, part: q.sqlParts![i]! })));
    const unserved = parts.filter((p) => p.part.preAggregations.length === 0);
    expect(
      unserved.filter((p) => p.views.some((v) => !reference.has(v))).map((p) => `${p.name} (${p.views.join(', ')})`),
    ).toEqual([]);
    // What the exemption leaves to the tables: reference views, a few rows each.
    expect(unserved.length).toBeGreaterThan(0);
    for (const p of unserved) expect(p.part.apiRows, p.name).toBeLessThan(100);
    expect(parts.length - unserved.length).toBeGreaterThan(20);
    // built by the warm-up, before the server answered
    expect(r.server.warmup?.error).toBeUndefined();
    const built = r.server.warmup!.preAggregations;
    expect(new Set(parts.flatMap((p) => p.part.preAggregations)).size).toBeLessThanOrEqual(built);
  });

  it('runs 1, 10 and 50 concurrent clients, cached and uncached, without an error', () => {
    expect(r.concurrency.map((c) => `${c.clients}/${c.mode}`)).toEqual([
      '1/cached',
      '1/uncached',
      '10/cached',
      '10/uncached',
      '50/cached',
      '50/uncached',
    ]);
    for (const c of r.concurrency) {
      expect(c.errors, `${c.clients} ${c.mode}: ${c.errorSamples.join('; ')}`).toBe(0);
      expect(c.requests).toBeGreaterThanOrEqual(c.clients);
      expect(c.latencyMs.p99).toBeGreaterThanOrEqual(c.latencyMs.p50);
    }
    expect(r.server.peakRssBytes).toBeGreaterThanOrEqual(r.server.rssBytes);
  });

  it('writes the figures to a JSON file', () => {
    expect(existsSync(r.resultsFile)).toBe(true);
    const saved = JSON.parse(readFileSync(r.resultsFile, 'utf8')) as BenchResult;
    expect(saved.queries.length).toBe(r.queries.length);
    expect(saved.dashboardBuild.files.some((f) => f.file.endsWith('.js'))).toBe(true);
  });
});
