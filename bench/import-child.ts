/*
 * The import of bench/import.ts in a process of its own: runs `runImport` on the files given and prints one JSON
 * line with its timings and the CPU time the process spent in it (every thread: JavaScript, DuckDB's workers,
 * libuv), so the parent's own work (writing the export) is not counted.
 *
 * With --profile it also prints, to stderr, every DuckDB statement the import ran that took 0.1 CPU-second or more
 * (the process's CPU while the statement ran: DuckDB's threads and JavaScript's, which waits), their sum, and the
 * CPU outside statements (JavaScript's own work).
 *
 *   node --import tsx bench/import-child.ts <input dir> <work dir> [--csv-only] [--profile]
 */
import path from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { projectRoot } from '../server/config.js';
import { runImport } from '../server/import/index.js';

const [input, work] = process.argv.slice(2);
const csvOnly = process.argv.includes('--csv-only');
const statements: { sql: string; cpuMs: number; ms: number }[] = [];
if (process.argv.includes('--profile')) {
  const proto = DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  // runAndReadAll and runAndRead call run: patching it alone counts each statement once.
  for (const name of ['run']) {
    const original = proto[name]!;
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const c = process.cpuUsage(c0);
        statements.push({ sql: String(args[0]), cpuMs: (c.user + c.system) / 1000, ms: performance.now() - w0 });
      }
    };
  }
}
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
if (statements.length) {
  const inStatements = statements.reduce((s, x) => s + x.cpuMs, 0);
  const total = (cpu.user + cpu.system) / 1000;
  const lines = statements
    .filter((x) => x.cpuMs >= 100)
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .map(
      (x) =>
        `${(x.cpuMs / 1000).toFixed(2).padStart(6)} s cpu ${(x.ms / 1000).toFixed(2).padStart(6)} s wall  ${x.sql.replace(/\s+/g, ' ').slice(0, 150)}`,
    );
  if (process.env.IMPORT_PROFILE_SQL)
    (await import('node:fs')).writeFileSync(
      process.env.IMPORT_PROFILE_SQL,
      statements.map((x) => `-- ${(x.cpuMs / 1000).toFixed(2)} s\n${x.sql};\n`).join('\n'),
    );
  console.error(
    [
      `CPU ${(total / 1000).toFixed(1)} s: ${statements.length} statements ${(inStatements / 1000).toFixed(1)} s, outside them ${((total - inStatements) / 1000).toFixed(1)} s`,
      ...lines,
    ].join('\n'),
  );
}
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
