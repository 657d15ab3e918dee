/*
 * Cube's YAML transpilation, kept across restarts.
 *
 * Compiling the model is most of a restart's time: Cube turns each YAML file
 * into JavaScript (its YamlCompiler parses every SQL template with a Python
 * grammar, then Babel), about 10 CPU-seconds for this model on a 2-core
 * machine, whatever the data size. Cube keeps the result in memory per compiled
 * app (CompilerApi `compiledYamlCache`, keyed by the MD5 of the file's content),
 * so it is redone after each restart and for each warehouse file (one app per
 * file: cube-server.ts). This module writes those entries to
 * `<state dir>/cube-yaml-cache.json` after a compile and puts them back into
 * every new app before it compiles.
 *
 * The file is valid for one Cube version and one set of model files
 * (`fingerprint`, a hash of both): any edit of model/cubes or model/views, or
 * another Cube, discards it. Within it Cube's own key applies (a file's
 * content as Cube receives it, fiscal-year and refresh-key rewrites included),
 * exactly as Cube's in-memory cache does between compiles of one process.
 *
 * Limits: only YAML files (Cube's JS compile is not serialisable); a file that
 * cannot be read or written is ignored (the compile then runs in full).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ModelFile } from './model-files.js';

const require = createRequire(import.meta.url);

/** The slice of Cube's CompilerApi used here. */
interface CompilerApiLike {
  compiledYamlCache?: { set(key: string, value: string): unknown; entries(): Iterable<[string, string]> };
  getCompilers(...args: unknown[]): Promise<unknown>;
}

interface CacheFile {
  fingerprint: string;
  entries: Record<string, string>;
}

/** The Cube version and the model files the cache is valid for. */
export function fingerprint(files: ModelFile[]): string {
  const hash = createHash('sha256');
  hash.update(`cube ${require('@cubejs-backend/schema-compiler/package.json').version}\n`);
  for (const f of files) hash.update(`${f.fileName}\n${f.content}\n`);
  return hash.digest('hex');
}

function read(file: string, expected: string): Record<string, string> {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return cache.fingerprint === expected && cache.entries && typeof cache.entries === 'object' ? cache.entries : {};
  } catch {
    return {};
  }
}

function write(file: string, cache: CacheFile) {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(cache));
    renameSync(partial, file);
  } catch {
    // a read-only state directory: the next start compiles in full
  }
}

/**
 * Wraps `core.getCompilerApi` so that each new app starts with the saved transpilations and saves its own after
 * its first compile. `files` reads the model files as written (for the fingerprint).
 */
export function persistYamlTranspilation(
  core: { getCompilerApi(ctx: object): Promise<CompilerApiLike> },
  file: string,
  files: () => ModelFile[],
) {
  const getCompilerApi = core.getCompilerApi.bind(core);
  const seen = new WeakSet<object>();
  core.getCompilerApi = async (ctx: object) => {
    const api = await getCompilerApi(ctx);
    const yaml = api.compiledYamlCache;
    if (seen.has(api) || !yaml) return api;
    seen.add(api);
    const expected = fingerprint(files());
    const saved = read(file, expected);
    for (const [key, code] of Object.entries(saved)) yaml.set(key, code);
    const getCompilers = api.getCompilers.bind(api);
    let savedOnce = false;
    api.getCompilers = async (...args: unknown[]) => {
      const compilers = await getCompilers(...args);
      if (!savedOnce) {
        savedOnce = true;
        const entries = { ...saved, ...Object.fromEntries(yaml.entries()) };
        if (Object.keys(entries).length !== Object.keys(saved).length) write(file, { fingerprint: expected, entries });
      }
      return compilers;
    };
    return api;
  };
}
