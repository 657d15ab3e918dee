/*
 * Import throughput in the generic format: writes N leads and M touchpoints
 * as a CRM export would (own column names, local times `2025/04/03 9:15`,
 * Japanese channel labels) plus a mapping, then times `runImport` on them:
 * reading, checking and normalising every row (source adapter), then the
 * DuckDB merge into the store and the canonical tables; the warehouse build
 * is timed separately (--import-build) because bench/run.ts times builds.
 *
 *   npm run bench -- --import [--import-leads 1000000] [--import-touches 10000000] [--import-build] [--import-csv]
 *
 * The import runs in a child process (bench/import-child.ts); its CPU time is the process's own (every thread),
 * its peak RSS the kernel's (bench/child.ts). --import-csv reads every file with the csv reader instead of DuckDB
 * (sources/generic-fast.ts): the figure before DuckDB read the generic format.
 *
 * The split between "read and check" and "merge" follows runImport's timings: the rows DuckDB accepted become
 * batch rows (keys, ISO times) when the merge first reads them (views, sources/generic-fast.ts), so that work
 * counts in the merge.
 *
 * Limits: one source, one import into an empty area (the merge with a
 * previous import of the same size costs about as much again).
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { runMeasured } from './child.js';

const CHANNELS = ['自然検索', '広告', 'セミナー', 'メルマガ', '展示会', 'ウェビナー'];
const MAPPING = `source: bench
time_zone: Asia/Tokyo
tables:
  leads:
    file: "leads.csv"
    columns: { lead_id: ID, email: メールアドレス, created_at: 登録日時, lead_source: 流入元, company_name: 会社名 }
  touchpoints:
    file: "touches.csv"
    columns: { lead_id: ID, occurred_at: 日時, channel: チャネル, touchpoint_id: 接点ID }
channels: { 自然検索: seo, 広告: web_ads, セミナー: seminar, メルマガ: email, 展示会: trade_show, ウェビナー: webinar }
`;

async function writeLines(file: string, header: string, count: number, line: (i: number) => string) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const local = (minutes: number) => {
  const d = new Date(Date.UTC(2024, 3, 1) + minutes * 60_000);
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

export interface ImportBench {
  leads: number;
  touches: number;
  inputBytes: number;
  importMs: number;
  rowsPerSecond: number;
  peakRssBytes: number;
  readMs: number;
  mergeMs: number;
  /** CPU time of the process (JS and DuckDB's threads): on a shared machine, the figure that does not depend on the neighbours. */
  cpuMs: number;
  /** CPU of reading and checking rows alone, and of the DuckDB merge (runImport's timings). */
  readCpuMs: number;
  mergeCpuMs: number;
  loadAverage: number;
  /** Which reader read the files: DuckDB (sources/generic-fast.ts), or the csv reader (--import-csv, or a file DuckDB left to it). */
  reader: 'duckdb' | 'csv';
  buildMs?: number;
}

/** Writes the bench's generic export (leads.csv, touches.csv, mapping.yml) into `input`; its size in bytes. */
export async function writeImportExport(input: string, leads: number, touches: number): Promise<number> {
  // Leads over two years, 200 companies' domains per 10 000 leads; touches spread over the leads.
  await writeLines(
    path.join(input, 'leads.csv'),
    'ID,メールアドレス,会社名,登録日時,流入元',
    leads,
    (i) =>
      `L${i},person${i}@company${i % Math.max(1, Math.floor(leads / 50))}.example.jp,株式会社カンパニー${i % 997},${local(i % 1_000_000)},${CHANNELS[i % CHANNELS.length]}`,
  );
  await writeLines(
    path.join(input, 'touches.csv'),
    '接点ID,ID,日時,チャネル',
    touches,
    (i) => `T${i},L${i % leads},${local(((i % leads) % 1_000_000) + (i % 7) * 1440)},${CHANNELS[(i * 7) % CHANNELS.length]}`,
  );
  writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
  return statSync(path.join(input, 'leads.csv')).size + statSync(path.join(input, 'touches.csv')).size;
}

export async function benchImport(opts: {
  leads: number;
  touches: number;
  build: boolean;
  csvOnly?: boolean;
}): Promise<ImportBench> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'revcycle-bench-import-'));
  try {
    const input = path.join(work, 'export');
    mkdirSync(input);
    const inputBytes = await writeImportExport(input, opts.leads, opts.touches);

    const child = await runMeasured('bench/import-child.ts', [input, work, ...(opts.csvOnly ? ['--csv-only'] : [])], process.env);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      importMs: number;
      cpuMs: number;
      readMs: number;
      mergeMs: number;
      readCpuMs: number;
      mergeCpuMs: number;
      quarantinedRows: number;
      readers: string[];
      dir: string;
      summary: string;
    };
    if (result.quarantinedRows) throw new Error(`bench input quarantined: ${result.summary}`);
    const out: ImportBench = {
      leads: opts.leads,
      touches: opts.touches,
      inputBytes,
      importMs: result.importMs,
      rowsPerSecond: Math.round((opts.leads + opts.touches) / (result.importMs / 1000)),
      peakRssBytes: child.peakRssBytes,
      readMs: result.readMs,
      mergeMs: result.mergeMs,
      cpuMs: result.cpuMs,
      readCpuMs: result.readCpuMs,
      mergeCpuMs: result.mergeCpuMs,
      loadAverage: os.loadavg()[0]!,
      reader: result.readers.every((r) => r === 'duckdb') ? 'duckdb' : 'csv',
    };
    if (opts.build) {
      const { buildWarehouse } = await import('../server/warehouse/index.js');
      const t1 = performance.now();
      await buildWarehouse({
        seedsDir: path.join(result.dir, 'tables'),
        warehousePath: path.join(work, 'warehouse.duckdb'),
        log: () => {},
      });
      out.buildMs = Math.round(performance.now() - t1);
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function formatImportBench(b: ImportBench): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  return [
    `import     ${b.leads.toLocaleString('en')} leads + ${b.touches.toLocaleString('en')} touchpoints (generic CSV, ${mb(b.inputBytes)}, read by ${b.reader === 'csv' ? 'the csv reader' : 'DuckDB'})`,
    `           ${(b.importMs / 1000).toFixed(1)} s, ${b.rowsPerSecond.toLocaleString('en')} rows/s, peak RSS ${mb(b.peakRssBytes)}`,
    `           (in a child process; read and check ${(b.readMs / 1000).toFixed(1)} s, merge into tables ${(b.mergeMs / 1000).toFixed(1)} s)`,
    `           CPU ${(b.cpuMs / 1000).toFixed(1)} s (${Math.round((b.leads + b.touches) / (b.cpuMs / 1000)).toLocaleString('en')} rows per CPU-second); load average ${b.loadAverage.toFixed(1)} on ${os.cpus().length} cores`,
    `           read and check: CPU ${(b.readCpuMs / 1000).toFixed(1)} s (${Math.round((b.leads + b.touches) / (b.readCpuMs / 1000)).toLocaleString('en')} rows per CPU-second); merge: CPU ${(b.mergeCpuMs / 1000).toFixed(1)} s`,
    ...(b.buildMs !== undefined ? [`           warehouse build from the import ${(b.buildMs / 1000).toFixed(1)} s`] : []),
  ].join('\n');
}
