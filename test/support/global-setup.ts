/*
 * Vitest's global setup: one scratch directory for the whole run, where the
 * fixtures every browser and bundled-data test needs (the warehouse built from
 * a seed directory, the dashboard built by Vite) are built once, on first use,
 * and copied from there (test/support/build-cache.ts), and where the run's
 * shared read-only servers note their process (test/support/shared-server.ts).
 * When the run ends, those servers are stopped and the directory removed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    buildCacheDir: string;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops every shared server noted under `dir` (`shared-<key>/server.json`), waiting up to 10 s for each to exit. */
async function stopSharedServers(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name, 'server.json');
    if (!name.startsWith('shared-') || !existsSync(file)) continue;
    const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
    if (!alive(pid)) continue;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-test-cache-'));
  project.provide('buildCacheDir', dir);
  return async () => {
    await stopSharedServers(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}
