/*
 * Cube's saved YAML transpilation (server/cube/compile-cache.ts) for a test
 * server that gets a state directory of its own. A server keeps the
 * transpiled model in `<state dir>/cube-yaml-cache.json`; a new state
 * directory has none, so its server compiles the whole model (most of a
 * start's CPU on this machine, whatever the data size). The servers on the
 * tests' default state directory (testConfig: `.revcycle/` of the checkout)
 * write theirs there; a test whose subject is not the first compile starts
 * from a copy of it, as a restarted server starts from its own. The server
 * checks the copy as it checks its own file (Cube version and model files):
 * an outdated one is ignored and the model compiled in full.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { testConfig } from './test-config';

const FILE = 'cube-yaml-cache.json';

/** Puts the tests' saved transpilation into `stateDir` (unless it holds one) and answers `stateDir`. */
export function withSavedTranspilation(stateDir: string): string {
  const saved = path.join(testConfig({}).stateDir, FILE);
  const target = path.join(stateDir, FILE);
  if (existsSync(saved) && !existsSync(target) && path.resolve(saved) !== path.resolve(target)) {
    mkdirSync(stateDir, { recursive: true });
    copyFileSync(saved, target);
  }
  return stateDir;
}
