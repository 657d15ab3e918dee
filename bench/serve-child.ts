/*
 * The revcycle server as the benchmark's child process, so its memory is
 * read on its own (/proc/<pid>/status) and the load clients do not share its
 * event loop:
 *   node --import tsx bench/serve-child.ts      (configured by the usual env:
 *   REVCYCLE_WAREHOUSE, REVCYCLE_DASHBOARD_DIST, REVCYCLE_STATE_DIR, CUBEJS_API_SECRET)
 * prints one JSON line {"url": …, "warmup": …} once listening, on port 0 (a free
 * port) — warmup is the pre-aggregation warm-up's result (time, rollups built)
 * — and stops on SIGTERM.
 */
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/app.js';

const server = await startServer({ ...loadConfig(), port: 0 });
console.log(JSON.stringify({ url: server.url, warmup: server.cube.warmup.last() }));
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
