/*
 * DuckDB's threads, memory limit and spill directory come from config
 * (server/config.ts) and take effect in the warehouse build and in the
 * server's driver: both are read back with current_setting() from DuckDB.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultDuckDbMemoryLimit,
  loadConfig,
  loadDuckDbSettings,
  loadServerDuckDbSettings,
} from '../../server/config';
import { buildWarehouse } from '../../server/warehouse/index';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from '../support/runtime-fixture';
import { startTestServer, type TestServer } from '../support/server';

const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-duckdb-settings-'));
const SEEDS = path.resolve(__dirname, '../fixtures/seeds-semantic');
let t: TestServer | undefined;

afterAll(async () => {
  await t?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DuckDB settings from config', () => {
  it("gives the server its own memory limit (default 1200MB) with the build's threads and spill directory", () => {
    const build = loadDuckDbSettings({ REVCYCLE_DUCKDB_THREADS: '1', REVCYCLE_DUCKDB_MEMORY_LIMIT: '8GB' }, dir);
    expect(loadServerDuckDbSettings({}, build)).toEqual({ ...build, memoryLimit: '1200MB' });
    expect(loadServerDuckDbSettings({ REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT: '2 GiB' }, build).memoryLimit).toBe('2GiB');
    expect(() => loadServerDuckDbSettings({ REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT: 'lots' }, build)).toThrow(
      /REVCYCLE_DUCKDB_SERVER_MEMORY_LIMIT must be a size/,
    );
  });

  it('defaults the memory limit to 2000MB (a 4 GiB machine), or half a smaller machine', () => {
    expect(defaultDuckDbMemoryLimit(2 * 1024 ** 3)).toBe('1073MB');
    expect(defaultDuckDbMemoryLimit(4 * 1024 ** 3)).toBe('2000MB');
    expect(defaultDuckDbMemoryLimit(24e9)).toBe('2000MB');
  });

  it('reads REVCYCLE_DUCKDB_* with defaults and refuses values DuckDB would not take', () => {
    const d = loadConfig({ CUBEJS_API_SECRET: 'x'.repeat(32), REVCYCLE_STATE_DIR: dir }).duckdb;
    expect(d).toEqual({
      threads: os.availableParallelism(),
      memoryLimit: defaultDuckDbMemoryLimit(),
      tempDirectory: path.join(dir, 'duckdb-tmp'),
    });
    expect(
      loadDuckDbSettings(
        { REVCYCLE_DUCKDB_THREADS: '1', REVCYCLE_DUCKDB_MEMORY_LIMIT: '1.5 GiB', REVCYCLE_DUCKDB_TEMP_DIR: '/tmp/x' },
        dir,
      ),
    ).toEqual({ threads: 1, memoryLimit: '1.5GiB', tempDirectory: '/tmp/x' });
    expect(() => loadDuckDbSettings({ REVCYCLE_DUCKDB_THREADS: '0' }, dir)).toThrow(ConfigError);
    expect(() => loadDuckDbSettings({ REVCYCLE_DUCKDB_THREADS: 'two' }, dir)).toThrow(/REVCYCLE_DUCKDB_THREADS/);
    expect(() => loadDuckDbSettings({ REVCYCLE_DUCKDB_MEMORY_LIMIT: '80%' }, dir)).toThrow(/REVCYCLE_DUCKDB_MEMORY_LIMIT/);
  });

  it('takes effect in the build and in the server, as current_setting() reports', async () => {
    const duckdb = { threads: 1, memoryLimit: '1GiB', tempDirectory: path.join(dir, 'spill') };
    const warehousePath = path.join(dir, 'warehouse.duckdb');
    const build = await buildWarehouse({ seedsDir: SEEDS, warehousePath, log: () => {}, duckdb });
    expect(build.duckdb).toEqual({ threads: 1, memory_limit: '1.0 GiB', temp_directory: duckdb.tempDirectory });
    expect(build.report).toContain('DuckDB: 1 threads · memory limit 1.0 GiB');

    // The server's settings do not depend on what it serves: the runtime tests' one-table warehouse and model start
    // it without building the project model's 34 rollups, which are not the subject here.
    t = await startTestServer({
      warehousePath: await buildRuntimeWarehouse(path.join(dir, 'runtime.duckdb')),
      modelDir: RUNTIME_MODEL_DIR,
      timeZone: 'UTC',
      dashboardDist: '/nonexistent',
      // a spill directory whose parent does not exist yet (a fresh state dir): the server creates it
      serverDuckdb: { ...duckdb, memoryLimit: '700MiB', tempDirectory: path.join(dir, 'fresh-state', 'duckdb-tmp') },
    });
    expect(existsSync(path.join(dir, 'fresh-state', 'duckdb-tmp'))).toBe(true);
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await t.server.cube.duckDbSettings()).toEqual({
      threads: 1,
      memory_limit: '700.0 MiB',
      temp_directory: path.join(dir, 'fresh-state', 'duckdb-tmp'),
    });
  }, 240_000);
});
