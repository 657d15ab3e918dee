/*
 * Nearest-rank percentiles for the benchmark's timings (ms, one decimal).
 */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { count: sorted.length, p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(sorted.at(-1) ?? 0) };
}

export const median = (values: number[]) => percentiles(values).p50;
