/*
 * Shared setup of the import tests: a fresh import area and warehouse in a
 * temporary directory, the real importer (runImport, or the CLI as a child
 * process), and the real server over the warehouse it built, queried over
 * HTTP with the settings' zone (Asia/Tokyo).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll } from 'vitest';
import { runImport, type ImportOptions, type ImportResult } from '../../server/import/index';
import { startTestServer, type TestServer } from '../support/server';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(PROJECT_ROOT, 'test/fixtures/import');
export const AS_OF = '2025-09-30T15:00:00Z';

export interface ImportArea {
  root: string;
  importsDir: string;
  warehouse: string;
  run(source: string, inputs: string[], extra?: Partial<ImportOptions>): Promise<ImportResult>;
  /** Rows of a canonical table of the latest import. */
  table(result: ImportResult, name: string): Record<string, string>[];
  quarantine(result: ImportResult): Record<string, string>[];
  cleanup(): void;
}

export function importArea(): ImportArea {
  const root = mkdtempSync(path.join(os.tmpdir(), 'revcycle-import-'));
  const importsDir = path.join(root, 'imports');
  const warehouse = path.join(root, 'warehouse.duckdb');
  const readCsv = (file: string) => parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
  return {
    root,
    importsDir,
    warehouse,
    run: (source, inputs, extra = {}) =>
      runImport({
        source,
        inputs,
        asOf: AS_OF,
        allowRejects: true,
        importsDir,
        warehousePath: warehouse,
        defaultsDir: path.join(PROJECT_ROOT, 'seeds'),
        cwd: PROJECT_ROOT,
        log: () => {},
        ...extra,
      }),
    table: (result, name) => readCsv(path.join(result.dir!, 'tables', `${name}.csv`)),
    quarantine: (result) => readCsv(path.join(result.dir!, 'quarantine.csv')),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface ViewClient {
  t: TestServer;
  rows(query: Record<string, unknown>): Promise<Record<string, string | number | boolean | null>[]>;
  close(): Promise<void>;
}

export async function serve(warehouse: string): Promise<ViewClient> {
  const t = await startTestServer({
    warehousePath: warehouse,
    modelDir: path.join(PROJECT_ROOT, 'model'),
    dashboardDist: '/nonexistent',
  });
  return {
    t,
    async rows(query) {
      const res = await t.load({ timezone: 'Asia/Tokyo', ...query });
      if (res.status !== 200) throw new Error(`query failed (${res.status}): ${JSON.stringify(res.body).slice(0, 500)}`);
      return (res.body.data as Record<string, string | null>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k.slice(k.indexOf('.') + 1), v])),
      );
    },
    close: () => t.server.close(),
  };
}

export interface Imported {
  area: ImportArea;
  /** The import the describe's tests look at. */
  result: ImportResult;
  views: ViewClient;
}

/**
 * A describe's fixture: `load` imports into a fresh area (and answers the import the tests look at), then the real
 * server starts over the area's warehouse; both end after the describe. The fields are set once its beforeAll ran.
 */
export function importedAndServed(load: (area: ImportArea) => Promise<ImportResult>, timeoutMs = 120_000): Imported {
  const s = {} as Imported;
  beforeAll(async () => {
    s.area = importArea();
    s.result = await load(s.area);
    s.views = await serve(s.area.warehouse);
  }, timeoutMs);
  afterAll(async () => {
    await s.views?.close();
    s.area?.cleanup();
  });
  return s;
}

export const eq = (member: string, ...values: string[]) => ({ member, operator: 'equals', values });
export const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The figures the Done-when list asks for, as the views answer them. */
export async function figures(v: ViewClient, cohort: { from: string; to: string; month: string }) {
  const reach = await v.rows({
    measures: ['stage_reach.leads'],
    dimensions: ['stage_reach.stage', 'stage_reach.stage_order'],
    order: { 'stage_reach.stage_order': 'asc' },
  });
  const [conv] = await v.rows({
    measures: ['conversions.entered', 'conversions.converted', 'conversions.conversion_rate'],
    timeDimensions: [{ dimension: 'conversions.cohort_at', dateRange: [`${cohort.month}-01`, lastDay(cohort.month)] }],
    filters: [eq('conversions.from_stage', cohort.from), eq('conversions.to_stage', cohort.to)],
  });
  const [deals] = await v.rows({ measures: ['deals.won', 'deals.lost', 'deals.win_rate'] });
  const firstTouch = await v.rows({
    measures: ['attribution.credit'],
    dimensions: ['attribution.channel'],
    filters: [eq('attribution.model', 'first_touch'), eq('attribution.conversion', 'opportunity')],
    order: { 'attribution.channel': 'asc' },
  });
  return {
    volumes: Object.fromEntries(reach.map((r) => [r.stage, num(r.leads)])),
    cohort: { entered: num(conv?.entered), converted: num(conv?.converted), rate: num(conv?.conversion_rate) },
    deals: { won: num(deals?.won), lost: num(deals?.lost), winRate: num(deals?.win_rate) },
    firstTouch: Object.fromEntries(firstTouch.filter((r) => num(r.credit)! > 0).map((r) => [r.channel, num(r.credit)])),
  };
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
}
