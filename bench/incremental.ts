/*
 * The incremental build's figure (server/warehouse/incremental.ts): a day's
 * import (bench/day-changes.ts: ~1 % of the leads changed, 0.5 % new) applied
 * to a copy of the benchmark's warehouse, in a child process measured like
 * the full build (bench/child.ts): wall time, peak RSS, what each model cost
 * and how it was made (copied, updated for the changed leads, rebuilt), and
 * the server's pre-aggregation warm-up on the new warehouse: the rollups a
 * server builds before it answers after the day's import.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runMeasured } from './child';
import { writeDayChanges, type DayChanges } from './day-changes';
import { startBenchServer } from './server';
import type { IncrementalPlan, ModelUpdate } from '../server/warehouse/incremental.js';

export interface IncrementalFigures {
  day: DayChanges;
  ms: number;
  peakRssBytes: number;
  timings: Record<string, number>;
  plan: IncrementalPlan;
  /** Each model's time in the incremental build and in the full build, and what the incremental build did. */
  models: { name: string; how: ModelUpdate; ms: number; fullMs: number | undefined }[];
  /** Full build time over incremental apply time, the same run. */
  fullOverIncremental: number;
  /** The server's warm-up on the new warehouse (from spawn until it listens): rollups built and reused. */
  warmup?: { readyMs: number; warmupMs: number; built: number; reused: number; error?: string };
}

export async function benchIncremental(
  seedsDir: string,
  warehousePath: string,
  work: string,
  seed: number,
  fullBuildMs: number,
  fullModels: { name: string; ms: number }[] = [],
  log: (message: string) => void = console.log,
  /** Measure the warm-up too (false: the build only). */
  warmup = true,
): Promise<IncrementalFigures> {
  const daySeeds = path.join(work, 'day-seeds');
  const day = await writeDayChanges(seedsDir, daySeeds, seed);
  const target = path.join(work, 'incremental', 'warehouse.duckdb');
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(warehousePath, target);
  const run = await runMeasured('bench/build-child.ts', [daySeeds, target, '--incremental']);
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    timings: Record<string, number>;
    incremental?: IncrementalPlan;
    models: { name: string; ms: number }[];
  };
  if (!out.incremental) throw new Error('the incremental build did not reuse the warehouse (built every model)');
  const plan = out.incremental;
  const fullMs = new Map(fullModels.map((m) => [m.name, m.ms]));
  const models = out.models
    .map((m) => ({ name: m.name, how: plan.models[m.name] ?? 'rebuilt', ms: m.ms, fullMs: fullMs.get(m.name) }))
    .sort((a, b) => b.ms - a.ms);
  log('incremental, per model (slowest first; the full build beside):');
  for (const m of models.filter((x) => x.ms >= 50))
    log(`  ${m.name.padEnd(32)} ${m.how.padEnd(12)} ${String(m.ms).padStart(7)} ms   full ${m.fullMs ?? '?'} ms`);
  const figures: IncrementalFigures = {
    day,
    ms: Math.round(run.ms),
    peakRssBytes: run.peakRssBytes,
    timings: out.timings,
    plan,
    models,
    fullOverIncremental: Math.round((fullBuildMs / run.ms) * 100) / 100,
  };
  if (warmup) figures.warmup = await measureWarmup(target, work);
  if (figures.warmup)
    log(
      `incremental warm-up: the server on the new warehouse listened after ${(figures.warmup.readyMs / 1000).toFixed(1)} s ` +
        `(warm-up ${(figures.warmup.warmupMs / 1000).toFixed(1)} s: ${figures.warmup.built} rollups built, ${figures.warmup.reused} reused)` +
        (figures.warmup.error ? ` — FAILED: ${figures.warmup.error}` : ''),
    );
  return figures;
}

/** A server process on `warehousePath`: from spawn until it listens, after its pre-aggregation warm-up. */
async function measureWarmup(warehousePath: string, work: string): Promise<NonNullable<IncrementalFigures['warmup']>> {
  const started = performance.now();
  const server = await startBenchServer({
    CUBEJS_API_SECRET: 'bench-secret-0123456789abcdef',
    REVCYCLE_WAREHOUSE: warehousePath,
    REVCYCLE_DASHBOARD_DIST: path.join(work, 'no-dashboard'),
    REVCYCLE_STATE_DIR: path.join(work, 'incremental', 'state'),
  });
  try {
    const w = server.warmup;
    return {
      readyMs: Math.round(performance.now() - started),
      warmupMs: w?.ms ?? 0,
      built: w?.built?.length ?? 0,
      reused: w?.reused?.length ?? 0,
      ...(w?.error ? { error: w.error } : {}),
    };
  } finally {
    await server.stop();
  }
}
