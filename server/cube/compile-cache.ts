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
 * Cube then runs Babel over every file's JavaScript in each of its four
 * compile phases (its transpiler worker threads: ~2.5 CPU-seconds of a start
 * here). Those outputs are kept in the same file (`js`): an output is a
 * function of the worker's whole input (file name and content, the phase's
 * transpilers, cube names and cube symbols), which is its key (a SHA-256), and
 * only an output without errors or warnings is kept, so a hit has nothing to
 * report. A start whose every file and phase hits starts no transpiler worker.
 *
 * Limits: Cube's compile of the JavaScript into its model (vm scripts) is not
 * serialisable and runs on every start; a file that cannot be read or written
 * is ignored (the compile then runs in full). With Cube's native transpiler
 * (CUBEJS_TRANSPILATION_NATIVE) the JavaScript outputs are not kept.
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
  /** Cube's own YAML cache entries (its key: the MD5 of the file's content as Cube receives it). */
  entries: Record<string, string>;
  /** The transpiler worker's JavaScript outputs, by the SHA-256 of their input (jsKey). */
  js?: Record<string, string>;
}

/** The slice of Cube's DataSchemaCompiler the JavaScript cache wraps (its worker-thread path). */
interface SchemaCompilerLike {
  compiledYamlCache?: object;
  workerPool?: {
    exec(method: string, args: unknown[]): Promise<{ content: string; errors: unknown[]; warnings: unknown[] }>;
  } | null;
  transpileJsFile(file: { fileName: string; content: string }, errorsReport: unknown, options: JsOptions): Promise<unknown>;
}
interface JsOptions {
  cubeNames?: string[];
  cubeSymbols?: object;
  transpilerNames?: string[];
}

/**
 * Each app's JavaScript outputs, found through the app's YAML cache (which Cube hands to each DataSchemaCompiler it
 * makes): kept apart from it because Cube's cache is an LRU of 250 entries, fewer than this model's files × phases.
 */
const jsOutputs = new WeakMap<object, Map<string, string>>();
/** A phase's cube names and symbols as key text, once per phase (Cube makes them anew for each). */
const symbolsText = new WeakMap<object, string>();

function jsKey(file: { fileName: string; content: string }, options: JsOptions): string {
  const symbols = options.cubeSymbols ?? {};
  let text = symbolsText.get(symbols);
  if (text === undefined) symbolsText.set(symbols, (text = JSON.stringify([options.cubeNames ?? [], symbols])));
  return createHash('sha256')
    .update(JSON.stringify([file.fileName, file.content, options.transpilerNames ?? []]))
    .update(text)
    .digest('hex');
}

let jsWrapped = false;

/** Wraps DataSchemaCompiler's worker-thread transpilation of a JavaScript file with the app's kept outputs. */
function wrapJsTranspilation() {
  if (jsWrapped) return;
  jsWrapped = true;
  const { DataSchemaCompiler } = require('@cubejs-backend/schema-compiler/dist/src/compiler/DataSchemaCompiler') as {
    DataSchemaCompiler: { prototype: SchemaCompilerLike };
  };
  const { getEnv } = require('@cubejs-backend/shared') as { getEnv(name: string): unknown };
  const transpile = DataSchemaCompiler.prototype.transpileJsFile;
  DataSchemaCompiler.prototype.transpileJsFile = async function (this: SchemaCompilerLike, file, errorsReport, options) {
    const outputs = this.compiledYamlCache && jsOutputs.get(this.compiledYamlCache);
    if (!outputs || !this.workerPool || getEnv('transpilationNative')) return transpile.call(this, file, errorsReport, options);
    const key = jsKey(file, options);
    const kept = outputs.get(key);
    if (kept !== undefined) return { ...file, content: kept };
    // The worker's call as Cube makes it (its input is the key's); an answer with errors or warnings, or a failure,
    // goes through Cube's own method again, which reports them.
    const data = {
      fileName: file.fileName,
      content: file.content,
      transpilers: options.transpilerNames,
      cubeNames: options.cubeNames,
      cubeSymbols: options.cubeSymbols,
    };
    const res = await this.workerPool.exec('transpileJs', [data]).catch(() => undefined);
    if (!res || res.errors.length || res.warnings.length) return transpile.call(this, file, errorsReport, options);
    outputs.set(key, res.content);
    return { ...file, content: res.content };
  };
}

/** The Cube version and the model files the cache is valid for. */
export function fingerprint(files: ModelFile[]): string {
  const hash = createHash('sha256');
  hash.update(`cube ${require('@cubejs-backend/schema-compiler/package.json').version}\n`);
  for (const f of files) hash.update(`${f.fileName}\n${f.content}\n`);
  return hash.digest('hex');
}

function read(file: string, expected: string): Required<Pick<CacheFile, 'entries' | 'js'>> {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (cache.fingerprint !== expected || !cache.entries || typeof cache.entries !== 'object') return { entries: {}, js: {} };
    return { entries: cache.entries, js: cache.js && typeof cache.js === 'object' ? cache.js : {} };
  } catch {
    return { entries: {}, js: {} };
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
 * Wraps `core.getCompilerApi` so that each new app starts with the saved transpilations (YAML and JavaScript) and
 * saves its own after its first compile. `files` reads the model files as written (for the fingerprint).
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
    for (const [key, code] of Object.entries(saved.entries)) yaml.set(key, code);
    const js = new Map(Object.entries(saved.js));
    jsOutputs.set(yaml, js);
    wrapJsTranspilation();
    const getCompilers = api.getCompilers.bind(api);
    let savedOnce = false;
    api.getCompilers = async (...args: unknown[]) => {
      const compilers = await getCompilers(...args);
      if (!savedOnce) {
        savedOnce = true;
        const entries = { ...saved.entries, ...Object.fromEntries(yaml.entries()) };
        const grew =
          Object.keys(entries).length !== Object.keys(saved.entries).length || js.size !== Object.keys(saved.js).length;
        if (grew) write(file, { fingerprint: expected, entries, js: Object.fromEntries(js) });
      }
      return compilers;
    };
    return api;
  };
}
