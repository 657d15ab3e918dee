/*
 * Builds shared by the test files of one run: the warehouse of a seed
 * directory and the dashboard's Vite build are made once, in the run's scratch
 * directory (test/support/global-setup.ts), and each test gets its own copy, so
 * a test that writes (rollups, imports, a rebuild) never touches another's.
 * Outside a Vitest run with the global setup, everything is built afresh.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import { projectRoot } from '../../server/config';
import { buildWarehouse } from '../../server/warehouse/index';

function cacheRoot(): string | undefined {
  try {
    return inject('buildCacheDir');
  } catch {
    return undefined;
  }
}

/** The cached output of `make` under `key`, made once per run (files run one at a time). */
async function cached(key: string, make: (out: string) => Promise<void>): Promise<string | undefined> {
  const root = cacheRoot();
  if (!root) return undefined;
  const done = path.join(root, key);
  if (existsSync(done)) return done;
  const work = `${done}.partial`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await make(work);
  await rename(work, done);
  return done;
}

const keyOf = (dir: string) => Buffer.from(path.resolve(dir)).toString('base64url');

/** A fresh copy of the warehouse built from `seedsDir`, written to `warehousePath`. */
export async function copyOfWarehouse(seedsDir: string, warehousePath: string): Promise<void> {
  await mkdir(path.dirname(warehousePath), { recursive: true });
  const dir = await cached(`warehouse-${keyOf(seedsDir)}`, (out) =>
    buildWarehouse({ seedsDir, warehousePath: path.join(out, 'warehouse.duckdb'), log: () => {} }).then(() => {}),
  );
  if (dir) await cp(path.join(dir, 'warehouse.duckdb'), warehousePath);
  else await buildWarehouse({ seedsDir, warehousePath, log: () => {} });
}

async function viteBuild(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** A copy of the dashboard's production build in `outDir`. */
export async function copyOfDashboard(outDir: string): Promise<void> {
  const dir = await cached('dashboard', viteBuild);
  if (dir) await cp(dir, outDir, { recursive: true });
  else await viteBuild(outDir);
}
