/*
 * Starts the real server (bench/serve-child.ts) in a child process for the
 * benchmark and reads its memory from /proc: current RSS (VmRSS) and the
 * kernel's high-water mark (VmHWM). Linux only, as the benchmark is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectRoot } from '../server/config.js';

export interface BenchServer {
  url: string;
  /** The pre-aggregation warm-up the server ran before listening (server/cube/pre-aggregations.ts). */
  warmup?: { ms: number; preAggregations: string[]; built?: string[]; reused?: string[]; error?: string };
  pid: number;
  memory(): { rssBytes: number; peakRssBytes: number };
  stop(): Promise<void>;
}

function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(line.split(/\s+/)[1]) * 1024;
}

/**
 * A guard, not a measure: the server is ready once its warm-up has built every rollup, which at 1 M leads took 180-250 s
 * on a 2-core machine, so 300 s stopped a run whose machine was busier (the warm-up after a day's import, 2026-12-07).
 */
const START_TIMEOUT_MS = 1_800_000;

export async function startBenchServer(env: Record<string, string>, startTimeoutMs = START_TIMEOUT_MS): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/serve-child.ts'], {
    cwd: projectRoot,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errTail = '';
  child.stderr!.on('data', (d) => (errTail = (errTail + d).slice(-4000)));
  const started = await new Promise<{ url: string; warmup?: BenchServer['warmup'] }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      // not left running: an orphaned server kept warming up, loading the machine, after its benchmark had failed
      child.kill('SIGTERM');
      reject(new Error(`the server did not start in ${startTimeoutMs} ms: ${errTail}`));
    }, startTimeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; warmup?: BenchServer['warmup'] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening: ${errTail}`));
    });
  });
  const pid = child.pid!;
  return {
    url: started.url,
    warmup: started.warmup,
    pid,
    memory: () => ({ rssBytes: statusKb(pid, 'VmRSS'), peakRssBytes: statusKb(pid, 'VmHWM') }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
