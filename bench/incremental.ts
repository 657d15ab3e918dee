/*
 * The incremental build's figure (server/warehouse/incremental.ts): a day's
 * import (bench/day-changes.ts: ~1 % of the leads changed, 0.5 % new) applied
 * to a copy of the benchmark's warehouse, in a child process measured like
 * the full build (bench/child.ts): wall time, peak RSS, and what it rebuilt.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runMeasured } from './child';
import { writeDayChanges, type DayChanges } from './day-changes';
import type { IncrementalPlan } from '../server/warehouse/incremental.js';

export interface IncrementalFigures {
  day: DayChanges;
  ms: number;
  peakRssBytes: number;
  timings: Record<string, number>;
  plan: IncrementalPlan;
  /** Full build time over incremental apply time, the same run. */
  fullOverIncremental: number;
}

export async function benchIncremental(
  seedsDir: string,
  warehousePath: string,
  work: string,
  seed: number,
  fullBuildMs: number,
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
  };
  if (!out.incremental) throw new Error('the incremental build did not reuse the warehouse (built every model)');
  return {
    day,
    ms: Math.round(run.ms),
    peakRssBytes: run.peakRssBytes,
    timings: out.timings,
    plan: out.incremental,
    fullOverIncremental: Math.round((fullBuildMs / run.ms) * 100) / 100,
  };
}
