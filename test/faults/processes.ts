/*
 * Real revcycle processes for the fault tests: the CLI (`server/cli.ts start`
 * and `build-warehouse`) spawned as children with their own state directory,
 * warehouse path and seeds, so a test can kill -9 them and look at what is
 * left. Output is collected so a test can wait for a line (e.g. the first
 * mart being built) before acting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSavedTranspilation } from '../support/compile-cache';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SECRET = 'faults-secret-0123456789abcdef';

export interface Sandbox {
  dir: string;
  warehouse: string;
  stateDir: string;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

/** A temporary directory with a warehouse path, a state dir and a stand-in dashboard build. */
export function sandbox(seedsDir: string): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-faults-'));
  const dist = path.join(dir, 'dashboard');
  mkdirSync(dist);
  // A dashboard build newer than the sources, so `start` serves it instead of running Vite.
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>revcycle</title>');
  const warehouse = path.join(dir, 'data', 'warehouse.duckdb');
  const stateDir = path.join(dir, 'state');
  return {
    dir,
    warehouse,
    stateDir,
    env: (extra = {}) => ({
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      CUBEJS_API_SECRET: SECRET,
      REVCYCLE_WAREHOUSE: warehouse,
      REVCYCLE_SEEDS: seedsDir,
      REVCYCLE_STATE_DIR: stateDir,
      REVCYCLE_DASHBOARD_DIST: dist,
      ...extra,
    }),
  };
}

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the match once a line of output matches; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern}; output:\n${out.slice(-2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      exited.then((code) => {
        if (listeners.has(check)) {
          cleanup();
          reject(new Error(`exited (${code}) before ${pattern}; output:\n${out.slice(-2000)}`));
        }
      });
      check();
    });
  return {
    child,
    output: () => out,
    waitFor,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * `npm start` as a child process; resolves with its URL once it says it is running. Its state directory gets the
 * tests' saved transpilation of the model if it holds none (test/support/compile-cache.ts).
 */
export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<CliProcess & { url: string }> {
  if (env.REVCYCLE_STATE_DIR) withSavedTranspilation(env.REVCYCLE_STATE_DIR);
  const p = spawnCli(['start'], env);
  const [, url] = await p.waitFor(/revcycle is running: (http:\/\/\S+)/, 120_000);
  return { ...p, url };
}
