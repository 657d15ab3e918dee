/*
 * A short run of the bench load test (bench/load.ts) in `npm test`, so the
 * load module cannot silently break: 10 clients × 10 s, from a child process
 * as `npm run bench` runs them, against the real server
 * over a warehouse built from test/fixtures/seeds-semantic, the dashboard's
 * typical queries with a third of them uncached. Every request must be
 * answered, none with a 5xx; the figures are printed, not asserted (the
 * machine is shared).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLoadReport, percentiles, runLoadInChild, uncachedVariant } from '../../bench/load';
import { TYPICAL_QUERIES } from '../../bench/typical-queries';
import { securityWithoutRateLimit } from '../support/server';
import { PROJECT_ROOT, startSemanticServer, TIME_ZONE, type SemanticServer } from '../semantic/semantic-server';

let s: SemanticServer;
beforeAll(async () => {
  s = await startSemanticServer(path.join(PROJECT_ROOT, 'test/fixtures/seeds-semantic'), {
    security: securityWithoutRateLimit(),
  });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

describe('load module', () => {
  it('percentiles are nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(xs)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7 });
  });

  it('an uncached variant answers the same as the query it varies', async () => {
    for (const [i, [name, query]] of Object.entries(TYPICAL_QUERIES).entries()) {
      // Queries without an order come back in any order: compare as sets of rows.
      const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
      const plain = await s.rows(query);
      const varied = await s.rows(uncachedVariant(query, i + 1));
      expect(sorted(varied), name).toEqual(sorted(plain));
      expect(plain.length, `${name} has rows on the fixture`).toBeGreaterThan(0);
    }
  });

  it('10 clients × 10 s from a separate process (as npm run bench runs it): every request answered, no 5xx', async () => {
    const report = await runLoadInChild({
      url: s.t.url,
      token: s.t.token(),
      clients: 10,
      durationMs: 10_000,
      uncachedShare: 0.3,
      timezone: TIME_ZONE,
    });
    console.log(formatLoadReport(report, 'fixture seeds-semantic (7 leads)'));
    expect(report.failureSamples).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.requests).toBeGreaterThan(10);
    expect(report.uncachedMs.count).toBeGreaterThan(0);
    expect(report.cachedMs.count).toBeGreaterThan(0);
    for (const [name, p] of Object.entries(report.perQuery)) expect(p.count, name).toBeGreaterThan(0);
  }, 60_000);
});
