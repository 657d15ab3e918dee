/*
 * Vitest's global setup: one scratch directory for the whole run, where the
 * fixtures every browser and bundled-data test needs (the warehouse built from
 * a seed directory, the dashboard built by Vite) are built once, on first use,
 * and copied from there (test/support/build-cache.ts). Removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    buildCacheDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-test-cache-'));
  project.provide('buildCacheDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
