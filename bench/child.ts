/*
 * Runs one step of the benchmark (sample generation, warehouse build) in a
 * child process and measures it from outside: wall time, and peak resident
 * memory as the kernel reports it through GNU time (`/usr/bin/time -f %M`,
 * the child's maximum RSS, DuckDB's native memory included — an in-process
 * sampler would miss short peaks and mix in the benchmark's own memory).
 *
 * Limits: needs GNU time (Debian package `time`); the figure is the peak of
 * the largest process in the tree (getrusage RUSAGE_CHILDREN), which is the
 * Node process here since tsx is loaded with --import, not as a wrapper.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../server/config.js';

const GNU_TIME = '/usr/bin/time';

export interface ChildRun {
  ms: number;
  peakRssBytes: number;
  stdout: string;
}

/** Runs `node --import tsx <script> ...args` from the project root; rejects with its stderr tail if it fails. */
export async function runMeasured(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install Debian's 'time' package to measure peak memory`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-time-'));
  const timeFile = path.join(dir, 'rss');
  const started = performance.now();
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(GNU_TIME, ['-f', '%M', '-o', timeFile, process.execPath, '--import', 'tsx', script, ...args], {
          cwd: projectRoot,
          env,
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
      },
    );
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`${script} exited with ${code}: ${stderr.trim().split('\n').slice(-8).join('\n')}`);
    // GNU time writes "Command exited …" lines before %M when the child fails; the last line is the figure.
    const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
    if (!Number.isFinite(kb) || kb <= 0) throw new Error(`could not read the peak RSS of ${script} from ${GNU_TIME}`);
    return { ms, peakRssBytes: kb * 1024, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
