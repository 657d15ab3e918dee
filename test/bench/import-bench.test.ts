/*
 * The import measurement of `npm run bench -- --import` (bench/import.ts) at a small size: a generic export
 * imported in a child process, read by DuckDB, with its CPU per phase. Figures are not judged here (speed belongs
 * to the benchmark); that the measurement runs, reads every row and reports its parts is.
 */
import { describe, expect, it } from 'vitest';
import { benchImport, formatImportBench } from '../../bench/import';

describe('npm run bench -- --import at 2,000 leads', () => {
  it('imports a generic export through DuckDB in a child and reports rows per CPU-second', async () => {
    const b = await benchImport({ leads: 2000, touches: 20_000, build: false });
    expect(b.reader).toBe('duckdb');
    expect(b.cpuMs).toBeGreaterThan(0);
    expect(b.readCpuMs).toBeGreaterThan(0);
    expect(b.mergeCpuMs).toBeGreaterThan(0);
    expect(b.readCpuMs + b.mergeCpuMs).toBeLessThanOrEqual(b.cpuMs);
    expect(b.peakRssBytes).toBeGreaterThan(0);
    expect(formatImportBench(b)).toMatch(/rows per CPU-second/);
  }, 300_000);
});
