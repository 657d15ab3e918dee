/*
 * The warehouse build as the benchmark's child process (bench/child.ts
 * measures its time and peak memory from outside):
 *   node --import tsx bench/build-child.ts SEEDS_DIR WAREHOUSE_PATH [--incremental]
 * prints one JSON line: the build's timings, the rows of each seed table and
 * model, the data tests run, DuckDB's settings and, with --incremental
 * (server/warehouse/incremental.ts: WAREHOUSE_PATH is the previous warehouse),
 * what was reused. The build runs with the DuckDB settings `npm run
 * build:warehouse` uses (server/config.ts: threads, memory limit, spill
 * directory, from the same environment variables), so the benchmark measures
 * the memory a company's build needs, not DuckDB's default of 80 % of the
 * machine; it spills to <work dir>/state/duckdb-tmp.
 */
import path from 'node:path';
import { loadDuckDbSettings } from '../server/config.js';
import { buildWarehouse } from '../server/warehouse/index.js';

const [seedsDir, warehousePath, mode] = process.argv.slice(2);
if (!seedsDir || !warehousePath || (mode !== undefined && mode !== '--incremental')) {
  console.error('usage: bench/build-child.ts SEEDS_DIR WAREHOUSE_PATH [--incremental]');
  process.exit(2);
}
const duckdb = loadDuckDbSettings(process.env, path.join(path.dirname(path.resolve(warehousePath)), '..', 'state'));
const summary = await buildWarehouse({
  seedsDir,
  warehousePath,
  duckdb,
  incremental: mode === '--incremental',
  log: (m) => console.error(m),
});
console.log(
  JSON.stringify({
    timings: summary.timings,
    seeds: Object.fromEntries(summary.seeds.map((s) => [s.table, s.rows])),
    models: summary.models.map((m) => ({ ...m })),
    rejectedRows: summary.rejectedRows,
    tests: { run: summary.tests.run, failed: summary.tests.failed },
    duckdb: summary.duckdb,
    incremental: summary.incremental,
  }),
);
