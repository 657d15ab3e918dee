/*
 * The README's benchmark table from one results file:
 *   npx tsx bench/table.ts bench/results/<time>-<leads>.json
 * prints Markdown (steps, pages, queries, clients), so the README carries
 * the measured figures as measured, not copied by hand.
 */
import { readFileSync } from 'node:fs';
import type { BenchResult } from './run';

const r = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BenchResult;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b: number) => `${Math.round(b / 1024 / 1024).toLocaleString('en')} MB`;
const ms = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(0)} ms`);
const lines: string[] = [];
const out = (l = '') => lines.push(l);

out(
  `${r.leads.toLocaleString('en')} leads (seed ${r.seed}), ${r.machine.cores} cores, ${mb(r.machine.memoryBytes)}, Node ${r.machine.node}, run ${r.startedAt}${r.errors.length ? ` — **${r.errors.length} errors**` : ''}`,
);
out();
out('| step | time | peak RSS | size |');
out('| --- | --- | --- | --- |');
out(`| generate | ${s(r.generate.ms)} | ${mb(r.generate.peakRssBytes)} | seeds ${mb(r.generate.seedBytes)} (gzip) |`);
out(
  `| build (load ${s(r.build.timings.loadMs!)}, models ${s(r.build.timings.modelsMs!)}, data tests ${s(r.build.timings.testsMs!)}) | ${s(r.build.ms)} | ${mb(r.build.peakRssBytes)} | warehouse ${mb(r.build.warehouseBytes)} |`,
);
if (r.incremental)
  out(
    `| incremental apply of a day's import (${r.incremental.day.changedLeads.toLocaleString('en')} leads changed, ${r.incremental.day.newLeads.toLocaleString('en')} new; ${r.incremental.plan.changedLeads.toLocaleString('en')} rebuilt with their accounts' leads; full build ${r.incremental.fullOverIncremental}× longer) | ${s(r.incremental.ms)} | ${mb(r.incremental.peakRssBytes)} | |`,
  );
if (r.server.warmup)
  out(
    `| pre-aggregation warm-up (${r.server.warmup.preAggregations} rollups, before the server answers) | ${s(r.server.warmup.ms)} | | |`,
  );
if (r.restart)
  out(
    `| restart on the unchanged warehouse, until a query answers (${r.restart.built} rollups built, ${r.restart.reused} reused) | ${s(r.restart.readyMs)} | | |`,
  );
out(`| server after the run | | ${mb(r.server.peakRssBytes)} (now ${mb(r.server.rssBytes)}) | |`);
out();
out(
  '| page | all figures shown (median) | p95 | first visit | cards | HTTP requests (queries carried) | APIs in flight | last answer | main thread busy |',
);
out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
// Results written before the phases were measured (2026-12-06) have none: shown as –.
for (const p of r.pages)
  out(
    `| ${p.page} | ${ms(p.ms)} | ${ms(p.p95)} | ${ms(p.coldMs)} | ${p.cards} | ${p.roundTrips} (${p.queries ?? p.roundTrips}) | ${ms(p.phases?.apiMs)} | ${ms(p.phases?.lastAnswerMs)} | ${ms(p.phases?.mainThreadMs)} |`,
  );
out();
out('| query (pages) | as sent | uncached | DuckDB direct | ratio | rows | pre-aggregation |');
out('| --- | --- | --- | --- | --- | --- | --- |');
for (const q of r.queries) {
  if (q.error) out(`| ${q.name} | **failed**: ${q.error.slice(0, 80).replace(/\|/g, '/')} | | | | | |`);
  else
    out(
      `| ${q.name} (${q.pages.join(', ')}) | ${ms(q.apiMs)} | ${ms(q.uncachedApiMs)} | ${ms(q.directMs)} | ${q.ratio === undefined ? '–' : `${q.ratio.toFixed(2)}×`} | ${q.rows ?? '–'} | ${
        q.kind === 'api'
          ? 'revcycle API'
          : Object.keys(q.preAggregations ?? {})
              .map((n) => n.split('.')[1])
              .join(', ') || '–'
      } |`,
    );
}
out();
out('| clients | mode | requests | q/s | p50 | p95 | p99 | errors |');
out('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const c of r.concurrency)
  out(
    `| ${c.clients} | ${c.mode} | ${c.requests} | ${c.queriesPerSecond} | ${ms(c.latencyMs.p50)} | ${ms(c.latencyMs.p95)} | ${ms(c.latencyMs.p99)} | ${c.errors} |`,
  );
console.log(lines.join('\n'));
