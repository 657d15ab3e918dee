/*
 * Vitest's global setup: one scratch directory for the whole run, where the
 * fixtures every browser and bundled-data test needs (the warehouse built from
 * a seed directory, the dashboard built by Vite) are built once, on first use,
 * and copied from there (test/support/build-cache.ts), and where the run's
 * shared read-only servers note their process (test/support/shared-server.ts).
 * When the run ends, those servers are stopped and the directory removed.
 *
 * A run of the whole suite (no file named on the command line; REVCYCLE_TEST_PREBUILD=1/0 forces it either way)
 * starts the dashboard build and the bundled seeds' shared server at once, in processes of their own
 * (test/support/prebuild-main.ts), so they are under way while the first files load and overlap each other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../../server/config';
import { alive } from './process-alive';

declare module 'vitest' {
  export interface ProvidedContext {
    buildCacheDir: string;
  }
}

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

/** Whether this run is the whole suite: `vitest run` with options only (`--name=value` form), no file filter. */
function wholeSuite(): boolean {
  const forced = process.env.REVCYCLE_TEST_PREBUILD;
  if (forced) return forced === '1';
  return process.argv.slice(2).every((a) => a.startsWith('-') || a === 'run');
}

/** Starts test/support/prebuild-main.ts `what` in the run's scratch directory, its output to `prebuild-<what>.log`. */
function prebuild(dir: string, what: 'dashboard' | 'shared'): ChildProcess {
  const log = openSync(path.join(dir, `prebuild-${what}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'test/support/prebuild-main.ts'), what], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'test', REVCYCLE_TEST_CACHE_DIR: dir },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // test/support/one-at-a-time.ts waits while this process runs
  writeFileSync(path.join(dir, `prebuild-${what}.pid`), String(child.pid));
  return child;
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-test-cache-'));
  project.provide('buildCacheDir', dir);
  const prebuilds = wholeSuite() ? [prebuild(dir, 'dashboard'), prebuild(dir, 'shared')] : [];
  return async () => {
    for (const child of prebuilds) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await stopSharedServers(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}
