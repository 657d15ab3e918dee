/*
 * Builds shared by the test files of one run: the warehouse of a seed
 * directory (with its build summary), the same warehouse with the model's
 * rollups already built into it, and the dashboard's Vite build are made once,
 * in the run's scratch directory (test/support/global-setup.ts), and each test
 * gets its own copy, so a test that writes (rollups, imports, a rebuild) never
 * touches another's. Files run in parallel: the first to need an entry builds
 * it under a lock, the others wait for it. An entry's key holds its inputs
 * (the seed directory's path and every seed file's size and modification
 * time), so a seed directory changed during the run is built again.
 * Outside a Vitest run with the global setup, everything is built afresh.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';
import { projectRoot } from '../../server/config';
import { buildWarehouse, type BuildSummary } from '../../server/warehouse/index';
import { withSavedTranspilation } from './compile-cache';
import { alive } from './process-alive';

/**
 * The run's scratch directory (test/support/global-setup.ts); in a process the global setup starts, its
 * REVCYCLE_TEST_CACHE_DIR; undefined outside a Vitest run with the global setup.
 */
export function cacheRoot(): string | undefined {
  try {
    return inject('buildCacheDir');
  } catch {
    return process.env.REVCYCLE_TEST_CACHE_DIR || undefined;
  }
}

export { alive };

/**
 * Holds the lock directory `lock` (created atomically, naming its process) until the returned release is called;
 * waits while another live process holds it, and takes it over when its holder died.
 */
export async function acquireLock(lock: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      await mkdir(lock);
    } catch {
      const owner = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => '0'));
      if (owner && !alive(owner)) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    await writeFile(path.join(lock, 'pid'), String(process.pid));
    return () => rm(lock, { recursive: true, force: true });
  }
}

/**
 * The cached output of `make` under `key`, made once per run. The maker holds `<key>.lock` (acquireLock); another
 * file waits for the entry, and takes over when the maker died.
 */
export async function cached(key: string, make: (out: string) => Promise<void>): Promise<string | undefined> {
  const root = cacheRoot();
  if (!root) return undefined;
  const done = path.join(root, key);
  if (existsSync(done)) return done;
  const release = await acquireLock(`${done}.lock`);
  try {
    if (existsSync(done)) return done;
    const work = `${done}.partial`;
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    await make(work);
    await rename(work, done);
    return done;
  } finally {
    await release();
  }
}

/** The seed directory's path and its files' names, sizes and modification times. */
export function keyOf(dir: string): string {
  const hash = createHash('sha256').update(path.resolve(dir));
  for (const name of readdirSync(dir).sort()) {
    const s = statSync(path.join(dir, name));
    hash.update(`\n${name} ${s.size} ${s.mtimeMs}`);
  }
  return hash.digest('base64url').slice(0, 24);
}

async function buildInto(seedsDir: string, out: string): Promise<void> {
  const summary = await buildWarehouse({ seedsDir, warehousePath: path.join(out, 'warehouse.duckdb'), log: () => {} });
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(summary));
}

/**
 * A fresh copy of the warehouse built from `seedsDir`, written to `warehousePath`, with the summary of its build
 * (the summary's `warehousePath` is the copy's).
 */
export async function builtWarehouse(seedsDir: string, warehousePath: string): Promise<BuildSummary> {
  await mkdir(path.dirname(warehousePath), { recursive: true });
  const dir = await cached(`warehouse-${keyOf(seedsDir)}`, (out) => buildInto(seedsDir, out));
  if (!dir) return buildWarehouse({ seedsDir, warehousePath, log: () => {} });
  await cp(path.join(dir, 'warehouse.duckdb'), warehousePath);
  const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as BuildSummary;
  return { ...summary, warehousePath: path.resolve(warehousePath) };
}

/**
 * A day's seeds built both ways in `dir`: `incremental.duckdb` (a copy of the base's warehouse, `base.duckdb`,
 * updated with `incremental: true`, whose summary is returned) and `full.duckdb` (a full build of the same seeds),
 * the reference an incremental build must equal.
 */
