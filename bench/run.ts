/*
 * npm run bench [-- --leads N --seed S --runs R --page-runs P --clients 1,10,50 --seconds T --page-timeout S --skip-dashboard
 *                   --heavy H]
 *
 * Measures revcycle at one data size, all in one run so ratios compare like
 * with like, and fails (exit 1) if anything could not be measured:
 *   1. sample generation and the warehouse build, each a child process:
 *      wall time and peak RSS (bench/child.ts), warehouse file size;
 *   2. the dashboard in headless Chromium: navigation → all figures shown,
 *      per page; the requests each page sends are the dashboard queries
 *      measured next (bench/dashboard.ts);
 *   3. each distinct dashboard query through the API: as sent (result cache
 *      or pre-aggregation), uncached, and its SQL on DuckDB directly, with
 *      the ratio (bench/queries.ts);
 *   4. 1, 10 and 50 concurrent clients, cached and uncached, for a bounded
 *      time each: p50/p95/p99, errors (bench/concurrency.ts);
 *   5. H heavy ungrouped queries (default 5; 0 = skip) running beside the
 *      dashboard's queries: their p50/p95/p99 with and without (bench/heavy.ts);
 *   6. the server's RSS (a child process) after all that, and its peak;
 *   7. a restart on the unchanged warehouse: a new server process from spawn
 *      until it answers a dashboard query, with how many rollups its warm-up
 *      built (none expected: they persist in the warehouse file) and reused;
 *   8. a day's import applied incrementally to a copy of the warehouse as the
 *      server left it (rollups in it), and the warm-up on the new file: the
 *      rollups it reused and built (bench/incremental.ts).
 * Figures go to stdout and to bench/results/<time>-<leads>.json.
 * Default size 100,000 leads; the bundled sample is 20,000.
 *
 * runBench(options) is what test/bench/bench.test.ts runs at a few thousand leads.
 *
 * npm run bench -- --import [--import-leads N] [--import-touches M] [--import-build] [--import-csv]
 *   import throughput instead (bench/import.ts): generic CSV, rows per second.
 * npx tsx bench/load.ts --url <server> --clients 50 --seconds 120
 *   the sustained load test against a running server (bench/load.ts: zero-5xx
 *   check, p50/p95/p99, cached and uncached).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../server/config.js';
import { signToken } from '../server/auth.js';
import { runMeasured } from './child';
import { startBenchServer } from './server';
import { benchDashboard, phasesText, type PageTiming } from './dashboard';
import { cubeLoad, distinctRequests, timeDirect, timeThroughApi, type QueryFigures } from './queries';
import { runClients, type ConcurrencyFigures } from './concurrency';
import { runHeavyBeside, type HeavyFigures } from './heavy';
import { benchIncremental, type IncrementalFigures } from './incremental';

export interface BenchOptions {
  leads: number;
  seed?: number;
  /** Timed repetitions per query (medians). */
  runs?: number;
  /** Timed visits per page after the first. */
  pageRuns?: number;
  /**
   * No page timings: each page is still visited once, because its requests are the dashboard
   * queries measured next, but no navigation figure is reported.
   */
  skipDashboard?: boolean;
  clients?: number[];
  /** How long a page may take to show its figures, ms (default 120 s). */
  pageTimeoutMs?: number;
  /** Duration of each concurrency level and mode, seconds. */
  seconds?: number;
  /** Heavy ungrouped clients beside the dashboard's queries (default 5; 0 = skip that phase). */
  heavy?: number;
  /** Duration of the heavy phase's two halves (alone, beside heavy queries), seconds; default `seconds`, at least 5. */
  heavySeconds?: number;
  /**
   * A dashboard already built (vite build's output) to serve instead of building one: its files are listed and no
   * build time is reported (dashboardBuild.ms 0). For a caller that has built it already (the test run does, once).
   */
  dashboardDist?: string;
  /** Where the JSON goes; default bench/results. */
  resultsDir?: string;
  /**
   * Cube queries measured besides the dashboard's, by name (an analyst's question; the test adds
   * one naming a member no view has, to prove a failing query fails the run).
   */
  extraQueries?: Record<string, unknown>;
  /**
   * Start a server on the day's incrementally built warehouse and report its warm-up (default true). The test of
   * this benchmark (test/bench/bench.test.ts) turns it off: that warm-up is test/api/incremental-rollups.test.ts's
   * subject, checked there against a full build's, and here it was one more server building every rollup.
   */
  incrementalWarmup?: boolean;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BenchResult {
  startedAt: string;
  leads: number;
  seed: number;
  machine: { cores: number; memoryBytes: number; node: string };
  generate: { ms: number; peakRssBytes: number; seedBytes: number };
  build: {
    ms: number;
    peakRssBytes: number;
    warehouseBytes: number;
    timings: Record<string, number>;
    seeds: Record<string, number>;
    models: { name: string; rows: number; ms: number }[];
    /** DuckDB's threads, memory_limit and temp_directory as the build reported them (server/config.ts). */
    duckdb: Record<string, unknown>;
  };
  /** A day's changes applied incrementally to a copy of the warehouse (bench/incremental.ts). */
  incremental: IncrementalFigures;
  /** The dashboard's build: its time (0 when options.dashboardDist was served as given) and its files. */
  dashboardBuild: { ms: number; files: BundleFile[] };
  pages: PageTiming[];
  queries: QueryFigures[];
  concurrency: ConcurrencyFigures[];
  /** The dashboard's queries beside heavy ungrouped ones (undefined when skipped). */
  heavy?: HeavyFigures;
  server: {
    rssBytes: number;
    peakRssBytes: number;
    /** The pre-aggregation warm-up before the server answered: wall time and how many rollups it built. */
    warmup?: { ms: number; preAggregations: number; error?: string };
  };
  /**
   * A second server process on the unchanged warehouse: ms from spawn until a dashboard query answered (readyMs),
   * its warm-up's time, and the rollup tables it built (none expected) and found in the file.
   */
  restart?: { readyMs: number; warmupMs: number; built: number; reused: number; error?: string };
  /** Every reason the run failed; empty when every figure was measured. */
  errors: string[];
  resultsFile: string;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const dirSize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (s, e) => s + (e.isDirectory() ? dirSize(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );

async function buildDashboard(outDir: string): Promise<BenchResult['dashboardBuild']> {
  const { build } = await import('vite');
  const t0 = performance.now();
  await build({
    configFile: path.join(projectRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return { ms: Math.round(performance.now() - t0), files: bundleFiles(outDir) };
}

/** The bundle's JavaScript and CSS files, largest first, with their gzip sizes. */
function bundleFiles(outDir: string): BundleFile[] {
  const assets = path.join(outDir, 'assets');
  return readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const bytes = readFileSync(path.join(assets, f));
      return { file: f, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

/** A new server process on the same warehouse: from spawn until `request` (a dashboard query) answers. */
async function measureRestart(
  env: Record<string, string>,
  token: string,
  request: unknown,
): Promise<NonNullable<BenchResult['restart']>> {
  const started = performance.now();
  const server = await startBenchServer(env);
  try {
    let error: string | undefined;
    await cubeLoad({ url: server.url, token }, request).catch((e: Error) => (error = e.message));
    const readyMs = Math.round(performance.now() - started);
    const w = server.warmup;
    error ??= w?.error;
    return {
      readyMs,
      warmupMs: w?.ms ?? 0,
      built: w?.built?.length ?? 0,
      reused: w?.reused?.length ?? 0,
      ...(error ? { error } : {}),
    };
  } finally {
    await server.stop();
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? console.log;
  const seed = options.seed ?? 7;
  const runs = options.runs ?? 5;
  const clients = options.clients ?? [1, 10, 50];
  const durationMs = (options.seconds ?? 20) * 1000;
  const work = mkdtempSync(path.join(os.tmpdir(), 'revcycle-bench-'));
  const seedsDir = path.join(work, 'seeds');
  const warehousePath = path.join(work, 'warehouse', 'warehouse.duckdb');
  const errors: string[] = [];
  const startedAt = new Date().toISOString();
  log(
    `revcycle bench — ${options.leads.toLocaleString('en')} leads (seed ${seed}), ${os.cpus().length} cores, ${mb(os.totalmem())}, work dir ${work}`,
  );

  try {
    const gen = await runMeasured('seeds/generator/generate.ts', [
      '--leads',
      String(options.leads),
      '--seed',
      String(seed),
      '--out',
      seedsDir,
      '--gzip',
    ]);
    const generate = { ms: Math.round(gen.ms), peakRssBytes: gen.peakRssBytes, seedBytes: dirSize(seedsDir) };
    log(`generate   ${(gen.ms / 1000).toFixed(1)} s   peak RSS ${mb(gen.peakRssBytes)}   seeds ${mb(generate.seedBytes)} (gzip)`);

    const b = await runMeasured('bench/build-child.ts', [seedsDir, warehousePath]);
    const summary = JSON.parse(b.stdout.trim().split('\n').at(-1)!) as Pick<
      BenchResult['build'],
      'timings' | 'seeds' | 'models' | 'duckdb'
    >;
    const build = {
      ms: Math.round(b.ms),
      peakRssBytes: b.peakRssBytes,
      warehouseBytes: statSync(warehousePath).size,
      timings: summary.timings,
      seeds: summary.seeds,
      models: summary.models.map(({ name, rows, ms }) => ({ name, rows, ms })),
      duckdb: summary.duckdb,
    };
    log(
      `build      ${(b.ms / 1000).toFixed(1)} s   peak RSS ${mb(b.peakRssBytes)}   warehouse ${mb(build.warehouseBytes)}   (load ${summary.timings.loadMs} ms, models ${summary.timings.modelsMs} ms, data tests ${summary.timings.testsMs} ms; DuckDB memory limit ${summary.duckdb.memory_limit}, ${summary.duckdb.threads} threads)`,
    );

    const dashboardDist = options.dashboardDist ?? path.join(work, 'dashboard');
    const dashboardBuild = options.dashboardDist
      ? { ms: 0, files: bundleFiles(dashboardDist) }
      : await buildDashboard(dashboardDist);
    log(
      `dashboard  ${options.dashboardDist ? `as built in ${dashboardDist}` : `built in ${(dashboardBuild.ms / 1000).toFixed(1)} s`}: ${dashboardBuild.files.length} files, largest ${dashboardBuild.files[0]?.file} ${(dashboardBuild.files[0]!.bytes / 1024).toFixed(0)} kB`,
    );

    const secret = 'bench-secret-0123456789abcdef';
    const serverEnv = {
      CUBEJS_API_SECRET: secret,
      REVCYCLE_WAREHOUSE: warehousePath,
      REVCYCLE_SEEDS: seedsDir,
      REVCYCLE_DASHBOARD_DIST: dashboardDist,
      REVCYCLE_STATE_DIR: path.join(work, 'state'),
      // the clients below share one token: the per-person rate limit would measure itself, not the server
      REVCYCLE_RATE_LIMIT_PER_MINUTE: '0',
    };
    const server = await startBenchServer(serverEnv);
    const client = { url: server.url, token: signToken(secret, { sub: 'bench', role: 'executive' }, 24 * 3600) };
    let pages: PageTiming[] = [];
    let queries: QueryFigures[] = [];
    const concurrency: ConcurrencyFigures[] = [];
    let heavy: HeavyFigures | undefined;
    let memory = { rssBytes: 0, peakRssBytes: 0 };
    const warmup = server.warmup && {
      ms: server.warmup.ms,
      preAggregations: server.warmup.preAggregations.length,
      ...(server.warmup.error ? { error: server.warmup.error } : {}),
    };
    if (warmup)
      log(
        `warm-up    ${(warmup.ms / 1000).toFixed(1)} s   ${warmup.preAggregations} pre-aggregations built${warmup.error ? ` — FAILED: ${warmup.error}` : ''}`,
      );
    if (warmup?.error) errors.push(`pre-aggregation warm-up failed: ${warmup.error}`);
    try {
      const dash = await benchDashboard(server.url, {
        runs: options.skipDashboard ? 0 : (options.pageRuns ?? 3),
        timeoutMs: options.pageTimeoutMs,
      });
      for (const p of dash.pages) for (const c of p.failedCards) errors.push(`page ${p.page}: card failed: ${c}`);
      pages = options.skipDashboard ? [] : dash.pages;
      if (options.skipDashboard) log('\npage timings skipped (--skip-dashboard); each page visited once for its queries');
      else log('\npage        navigation → all figures shown (median, first visit)   cards   HTTP requests (queries carried)');
      for (const p of pages) {
        log(
          `  ${p.page.padEnd(10)} ${String(p.ms).padStart(8)} ms ${String(p.coldMs).padStart(8)} ms ${String(p.cards).padStart(26)} ${String(p.roundTrips).padStart(15)} (${p.queries})   ${phasesText(p.phases)}`,
        );
      }

      queries = distinctRequests(dash.requests);
      if (queries.length === 0) errors.push('the dashboard sent no queries');
      for (const [name, request] of Object.entries(options.extraQueries ?? {}))
        queries.push({ name: `extra/${name}`, pages: [], kind: 'cube', request });
      await timeThroughApi(client, queries, runs);
      // A query that failed alone is reported once, not again by every client that sends it.
      const loadQueries = queries.filter((q) => q.kind === 'cube' && !q.error).map((q) => q.request);

      if (loadQueries.length === 0) errors.push('no dashboard query answered: no concurrent clients run');
      for (const n of loadQueries.length ? clients : []) {
        for (const mode of ['cached', 'uncached'] as const) {
          const c = await runClients(client, loadQueries, { clients: n, mode, durationMs });
          concurrency.push(c);
          if (c.errors > 0) errors.push(`${n} clients (${mode}): ${c.errors} errors, e.g. ${c.errorSamples[0]}`);
        }
      }
      if ((options.heavy ?? 5) > 0 && loadQueries.length) {
        const heavyClient = { url: server.url, token: signToken(secret, { sub: 'bench-heavy', role: 'analyst' }, 24 * 3600) };
        heavy = await runHeavyBeside(client, heavyClient, loadQueries, {
          heavyClients: options.heavy ?? 5,
          lightClients: 4,
          durationMs: options.heavySeconds !== undefined ? options.heavySeconds * 1000 : Math.max(durationMs, 5000),
        });
        if (heavy.lightErrors > 0)
          errors.push(`dashboard queries beside heavy ones: ${heavy.lightErrors} errors, e.g. ${heavy.lightErrorSamples[0]}`);
        if (heavy.heavyErrors > 0) errors.push(`heavy queries: ${heavy.heavyErrors} errors, e.g. ${heavy.heavyErrorSamples[0]}`);
      }
      memory = server.memory();
    } finally {
      await server.stop();
    }

    let restart: BenchResult['restart'];
    const firstQuery = queries.find((q) => q.kind === 'cube' && !q.error);
    if (firstQuery) {
      restart = await measureRestart(serverEnv, client.token, firstQuery.request);
      log(
        `\nrestart    ${(restart.readyMs / 1000).toFixed(1)} s until a dashboard query answered (warm-up ${(restart.warmupMs / 1000).toFixed(1)} s: ${restart.built} rollups built, ${restart.reused} reused)${restart.error ? ` — FAILED: ${restart.error}` : ''}`,
      );
      if (restart.error) errors.push(`restart: ${restart.error}`);
      else if (restart.built > 0) errors.push(`restart on an unchanged warehouse rebuilt ${restart.built} rollups`);
    }

    // After the server has served (and warmed) the warehouse, as an import finds it: the day's build carries over
    // the rollups of the tables it leaves alone, and its warm-up builds only the others.
    const incremental = await benchIncremental(
      seedsDir,
      warehousePath,
      work,
      seed,
      build.ms,
      build.models,
      log,
      options.incrementalWarmup ?? true,
    );
    if (incremental.warmup?.error)
      errors.push(`pre-aggregation warm-up after the day's import failed: ${incremental.warmup.error}`);
    const marts = (how: string) =>
      Object.entries(incremental.plan.models).filter(([n, h]) => h === how && !n.startsWith('stg_')).length;
    log(
      `incremental ${(incremental.ms / 1000).toFixed(1)} s   peak RSS ${mb(incremental.peakRssBytes)}   a day's import: ${incremental.day.changedLeads.toLocaleString('en')} leads changed, ${incremental.day.newLeads.toLocaleString('en')} new → ${incremental.plan.changedLeads.toLocaleString('en')} leads rebuilt (closed over accounts); marts copied ${marts('copied')}, updated ${marts('incremental')}, rebuilt ${marts('rebuilt')}; full build ${incremental.fullOverIncremental}× its time   (load ${incremental.timings.loadMs} ms, models ${incremental.timings.modelsMs} ms, data tests ${incremental.timings.testsMs} ms)`,
    );

    await timeDirect(warehousePath, queries, runs);
    log(`\nquery (median of ${runs})${' '.repeat(40)}cached  uncached    DuckDB   ratio   rows  pre-aggregated`);
    for (const q of queries) {
      if (q.error) {
        errors.push(`${q.name}: ${q.error}`);
        log(`  ${q.name.padEnd(56)} FAILED: ${q.error.slice(0, 160)}`);
        continue;
      }
      const f = (x: number | undefined) => (x === undefined ? '' : x.toFixed(1)).padStart(8);
      log(
        `  ${q.name.padEnd(56)} ${f(q.apiMs)} ${f(q.uncachedApiMs)} ${f(q.directMs)} ${q.ratio === undefined ? '        ' : `${q.ratio.toFixed(2).padStart(7)}x`} ${String(q.rows ?? '').padStart(6)}  ${q.kind === 'api' ? '(revcycle API)' : Object.keys(q.preAggregations!).join(', ') || 'no'}`,
      );
    }
    log('\nclients  mode       requests   q/s      p50      p95      p99   errors');
    for (const c of concurrency) {
      log(
        `  ${String(c.clients).padStart(5)}  ${c.mode.padEnd(9)} ${String(c.requests).padStart(8)} ${String(c.queriesPerSecond).padStart(6)} ${c.latencyMs.p50.toFixed(0).padStart(8)} ${c.latencyMs.p95.toFixed(0).padStart(8)} ${c.latencyMs.p99.toFixed(0).padStart(8)} ${String(c.errors).padStart(8)}`,
      );
    }
    if (heavy) {
      const p = (x: { p50: number; p95: number; p99: number; count: number }) =>
        `p50 ${x.p50.toFixed(0)} ms, p95 ${x.p95.toFixed(0)} ms, p99 ${x.p99.toFixed(0)} ms (${x.count} queries)`;
      log(
        `\ndashboard queries at ${options.leads.toLocaleString('en')} leads, ${heavy.lightClients} clients, ${(heavy.durationMs / 1000).toFixed(0)} s each:`,
      );
      log(`  alone                                  ${p(heavy.baselineMs)}`);
      log(`  beside ${heavy.heavyClients} heavy ungrouped queries        ${p(heavy.withHeavyMs)}`);
      log(
        `  heavy (${(heavy.heavyQuery as { dimensions: string[] }).dimensions.length} dimensions, ungrouped): ${heavy.heavyAnswered} answered, ${heavy.heavyRefused} refused (503, lane full), ${heavy.heavyErrors} errors`,
      );
    }
    log(`\nserver RSS ${mb(memory.rssBytes)} (peak ${mb(memory.peakRssBytes)})`);

    const resultsDir = options.resultsDir ?? path.join(projectRoot, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = path.join(resultsDir, `${startedAt.replace(/[:.]/g, '-')}-${options.leads}.json`);
    const result: BenchResult = {
      startedAt,
      leads: options.leads,
      seed,
      machine: { cores: os.cpus().length, memoryBytes: os.totalmem(), node: process.version },
      generate,
      build,
      incremental,
      dashboardBuild,
      pages,
      queries,
      concurrency,
      ...(heavy ? { heavy } : {}),
      server: { ...memory, ...(warmup ? { warmup } : {}) },
      ...(restart ? { restart } : {}),
      errors,
      resultsFile,
    };
    writeFileSync(resultsFile, JSON.stringify(result, null, 2));
    log(`\nfigures written to ${path.relative(process.cwd(), resultsFile)}`);
    if (errors.length) log(`\nthe run FAILED:\n  ${errors.join('\n  ')}`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes('--import')) {
  const { values } = parseArgs({
    options: {
      import: { type: 'boolean', default: false },
      'import-leads': { type: 'string', default: '1000000' },
      'import-touches': { type: 'string', default: '10000000' },
      'import-build': { type: 'boolean', default: false },
      'import-csv': { type: 'boolean', default: false },
    },
  });
  (async () => {
    const { benchImport, formatImportBench } = await import('./import.js');
    const b = await benchImport({
      leads: Number(values['import-leads']),
      touches: Number(values['import-touches']),
      build: values['import-build'],
      csvOnly: values['import-csv'],
    });
    console.log(formatImportBench(b));
    const dir = path.join(projectRoot, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const machine = { cores: os.cpus().length, memoryBytes: os.totalmem(), node: process.version };
    writeFileSync(
      path.join(dir, `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify({ machine, ...b }, null, 2),
    );
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else if (isMain) {
  const { values } = parseArgs({
    options: {
      leads: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '7' },
      runs: { type: 'string', default: '5' },
      'page-runs': { type: 'string', default: '3' },
      clients: { type: 'string', default: '1,10,50' },
      seconds: { type: 'string', default: '20' },
      'page-timeout': { type: 'string', default: '120' },
      'skip-dashboard': { type: 'boolean', default: false },
      heavy: { type: 'string', default: '5' },
    },
  });
  runBench({
    skipDashboard: values['skip-dashboard'],
    leads: Number(values.leads),
    seed: Number(values.seed),
    runs: Number(values.runs),
    pageRuns: Number(values['page-runs']),
    clients: values.clients!.split(',').map(Number),
    seconds: Number(values.seconds),
    pageTimeoutMs: Number(values['page-timeout']) * 1000,
    heavy: Number(values.heavy),
  })
    .then((r) => process.exit(r.errors.length ? 1 : 0))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
