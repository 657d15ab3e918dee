/*
 * Helpers for the attribution, unit-economics and plan tests: building a
 * warehouse from a seed directory into a temp dir, read-only queries, the
 * raw seed CSVs parsed into typed rows (for answers computed without the
 * warehouse), and the hand-made fixture's location.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { copyOfWarehouse } from '../support/build-cache.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ATTRIBUTION_SEEDS = path.join(REPO_ROOT, 'test', 'fixtures', 'seeds-attribution');
/** The bundled data; REVCYCLE_BUNDLED_SEEDS points elsewhere (e.g. a freshly generated set). */
export const BUNDLED_SEEDS = process.env.REVCYCLE_BUNDLED_SEEDS ?? path.join(REPO_ROOT, 'seeds');
export const MODEL_DIR = path.join(REPO_ROOT, 'model');

export const DAY_MS = 86_400_000;

const made: string[] = [];

/** The warehouse of `seedsDir` in a temp dir (built once per run); with its rollups unless a server never reads it. */
export async function buildTempWarehouse(seedsDir: string, opts: { rollups?: boolean } = { rollups: true }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revcycle-attr-'));
  made.push(dir);
  const warehousePath = path.join(dir, 'warehouse.duckdb');
  await copyOfWarehouse(seedsDir, warehousePath, opts);
  return warehousePath;
}

export async function removeTempWarehouses(): Promise<void> {
  while (made.length) await rm(made.pop()!, { recursive: true, force: true });
}

/** Rows of a read-only query; numbers come back as JS numbers, times as epoch ms where selected so. */
export async function query(file: string, sql: string): Promise<Record<string, any>[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** One row of plain SQL over the bundled seed CSVs (DuckDB reading the files, no warehouse model), as numbers. */
export async function fromCsv(sql: (file: (table: string) => string) => string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const file = (table: string) => `read_csv('${path.join(BUNDLED_SEEDS, `${table}.csv`)}', all_varchar = true)`;
    const [row] = (await conn.runAndReadAll(sql(file))).getRowObjectsJS();
    return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export async function readSeed(seedsDir: string, table: string): Promise<Record<string, string>[]> {
  const text = await readFile(path.join(seedsDir, `${table}.csv`), 'utf8');
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** ISO 8601 with offset → epoch ms. */
export const ms = (iso: string) => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new Error(`not a time: ${iso}`);
  return t;
};

export function setting(settings: Record<string, string>[], key: string): string {
  const row = settings.find((s) => s.key === key);
  if (!row) throw new Error(`setting ${key} missing`);
  return row.value;
}
