/*
 * The warehouse build as the benchmark's child process (bench/child.ts
 * measures its time and peak memory from outside):
 *   node --import tsx bench/build-child.ts SEEDS_DIR WAREHOUSE_PATH [--incremental]
 * prints one JSON line: the build's timings, the rows of each seed table and
 * model, the data tests run and, with --incremental (server/warehouse/incremental.ts:
 * WAREHOUSE_PATH is the previous warehouse), what was reused.
 */
import { buildWarehouse } from '../server/warehouse/index.js';

const [seedsDir, warehousePath, mode] = process.argv.slice(2);
if (!seedsDir || !warehousePath || (mode !== undefined && mode !== '--incremental')) {
  console.error('usage: bench/build-child.ts SEEDS_DIR WAREHOUSE_PATH [--incremental]');
  process.exit(2);
}
const summary = await buildWarehouse({
  seedsDir,
  warehousePath,
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
    incremental: summary.incremental,
  }),
);