export async function incrementalAndFull(
  baseSeeds: string,
  daySeeds: string,
  dir: string,
  log: (message: string) => void = () => {},
): Promise<BuildSummary> {
  const incremental = path.join(dir, 'incremental.duckdb');
  await builtWarehouse(baseSeeds, path.join(dir, 'base.duckdb'));
  await cp(path.join(dir, 'base.duckdb'), incremental);
  const summary = await buildWarehouse({ seedsDir: daySeeds, warehousePath: incremental, incremental: true, log });
  await buildWarehouse({ seedsDir: daySeeds, warehousePath: path.join(dir, 'full.duckdb'), log: () => {} });
  return summary;
}

/**
 * Seed sets smaller than this (the hand-made fixtures, tens of kB) get no shared rollups: a server builds their
 * rollups in about the time it takes to find them in the file (2 cores: ~12 against ~10 CPU s per start), so the
 * extra server start that would build them once costs more than it saves. The bundled 20 k-lead sample (20 MB)
 * saves ~10 CPU s on each of its dozen server starts.
 */
const ROLLUPS_WORTH_SHARING = 5_000_000;
const seedBytes = (dir: string) => readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);

/**
 * The built warehouse of `seedsDir` with the project model's rollups built into it by a server of the tests'
 * settings (test/support/server.ts), as after a server's first start: a server started on a copy finds its
 * rollups there and serves them instead of building them again (a server in another zone or model builds its own).
 */
async function warmInto(seedsDir: string, out: string): Promise<void> {
  const warehousePath = path.join(out, 'warehouse.duckdb');
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(await builtWarehouse(seedsDir, warehousePath)));
  const { startTestServer } = await import('./server');
  const t = await startTestServer({
    warehousePath,
    modelDir: path.join(projectRoot, 'model'),
    dashboardDist: '/nonexistent',
    stateDir: withSavedTranspilation(path.join(out, 'state')),
  });
  await t.server.close();
}

/**
 * A fresh copy of the warehouse built from `seedsDir`, written to `warehousePath`; with `rollups` (a test that
 * starts a server on it), a large seed set's copy holds the model's rollups already.
 */
export async function copyOfWarehouse(
  seedsDir: string,
  warehousePath: string,
  opts: { rollups?: boolean } = {},
): Promise<BuildSummary> {
  if (!opts.rollups || seedBytes(seedsDir) < ROLLUPS_WORTH_SHARING) return builtWarehouse(seedsDir, warehousePath);
  await mkdir(path.dirname(warehousePath), { recursive: true });
  const dir = await cached(`rollups-${keyOf(seedsDir)}`, (out) => warmInto(seedsDir, out));
  if (!dir) return buildWarehouse({ seedsDir, warehousePath, log: () => {} });
  await cp(path.join(dir, 'warehouse.duckdb'), warehousePath);
  if (existsSync(path.join(dir, 'warehouse.duckdb.wal')))
    await cp(path.join(dir, 'warehouse.duckdb.wal'), `${warehousePath}.wal`);
  const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as BuildSummary;
  return { ...summary, warehousePath: path.resolve(warehousePath) };
}

/** The sample generator (seeds/generator/generate.ts, seed 42) writing `leads` leads into `out`. */
async function generateInto(leads: number, out: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'seeds/generator/generate.ts', '--leads', String(leads), '--seed', '42', '--out', out],
    { cwd: projectRoot },
  );
}

/**
 * Seeds of the bundled sample's kind with `leads` leads instead of 20,000 (the generator's other defaults), made once
 * per run: for a test that needs the sample's shape (fiscal years, deals, renewals), not its size. Outside a run,
 * generated afresh into a temporary directory.
 */
export async function generatedSeeds(leads: number): Promise<string> {
  const dir = await cached(`seeds-${leads}`, (out) => generateInto(leads, out));
  if (dir) return dir;
  const out = await mkdtemp(path.join(os.tmpdir(), 'revcycle-seeds-'));
  await generateInto(leads, out);
  return out;
}

async function viteBuild(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // The tests drive the bundle users get: under Vitest NODE_ENV is `test`, which Vite would keep, and React's
  // development build (every effect run twice, so every query sent twice) would be what the browser tests
  // measure. The test's server must not inherit `production` from whichever file built.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** The run's dashboard build, made on first use. */
export const cachedDashboard = () => cached('dashboard', viteBuild);

/** A copy of the dashboard's production build in `outDir`. */
export async function copyOfDashboard(outDir: string): Promise<void> {
  const dir = await cachedDashboard();
  if (dir) await cp(dir, outDir, { recursive: true });
  else await viteBuild(outDir);
}
