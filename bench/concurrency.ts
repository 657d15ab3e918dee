/*
 * Concurrent clients: N closed-loop clients send the dashboard's Cube
 * queries (each client starts at a different one and cycles through all)
 * for a fixed time, and every answer is checked (HTTP 200 with a data array
 * per result). Bounded in time: no request starts after `durationMs`, and a
 * request unanswered after `requestTimeoutMs` counts as an error.
 *
 * Two modes: 'cached' sends the queries as the dashboard does (Cube's result
 * cache and pre-aggregations answer); 'uncached' adds `cache: 'no-cache'`
 * so DuckDB runs every query.
 *
 * Limits: clients and server share the machine's cores, so queries/s is a
 * floor; no think time (the heaviest load N clients can make). Percentiles
 * as in bench/load.ts (bench/stats.ts).
 */
import { cubeLoad, type ApiClient } from './queries';
import { percentiles, type Percentiles } from './stats';

export interface ConcurrencyFigures {
  clients: number;
  mode: 'cached' | 'uncached';
  durationMs: number;
  requests: number;
  queriesPerSecond: number;
  errors: number;
  errorSamples: string[];
  latencyMs: Percentiles;
}

export async function runClients(
  client: ApiClient,
  queries: unknown[],
  options: { clients: number; mode: 'cached' | 'uncached'; durationMs: number; requestTimeoutMs?: number },
): Promise<ConcurrencyFigures> {
  if (queries.length === 0) throw new Error('no queries to send');
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const stopAt = started + options.durationMs;
  const extra = options.mode === 'uncached' ? { cache: 'no-cache' } : {};
  const worker = async (id: number) => {
    for (let i = id; performance.now() < stopAt; i++) {
      const t0 = performance.now();
      try {
        await cubeLoad(client, queries[i % queries.length], extra, options.requestTimeoutMs ?? 60_000);
        latencies.push(performance.now() - t0);
      } catch (e) {
        errors.push((e as Error).message.slice(0, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, id) => worker(id)));
  const elapsed = performance.now() - started;
  const requests = latencies.length + errors.length;
  return {
    clients: options.clients,
    mode: options.mode,
    durationMs: Math.round(elapsed),
    requests,
    queriesPerSecond: Math.round((requests / elapsed) * 10_000) / 10,
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    latencyMs: percentiles(latencies),
  };
}
