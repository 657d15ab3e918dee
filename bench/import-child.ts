/*
 * The import of bench/import.ts in a process of its own: runs `runImport` on the files given and prints one JSON
 * line with its timings and the CPU time the process spent in it (every thread: JavaScript, DuckDB's workers,
 * libuv), so the parent's own work (writing the export) is not counted.
 *
 *   node --import tsx bench/import-child.ts <input dir> <work dir> [--csv-only]
 */
import path from 'node:path';
import { projectRoot } from '../server/config.js';
import { runImport } from '../server/import/index.js';

const [input, work] = process.argv.slice(2);
const csvOnly = process.argv.includes('--csv-only');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await runImport({
  source: 'generic',
  inputs: [path.join(input!, 'leads.csv'), path.join(input!, 'touches.csv')],
  mappingFile: path.join(input!, 'mapping.yml'),
  asOf: '2030-01-01T00:00:00Z',
  importsDir: path.join(work!, 'imports'),
  warehousePath: path.join(work!, 'warehouse.duckdb'),
  defaultsDir: path.join(projectRoot, 'seeds'),
  build: false,
  csvOnly,
});
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    importMs: Math.round(performance.now() - t0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    readMs: result.manifest.run.timings.readMs,
    mergeMs: result.manifest.run.timings.mergeMs,
    readCpuMs: result.manifest.run.timings.readCpuMs,
    mergeCpuMs: result.manifest.run.timings.mergeCpuMs,
    quarantinedRows: result.manifest.run.quarantinedRows,
    read: result.manifest.run.read,
    readers: result.manifest.run.files.map((f) => f.reader ?? 'csv'),
    dir: result.dir,
    summary: result.summary,
  }),
);
