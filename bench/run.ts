/*
 * npm run bench [-- --leads N --seed S --runs R --skip-dashboard]
 *                 [--load-clients 50 --load-seconds 120 --skip-load | --load]
 * npm run bench -- --import [--import-leads N] [--import-touches M] [--import-build]
 *   import throughput instead (bench/import.ts): generic CSV, rows per second
 *
 * Prints speed and memory figures with the data size, all from one run so
 * the ratios compare like with like:
 *   1. sample generation (N leads) and the warehouse build: time, peak RSS;
 *   2. each view's typical query through the Cube REST API (warm, median of R)
 *      against the same SQL — the SQL Cube generated, from /v1/sql — run on
 *      DuckDB directly, on a copy of the same warehouse file;
 *   3. the dashboard: time from navigation to all tiles rendered, per page;
 *   4. a bounded load test (bench/load.ts): concurrent clients sending the
 *      dashboard's queries, some uncached; zero-5xx check, p50/p95/p99, q/s.
 *      `--load` runs only this part (after generation and build).
 * Figures go to stdout and to bench/results/<timestamp>.json (git-ignored).
 * Default size 200,000 leads (about ten times the bundled sample).
 */
import { copyFileSync, mkdirSync, mkdtempSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig, projectRoot } from '../server/config.js';
import { signToken } from '../server/auth.js';
import { buildWarehouse } from '../server/warehouse/index.js';
import { startServer } from '../server/app.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '7' },
    runs: { type: 'string', default: '5' },
    'skip-dashboard': { type: 'boolean', default: false },
    load: { type: 'boolean', default: false },
    'skip-load': { type: 'boolean', default: false },
    'load-clients': { type: 'string', default: '50' },
    'load-seconds': { type: 'string', default: '120' },
    import: { type: 'boolean', default: false },
    'import-leads': { type: 'string', default: '1000000' },
    'import-touches': { type: 'string', default: '10000000' },
    'import-build': { type: 'boolean', default: false },
  },
});
const leads = Number(values.leads);
const runs = Number(values.runs);

