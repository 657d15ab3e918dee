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
 *
 * The hand-made fixtures of test/support/ (the access-policy warehouse and
 * model of security-fixture.ts, the runtime one of runtime-fixture.ts) have
 * one shared server each too, in UTC, for the files that only ask them
 * (sharedFixtureServer).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot, type Config } from '../../server/config';
import type { RunningServer } from '../../server/app';
import type { BuildSummary } from '../../server/warehouse/index';
import { cached, cacheRoot, copyOfDashboard, copyOfWarehouse, keyOf } from './build-cache';
import { withSavedTranspilation } from './compile-cache';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from './runtime-fixture';
import { buildSecurityWarehouse, SECURITY_MODEL_DIR } from './security-fixture';
import { clientOf, securityWithoutRateLimit, startTestServer, testConfig, type TestServer } from './server';

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

/** The hand-made fixtures with a shared server: the model and the writer of the warehouse of each. */
const FIXTURES = {
  security: { modelDir: SECURITY_MODEL_DIR, write: buildSecurityWarehouse },
  runtime: { modelDir: RUNTIME_MODEL_DIR, write: buildRuntimeWarehouse },
};
export type SharedFixture = keyof typeof FIXTURES;

/**
 * The settings of the shared server whose files are under `dir`: over a seed directory's warehouse and the project's
 * model (and the bundled data's dashboard), or over a hand-made `fixture`'s in UTC; the per-person rate limit off.
 */
export function sharedServerConfig(dir: string, fixture?: SharedFixture): Config {
  return testConfig({
    warehousePath: path.join(dir, 'warehouse', 'warehouse.duckdb'),
    modelDir: fixture ? FIXTURES[fixture].modelDir : path.join(projectRoot, 'model'),
    dashboardDist: fixture ? '/nonexistent' : path.join(dir, 'dashboard'),
    stateDir: path.join(dir, 'state'),
    security: securityWithoutRateLimit(),
    ...(fixture ? { timeZone: 'UTC' } : {}),
  });
}

interface Started {
  url: string;
  pid: number;
  dir: string;
  build?: BuildSummary;
  /** Whether its Cube loaded the native module (server/cube/native-fallback.ts). */
  native: boolean;
}

/** The warehouse (and dashboard) of a seed directory's shared server, in `config`'s paths. */
async function seedsFiles(seedsDir: string, config: Config): Promise<BuildSummary> {
  // One after the other: Vite's build sets NODE_ENV=production in this process while it runs (build-cache.ts's
  // viteBuild restores it after), and under production Cube lets a server without a refresh worker build no rollup.
  const build = await copyOfWarehouse(seedsDir, config.warehousePath, { rollups: true });
  // The pages are only opened over the bundled data: a hand-made fixture's server serves the API alone.
  if (path.resolve(seedsDir) === BUNDLED_SEEDS_DIR) await copyOfDashboard(config.dashboardDist);
  // Its first start is not a test's subject: it starts from the tests' saved transpilation when there is one.
  withSavedTranspilation(config.stateDir);
  return build;
}

/**
 * Starts the shared server `key` in a process of its own, over the files `files` writes under its directory, and
 * notes its address in `out`.
 */
async function startShared(
  root: string,
  key: string,
  out: string,
  fixture: SharedFixture | undefined,
  files: (config: Config) => Promise<BuildSummary | undefined>,
): Promise<void> {
  // The server's files live beside the cache entry (the entry is renamed when done; the server keeps its paths).
  const dir = path.join(root, `${key}-files`);
  await mkdir(dir, { recursive: true });
  const build = await files(sharedServerConfig(dir, fixture));
  const ready = path.join(dir, 'server.json');
  // Its output goes to a file: it outlives the worker that starts it, whose pipes would close under it.
  const logFile = path.join(dir, 'server.log');
  const log = openSync(logFile, 'a');
  const main = path.join(projectRoot, 'test/support/shared-server-main.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, dir, root, String(process.ppid), ...(fixture ? [fixture] : [])],
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
  const { url, native } = JSON.parse(await readFile(ready, 'utf8')) as { url: string; native: boolean };
  const started: Started = { url, pid: child.pid!, dir, build, native };
  await writeFile(path.join(out, 'server.json'), JSON.stringify(started));
}

/** The client of the shared server noted in the cache entry `entry`, and what it noted. */
async function clientOfShared(entry: string, fixture?: SharedFixture): Promise<{ t: TestServer; started: Started }> {
  const started = JSON.parse(await readFile(path.join(entry, 'server.json'), 'utf8')) as Started;
  const port = Number(new URL(started.url).port);
  // Its `close` leaves it running: the files that share it close it as they would their own. Of its Cube, only
  // whether the native module loaded is known here.
  const server = {
    url: started.url,
    port,
    cube: { runtime: { native: started.native } },
    close: async () => {},
  } as unknown as RunningServer;
  return { t: clientOf(server, sharedServerConfig(started.dir, fixture)), started };
}

/** The run's shared server over `seedsDir` (the bundled seeds by default), started on first use; undefined outside a run. */
export async function sharedServer(seedsDir: string = BUNDLED_SEEDS_DIR): Promise<SharedServer | undefined> {
  const root = cacheRoot();
  if (!root) return undefined;
  const key = `shared-${keyOf(seedsDir)}`;
  const entry = await cached(key, (out) => startShared(root, key, out, undefined, (config) => seedsFiles(seedsDir, config)));
  if (!entry) return undefined;
  const { t, started } = await clientOfShared(entry);
  const { config } = t;
  return {
    t,
    build: { ...started.build!, warehousePath: config.warehousePath },
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

/**
 * The run's shared server over the hand-made `fixture` (its model, in UTC), for a file that only asks it; outside a
 * run with the global setup, a server of its own over a new copy of the fixture's warehouse.
 */
export async function sharedFixtureServer(fixture: SharedFixture): Promise<TestServer> {
  const root = cacheRoot();
  const key = `shared-${fixture}`;
  const write = async (config: Config) => void (await FIXTURES[fixture].write(config.warehousePath));
  const entry = root && (await cached(key, (out) => startShared(root, key, out, fixture, write)));
  if (entry) return (await clientOfShared(entry, fixture)).t;
  const warehousePath = await FIXTURES[fixture].write();
  return startTestServer({ warehousePath, modelDir: FIXTURES[fixture].modelDir, dashboardDist: '/nonexistent', timeZone: 'UTC' });
}
