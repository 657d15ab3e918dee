/*
 * One read-only server per seed directory for the whole test run: the
 * warehouse of the seeds with the model's rollups, the dashboard's build, the
 * tests' settings, in a process of its own. Test files that only read (ask
 * the semantic layer, open pages, POST /api/plan, which writes nothing) share
 * it instead of each starting a server, warming it and filling a cold query
 * cache. A file that stops or restarts its server, writes its state (actions,
 * schedules), changes settings or counts requests starts its own
 * (startTestServer, startDashboardEnv).
 *
 * The first file that asks starts it, under the build cache's lock
 * (test/support/build-cache.ts); the others read its address. It runs
 * detached from that file's worker and ends with the run: the global setup's
 * teardown stops it (test/support/global-setup.ts), and it stops itself when the run's scratch directory or
 * the Vitest process is gone. Outside a Vitest run with the global setup,
 * `sharedServer` answers undefined and the caller starts its own.
 *
 * The per-person rate limit is off on it (as for the load tests): the files
 * sharing it send their requests under the same token subjects, and a limit
 * meant for one person would count them together.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../server/config';
import type { RunningServer } from '../../server/app';
import type { BuildSummary } from '../../server/warehouse/index';
import { cached, cacheRoot, copyOfDashboard, copyOfWarehouse, keyOf } from './build-cache';
import { withSavedTranspilation } from './compile-cache';
import { clientOf, sharedServerConfig, startTestServer, type TestServer } from './server';

export const BUNDLED_SEEDS_DIR = path.join(projectRoot, 'seeds');

export interface SharedServer {
  t: TestServer;
  /** The build summary of the shared warehouse. */
  build: BuildSummary;
  /** The shared server's files: read them, never write them (the dashboard's build only over the bundled seeds). */
  warehousePath: string;
  stateDir: string;
  dashboardDist: string;
}

interface Started {
  url: string;
  pid: number;
  dir: string;
  build: BuildSummary;
}

async function startShared(seedsDir: string, root: string, key: string, out: string): Promise<void> {
  // The server's files live beside the cache entry (the entry is renamed when done; the server keeps its paths).
  const dir = path.join(root, `${key}-files`);
  await mkdir(dir, { recursive: true });
  const config = sharedServerConfig(dir);
  // One after the other: Vite's build sets NODE_ENV=production in this process while it runs (build-cache.ts's
  // viteBuild restores it after), and under production Cube lets a server without a refresh worker build no rollup.
  const build = await copyOfWarehouse(seedsDir, config.warehousePath, { rollups: true });
  // The pages are only opened over the bundled data: a hand-made fixture's server serves the API alone.
  if (path.resolve(seedsDir) === BUNDLED_SEEDS_DIR) await copyOfDashboard(config.dashboardDist);
  // Its first start is not a test's subject: it starts from the tests' saved transpilation when there is one.
  withSavedTranspilation(config.stateDir);
  const ready = path.join(dir, 'server.json');
  // Its output goes to a file: it outlives the worker that starts it, whose pipes would close under it.
  const logFile = path.join(dir, 'server.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'test/support/shared-server-main.ts'), dir, root, String(process.ppid)],
    { cwd: projectRoot, env: { ...process.env, NODE_ENV: 'test' }, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited (${signal ?? code})`));
  const deadline = Date.now() + 300_000;
  while (!existsSync(ready)) {
    if (exited) {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).slice(-2000);
      throw new Error(`the shared test server ${exited} before it was ready:\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the shared test server was not ready within 300 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.unref();
  const { url } = JSON.parse(await readFile(ready, 'utf8')) as { url: string };
  const started: Started = { url, pid: child.pid!, dir, build };
  await writeFile(path.join(out, 'server.json'), JSON.stringify(started));
}

/** The run's shared server over `seedsDir` (the bundled seeds by default), started on first use; undefined outside a run. */
export async function sharedServer(seedsDir: string = BUNDLED_SEEDS_DIR): Promise<SharedServer | undefined> {
  const root = cacheRoot();
  if (!root) return undefined;
  const key = `shared-${keyOf(seedsDir)}`;
  const entry = await cached(key, (out) => startShared(seedsDir, root, key, out));
  if (!entry) return undefined;
  const started = JSON.parse(await readFile(path.join(entry, 'server.json'), 'utf8')) as Started;
  const config = sharedServerConfig(started.dir);
  const port = Number(new URL(started.url).port);
  // Its `close` leaves it running: the files that share it close it as they would their own.
  const server = { url: started.url, port, cube: undefined, close: async () => {} } as unknown as RunningServer;
  return {
    t: clientOf(server, config),
    build: { ...started.build, warehousePath: config.warehousePath },
    warehousePath: config.warehousePath,
    stateDir: config.stateDir,
    dashboardDist: config.dashboardDist,
  };
}

/**
 * The run's shared server over `seedsDir` for a file that only asks it; outside a run with the global setup, a
 * server of its own over a copy of the seeds' warehouse with the model's rollups.
 */
export async function sharedTestServer(seedsDir: string = BUNDLED_SEEDS_DIR): Promise<TestServer> {
  const shared = await sharedServer(seedsDir);
  if (shared) return shared.t;
  const warehousePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'revcycle-own-')), 'warehouse.duckdb');
  await copyOfWarehouse(seedsDir, warehousePath, { rollups: true });
  return startTestServer({ warehousePath, modelDir: path.join(projectRoot, 'model'), dashboardDist: '/nonexistent' });
}
