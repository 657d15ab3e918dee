/*
 * Shared setup of the semantic-layer tests: builds a warehouse from a seed
 * directory into a temporary file with the real build (data tests included;
 * built once per run, with the model's rollups, and copied: test/support/build-cache.ts),
 * starts the real server over it with the project's model, and queries the
 * REST API with the settings' zone (Asia/Tokyo), so periods are cut as the
 * contract cuts them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../server/config';
import type { BuildSummary } from '../../server/warehouse/index';
import { copyOfWarehouse } from '../support/build-cache';
import { startTestServer, type TestServer } from '../support/server';
import { BUNDLED_SEEDS_DIR, sharedServer } from '../support/shared-server';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MODEL_DIR = path.join(PROJECT_ROOT, 'model');
export const TIME_ZONE = 'Asia/Tokyo';

export interface SemanticServer {
  t: TestServer;
  warehouse: string;
  build: BuildSummary;
  /** Loads a query (timezone Asia/Tokyo unless given) and returns its rows with the view prefix removed. */
  rows(query: Record<string, unknown>): Promise<Record<string, string | number | boolean | null>[]>;
  close(): Promise<void>;
}

export async function startSemanticServer(seedsDir: string, overrides: Partial<Config> = {}): Promise<SemanticServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-semantic-'));
  const warehouse = path.join(dir, 'warehouse.duckdb');
  const build = await copyOfWarehouse(seedsDir, warehouse, { rollups: true });
  const t = await startTestServer({ warehousePath: warehouse, modelDir: MODEL_DIR, dashboardDist: '/nonexistent', ...overrides });
  return semanticServer(t, warehouse, build, async () => {
    await t?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * The run's shared server over `seedsDir` (the bundled data by default; test/support/shared-server.ts), for a file
 * that only asks the semantic layer; outside a run with the global setup, a server of its own (startSemanticServer).
 */
export async function sharedSemanticServer(seedsDir: string = BUNDLED_SEEDS_DIR): Promise<SemanticServer> {
  const shared = await sharedServer(seedsDir);
  if (!shared) return startSemanticServer(seedsDir);
  return semanticServer(shared.t, shared.warehousePath, shared.build, async () => {});
}

function semanticServer(t: TestServer, warehouse: string, build: BuildSummary, close: () => Promise<void>): SemanticServer {
  return {
    t,
    warehouse,
    build,
    async rows(query) {
      const res = await t.load({ timezone: TIME_ZONE, ...query });
      if (res.status !== 200) throw new Error(`query failed (${res.status}): ${JSON.stringify(res.body).slice(0, 500)}`);
      return (res.body.data as Record<string, string | null>[]).map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k.slice(k.indexOf('.') + 1), v])),
      );
    },
    close,
  };
}

/** A Cube filter: `member` equals one of `values`. */
export const eq = (member: string, ...values: string[]) => ({ member, operator: 'equals', values });

/** A Cube number (sent as a string) as a JS number; null stays null. */
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
