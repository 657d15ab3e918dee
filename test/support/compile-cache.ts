/*
 * Cube's saved YAML transpilation (server/cube/compile-cache.ts) for a test
 * server that gets a state directory of its own. A server keeps the
 * transpiled model in `<state dir>/cube-yaml-cache.json`; a new state
 * directory has none, so its server compiles the whole model (~4 CPU s of a
 * start on this machine, whatever the data size). The servers on the tests'
 * default state directory (testConfig: `.revcycle/` of the checkout) write
 * theirs there; a test whose subject is not the first compile starts from a
 * copy of it, as a restarted server starts from its own.
 *
 * That file holds one model's transpilation: the servers of the small test
 * models (test/fixtures/model-runtime, the security model) overwrite it with
 * theirs. So the project model's is kept beside it (PROJECT_COPY) whenever it
 * is the project model's, and taken from there when it is not. The server
 * checks the copy as it checks its own file (Cube version and model files).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/config';
import { fingerprint } from '../../server/cube/compile-cache';
import { readModelFiles } from '../../server/cube/model-files';
import { testConfig } from './test-config';

const FILE = 'cube-yaml-cache.json';
const PROJECT_COPY = 'cube-yaml-cache.project-model.json';

/** The file's text and fingerprint; undefined when absent or unreadable. */
const readSaved = (file: string): { text: string; fingerprint?: string } | undefined => {
  try {
    const text = readFileSync(file, 'utf8');
    return { text, fingerprint: (JSON.parse(text) as { fingerprint?: string }).fingerprint };
  } catch {
    return undefined;
  }
};

/** The saved transpilation of the project's model, if the tests' servers have written one. */
function projectModelTranspilation(): string | undefined {
  const dir = testConfig({}).stateDir;
  const expected = fingerprint(readModelFiles(path.join(projectRoot, 'model')));
  const current = readSaved(path.join(dir, FILE));
  const kept = path.join(dir, PROJECT_COPY);
  if (current?.fingerprint === expected) {
    // What was read, not the file again: a server of another model may have replaced it meanwhile.
    const partial = `${kept}.${process.pid}.partial`;
    writeFileSync(partial, current.text);
    renameSync(partial, kept);
    return kept;
  }
  return readSaved(kept)?.fingerprint === expected ? kept : undefined;
}

/** Puts the saved transpilation of the project's model into `stateDir` (unless it holds one) and answers `stateDir`. */
export function withSavedTranspilation(stateDir: string): string {
  const target = path.join(stateDir, FILE);
  if (existsSync(target)) return stateDir;
  const saved = projectModelTranspilation();
  if (saved) {
    mkdirSync(stateDir, { recursive: true });
    copyFileSync(saved, target);
  }
  return stateDir;
}
