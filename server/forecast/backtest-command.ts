/*
 * npm run backtest [-- --seeds DIR] [--stdout]
 *
 * Builds a warehouse from the seeds (the bundled sample by default) into a
 * temporary file, reads marts.forecast_backtest and writes the backtest
 * table into docs/forecast.md between its markers (or prints it).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { projectRoot } from '../config.js';
import { buildWarehouse } from '../warehouse/index.js';
import { renderBacktestReport, spliceReport } from './report.js';

export const FORECAST_DOC = path.join(projectRoot, 'docs', 'forecast.md');

/** The rows of a read-only query on a warehouse file, numbers as JS numbers. */
export async function readWarehouse(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      return (await conn.runAndReadAll(sql))
        .getRowObjectsJS()
        .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: 'string' }, stdout: { type: 'boolean' } } });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revcycle-backtest-'));
  try {
    const warehousePath = path.join(dir, 'warehouse.duckdb');
    await buildWarehouse({ seedsDir: values.seeds ?? path.join(projectRoot, 'seeds'), warehousePath, log: () => {} });
    const report = await renderBacktestReport((sql) => readWarehouse(warehousePath, sql));
    if (values.stdout) {
      console.log(report);
      return;
    }
    await writeFile(FORECAST_DOC, spliceReport(await readFile(FORECAST_DOC, 'utf8'), report));
    console.log(`backtest table written to ${path.relative(process.cwd(), FORECAST_DOC)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