/** The typical query of each view, as the dashboard and analysts send them. */
export const TYPICAL_QUERIES: Record<string, unknown> = {
  stage_reach: { measures: ['stage_reach.leads'], dimensions: ['stage_reach.stage'], timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'month' }] },
  conversions: { measures: ['conversions.entered', 'conversions.converted', 'conversions.conversion_rate'], dimensions: ['conversions.from_stage', 'conversions.to_stage'], timeDimensions: [{ dimension: 'conversions.cohort_at', granularity: 'month' }] },
  flow: { measures: ['flow.volume'], dimensions: ['flow.stage'], timeDimensions: [{ dimension: 'flow.period_at', granularity: 'month' }] },
  backlog: { measures: ['backlog.leads', 'backlog.stuck_leads', 'backlog.avg_aging_days'], dimensions: ['backlog.stage'], timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month' }] },
  paths: { measures: ['paths.leads', 'paths.recycle_rate'], dimensions: ['paths.is_fast_path', 'paths.is_detour_path'] },
  deals: { measures: ['deals.won_amount', 'deals.win_rate', 'deals.avg_deal_size', 'deals.open_pipeline'], timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }] },
  targets: { measures: ['targets.target'], dimensions: ['targets.metric'], timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month' }] },
  attribution: { measures: ['attribution.credit', 'attribution.attributed_pipeline'], dimensions: ['attribution.model', 'attribution.channel'] },
  channel_performance: { measures: ['channel_performance.cost', 'channel_performance.leads', 'channel_performance.cpl'], dimensions: ['channel_performance.channel'] },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const dirSize = (dir: string) => readdirSync(dir).reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

async function main() {
  if (values.import) {
    const { benchImport, formatImportBench } = await import('./import.js');
    const b = await benchImport({ leads: Number(values['import-leads']), touches: Number(values['import-touches']), build: values['import-build'] });
    console.log(formatImportBench(b));
    mkdirSync(path.join(projectRoot, 'bench/results'), { recursive: true });
    writeFileSync(path.join(projectRoot, 'bench/results', `import-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ machine: `${os.cpus().length} cores, ${mb(os.totalmem())}`, node: process.version, ...b }, null, 2));
    return;
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'revcycle-bench-'));
  const seedsDir = path.join(work, 'seeds');
  const warehousePath = path.join(work, 'warehouse.duckdb');
  const results: Record<string, unknown> = { leads, seed: values.seed, machine: `${os.cpus().length} cores, ${mb(os.totalmem())}`, node: process.version };

  console.log(`revcycle bench — ${leads.toLocaleString('en')} leads (seed ${values.seed}), ${results.machine}\n`);

  const genStart = performance.now();
  execFileSync(process.execPath, ['--import', 'tsx', 'seeds/generator/generate.ts',
    '--leads', String(leads), '--seed', String(values.seed), '--out', seedsDir, '--gzip'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const genMs = performance.now() - genStart;
  results.generate = { ms: Math.round(genMs), seedBytes: dirSize(seedsDir) };
  console.log(`generate   ${(genMs / 1000).toFixed(1)} s   seeds ${mb(dirSize(seedsDir))} (gzip)`);

  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 100);
  const [summary, buildMs] = await timed(() => buildWarehouse({ seedsDir, warehousePath, log: () => undefined }));
  clearInterval(sampler);
  const rows = Object.fromEntries(summary.seeds.map((s) => [s.table, s.rows]));
  results.build = { ms: Math.round(buildMs), peakRssBytes: peakRss, warehouseBytes: statSync(warehousePath).size, rows, timings: summary.timings };
  console.log(`build      ${(buildMs / 1000).toFixed(1)} s   peak RSS ${mb(peakRss)}   warehouse ${mb(statSync(warehousePath).size)}`);
  console.log(`           rows: ${Object.entries(rows).map(([t, n]) => `${t} ${Number(n).toLocaleString('en')}`).join(', ')}`);
  console.log(`           load ${summary.timings.loadMs} ms, models ${summary.timings.modelsMs} ms, data tests ${summary.timings.testsMs} ms (${summary.tests.run} tests)\n`);

  const directCopy = path.join(work, 'direct.duckdb');
  copyFileSync(warehousePath, directCopy);
  const direct = await (await DuckDBInstance.create(directCopy, { access_mode: 'READ_ONLY' })).connect();

  const config = { ...loadConfig({ ...process.env, CUBEJS_API_SECRET: 'bench-secret-0123456789abcdef' }), port: 0, warehousePath };
  const server = await startServer(config);
  const token = signToken(config.apiSecret, { role: 'executive' }, 3600, config.security);
  const api = async (p: string, body?: unknown) => {
    const res = await fetch(server.url + p, body === undefined ? { headers: { authorization: token } } : {
      method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${p} → ${res.status} ${await res.text()}`);
    return res.json();
  };

  // renewQuery makes Cube run the SQL each time (no result cache), so the ratio is Cube's own overhead.
  console.log(`query (median of ${runs})             Cube API   DuckDB direct   ratio   rows   Cube cached`);
  const queries: Record<string, unknown> = {};
  for (const [view, query] of Object.entries(values.load ? {} : TYPICAL_QUERIES)) {
    try {
      const { sql } = await api(`/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify(query))}`) as { sql: { sql: [string, unknown[]] } };
      const [sqlText, params] = sql.sql;
      await api('/cubejs-api/v1/load', { query });
      const apiTimes: number[] = [];
      const cachedTimes: number[] = [];
      let rowCount = 0;
      for (let i = 0; i < runs; i++) {
        const [out, ms] = await timed(() => api('/cubejs-api/v1/load', { query: { ...(query as object), renewQuery: true } }));
        rowCount = (out as { data: unknown[] }).data.length;
        apiTimes.push(ms);
        cachedTimes.push((await timed(() => api('/cubejs-api/v1/load', { query })))[1]);
      }
      const directTimes: number[] = [];
      for (let i = 0; i < runs + 1; i++) {
        const [, ms] = await timed(async () => (await direct.runAndReadAll(sqlText, params as never)).getRows());
        if (i > 0) directTimes.push(ms);
      }
      const a = median(apiTimes);
      const d = median(directTimes);
      const c = median(cachedTimes);
      queries[view] = { apiMs: a, directMs: d, ratio: a / d, cachedApiMs: c, rows: rowCount };
      console.log(`  ${view.padEnd(28)} ${a.toFixed(1).padStart(8)} ms ${d.toFixed(1).padStart(10)} ms ${(a / d).toFixed(1).padStart(7)}x ${String(rowCount).padStart(6)} ${c.toFixed(1).padStart(9)} ms`);
    } catch (e) {
      queries[view] = { error: (e as Error).message.slice(0, 300) };
      console.log(`  ${view.padEnd(28)} not measured: ${(e as Error).message.slice(0, 120)}`);
    }
  }
  results.queries = queries;
  results.serverRssBytes = process.memoryUsage().rss;
  console.log(`\nprocess RSS with server and warehouse open: ${mb(process.memoryUsage().rss)}`);

  if (!values['skip-load']) {
    const { runLoadInChild, formatLoadReport } = await import('./load.js');
    const { monitorEventLoopDelay } = await import('node:perf_hooks');
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    const report = await runLoadInChild({
      url: server.url, token, clients: Number(values['load-clients']), durationMs: Number(values['load-seconds']) * 1000, timezone: config.timeZone,
    });
    lag.disable();
    const serverEventLoopDelayMs = { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
    const dataSize = `${leads.toLocaleString('en')} leads, warehouse ${mb(statSync(warehousePath).size)}`;
    results.load = { dataSize, ...report, serverEventLoopDelayMs, loadAverage: os.loadavg() };
    console.log(`\n${formatLoadReport(report, dataSize)}`);
    console.log(`  server event-loop delay p50 ${serverEventLoopDelayMs.p50.toFixed(0)} ms, p99 ${serverEventLoopDelayMs.p99.toFixed(0)} ms, ` +
      `max ${serverEventLoopDelayMs.max.toFixed(0)} ms; machine load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  }

  if (!values['skip-dashboard'] && !values.load) {
    try {
      const { benchDashboard } = await import('./dashboard.js');
      const pages = await benchDashboard(server.url);
      results.dashboard = pages;
      console.log('\ndashboard: navigation → all tiles rendered');
      for (const p of pages) console.log(`  ${String(p.page).padEnd(12)} ${p.ms.toFixed(0).padStart(7)} ms`);
    } catch (e) {
      console.log(`\ndashboard not measured: ${(e as Error).message}`);
    }
  }

  await server.close();
  const outDir = path.join(projectRoot, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nfigures written to ${path.relative(projectRoot, out)}`);
  process.exit((results.load as { passed?: boolean } | undefined)?.passed === false ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
