/*
 * Each dashboard query through the API, and the same SQL on DuckDB directly.
 *
 * For every distinct query the dashboard's pages sent (bench/dashboard.ts):
 *   - apiMs: as the dashboard sends it (queryType multi) after a first send,
 *     so Cube answers from its result cache or its pre-aggregation;
 *   - uncachedApiMs: the same query with `cache: 'no-cache'`, Cube 1.7's
 *     request option that skips the result cache (`renewQuery` is refused
 *     inside a 1.7 query), so DuckDB runs the SQL every time;
 *   - the SQL Cube runs for it: /cubejs-api/v1/sql, where each
 *     pre-aggregation is named without its version; the direct run reads the
 *     version the answer says it used (`usedPreAggregations`: Cube names a
 *     version <name>_<content>_<structure>_<lastUpdatedAt in seconds, base 32>);
 *   - directMs (timeDirect, once the server has stopped and released the
 *     file): that SQL with the same parameters through @duckdb/node-api on
 *     the server's own warehouse file (its pre-aggregation tables included),
 *     rows read out; ratio = uncachedApiMs / directMs is Cube's overhead.
 * Blended queries (several parts) add their parts' direct times. A query
 * that fails, or whose direct row count differs from the API's, is an error:
 * the run reports it and fails.
 *
 * revcycle's own API requests (/api/plan, /api/actions) are timed as sent.
 */
import { createRequire } from 'node:module';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CapturedRequest } from './dashboard';
import { median } from './stats';

const require = createRequire(import.meta.url);
// The DuckDB driver's own parameter conversion, so the direct run binds exactly what Cube binds.
const { convertDuckDBParams } = require('@cubejs-backend/duckdb-driver/dist/src/Transform.js') as {
  convertDuckDBParams: (v: unknown[]) => unknown[];
};

export interface SqlPart {
  sql: string;
  params: unknown[];
  apiRows: number;
  /** The pre-aggregations this part's answer was served from (empty: the marts). */
  preAggregations: string[];
}

export interface QueryFigures {
  name: string;
  pages: string[];
  kind: 'cube' | 'api';
  /** The request as the dashboard sent it. */
  request: unknown;
  apiMs?: number;
  uncachedApiMs?: number;
  directMs?: number;
  ratio?: number;
  rows?: number;
  /** Pre-aggregations the answer was served from, with their lastUpdatedAt (empty: the raw tables). */
  preAggregations?: Record<string, number>;
  sqlParts?: SqlPart[];
  error?: string;
}

export interface ApiClient {
  url: string;
  token: string;
}

interface LoadAnswer {
  results: { data: unknown[]; usedPreAggregations?: Record<string, { lastUpdatedAt: number }> }[];
}

/** POSTs a Cube query the way @cubejs-client/core does, polling again on Cube's "Continue wait". */
export async function cubeLoad(
  client: ApiClient,
  query: unknown,
  extra: Record<string, unknown> = {},
  timeoutMs = 300_000,
): Promise<LoadAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${client.url}/cubejs-api/v1/load`, {
      method: 'POST',
      headers: { authorization: client.token, 'content-type': 'application/json' },
      body: JSON.stringify({ query, queryType: 'multi', ...extra }),
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    const text = await res.text();
    const body = JSON.parse(text) as LoadAnswer & { error?: string };
    if (res.status === 200 && body.error === 'Continue wait') continue;
    if (res.status !== 200) throw new Error(`load → ${res.status} ${text.slice(0, 300)}`);
    if (!Array.isArray(body.results) || !body.results.every((r) => Array.isArray(r.data)))
      throw new Error(`load → 200 without results: ${text.slice(0, 300)}`);
    return body;
  }
}

async function cubeSql(client: ApiClient, query: unknown): Promise<[string, unknown[]][]> {
  const res = await fetch(`${client.url}/cubejs-api/v1/sql`, {
    method: 'POST',
    headers: { authorization: client.token, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sql → ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { sql: { sql: [string, unknown[]] } } | { sql: { sql: [string, unknown[]] } }[];
  return (Array.isArray(body) ? body : [body]).map((b) => b.sql.sql);
}

async function apiRequest(client: ApiClient, r: Extract<CapturedRequest, { kind: 'api' }>): Promise<void> {
  const res = await fetch(client.url + r.path, {
    method: r.method,
    headers: { authorization: `Bearer ${client.token}`, ...(r.body ? { 'content-type': 'application/json' } : {}) },
    body: r.body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${r.method} ${r.path} → ${res.status} ${text.slice(0, 300)}`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The views a Cube query (or each part of a blended one) reads. */
export const viewsOf = (query: unknown): string[] => {
  const parts = (Array.isArray(query) ? query : [query]) as {
    measures?: string[];
    dimensions?: string[];
    timeDimensions?: { dimension: string }[];
  }[];
  const members = parts.flatMap((q) => [
    ...(q.measures ?? []),
    ...(q.dimensions ?? []),
    ...(q.timeDimensions ?? []).map((t) => t.dimension),
  ]);
  return [...new Set(members.map((m) => m.split('.')[0]!))];
};

/**
 * The views each answered part of a query read: a blended query answers one part per query, a
 * compareDateRange query one per range (all on the query's views).
 */
export function partViews(q: QueryFigures): string[][] {
  return (q.sqlParts ?? []).map((_, i) => viewsOf(Array.isArray(q.request) ? q.request[i] : q.request));
}

/** The distinct Cube queries and API requests of the captured pages, named page/views#n. */
export function distinctRequests(captured: CapturedRequest[]): QueryFigures[] {
  const byKey = new Map<string, QueryFigures>();
  for (const c of captured) {
    if (c.kind === 'other') continue;
    const request = c.kind === 'cube' ? c.query : { method: c.method, path: c.path, body: c.body };
    const key = JSON.stringify(request);
    const seen = byKey.get(key);
    if (seen) {
      if (!seen.pages.includes(c.page)) seen.pages.push(c.page);
      continue;
    }
    const label = c.kind === 'cube' ? viewsOf(c.query).join('+') : `${c.method} ${c.path.split('?')[0]}`;
    const n = [...byKey.values()].filter((q) => q.name.startsWith(`${c.page}/${label}#`)).length + 1;
    byKey.set(key, { name: `${c.page}/${label}#${n}`, pages: [c.page], kind: c.kind, request });
  }
  return [...byKey.values()];
}

/** Times every request through the API (server running); fills apiMs, uncachedApiMs, rows, sqlParts or error. */
export async function timeThroughApi(client: ApiClient, requests: QueryFigures[], runs: number): Promise<void> {
  for (const q of requests) {
    try {
      if (q.kind === 'api') {
        const r = { kind: 'api', page: q.pages[0]!, ...(q.request as { method: string; path: string; body?: string }) } as const;
        await apiRequest(client, r);
        const times: number[] = [];
        for (let i = 0; i < runs; i++) times.push(await timed(() => apiRequest(client, r)));
        q.apiMs = median(times);
        continue;
      }
      const first = await cubeLoad(client, q.request);
      const cached: number[] = [];
      const uncached: number[] = [];
      let answer = first;
      for (let i = 0; i < runs; i++) {
        cached.push(await timed(() => cubeLoad(client, q.request)));
        uncached.push(await timed(async () => (answer = await cubeLoad(client, q.request, { cache: 'no-cache' }))));
      }
      q.apiMs = median(cached);
      q.uncachedApiMs = median(uncached);
      q.rows = answer.results.reduce((s, r) => s + r.data.length, 0);
      q.preAggregations = Object.fromEntries(
        answer.results.flatMap((r) => Object.entries(r.usedPreAggregations ?? {}).map(([name, u]) => [name, u.lastUpdatedAt])),
      );
      const sqls = await cubeSql(client, q.request);
      if (sqls.length !== answer.results.length)
        throw new Error(`/v1/sql gave ${sqls.length} statements for ${answer.results.length} results`);
      q.sqlParts = sqls.map(([sql, params], i) => ({
        sql,
        params,
        apiRows: answer.results[i]!.data.length,
        preAggregations: Object.keys(answer.results[i]!.usedPreAggregations ?? {}),
      }));
    } catch (e) {
      q.error = (e as Error).message.slice(0, 500);
    }
  }
}

/** Times each query's SQL on DuckDB directly (the server stopped, its file read-only); fills directMs and ratio. */
export async function timeDirect(warehousePath: string, requests: QueryFigures[], runs: number): Promise<void> {
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    // As the server's driver sets it (server/cube/cube-server.ts): Cube's SQL assumes a UTC session.
    await conn.run("SET TimeZone = 'UTC'");
    const tables = (await conn.runAndReadAll('SELECT table_schema, table_name FROM information_schema.tables'))
      .getRows()
      .map(([s, t]) => `${s}.${t}`);
    /** The table of the pre-aggregation version the API used. */
    const versioned = (name: string, lastUpdatedAt: number) => {
      const found = tables.filter(
        (t) => t.startsWith(`${name}_`) && t.endsWith(`_${Math.floor(lastUpdatedAt / 1000).toString(32)}`),
      );
      if (found.length === 1) return found[0]!;
      // A rollup partitioned by time: Cube answers from the union of the partitions the query's range touches;
      // timed here over every partition (the query's own range filter keeps the same rows: an upper bound).
      const partitions = partitionsOf(name);
      if (found.length === 0 && partitions.size > 0)
        return `(${[...partitions.values()].map((t) => `SELECT * FROM ${t}`).join(' UNION ALL ')})`;
      throw new Error(`${found.length} tables in the warehouse for pre-aggregation ${name} updated at ${lastUpdatedAt}`);
    };
    /** A partitioned rollup's tables (`<name><YYYYMMDD>_…`), the newest of each partition, by partition. */
    const partitionsOf = (name: string) => {
      const partitions = new Map<string, string>();
      const builtAt = (t: string) => parseInt(t.slice(t.lastIndexOf('_') + 1), 32);
      for (const t of tables) {
        const partition = t.startsWith(name) ? /^(\d{8})_/.exec(t.slice(name.length))?.[1] : undefined;
        if (!partition) continue;
        const seen = partitions.get(partition);
        if (!seen || builtAt(t) > builtAt(seen)) partitions.set(partition, t);
      }
      return partitions;
    };
    /** The SQL with each rollup named by the table the API read: one partition's name, or the rollup's. */
    const withTables = (sql: string, name: string, at: number) =>
      sql
        .replace(
          new RegExp(`${name.replace('.', '\\.')}(\\d{8})(?![A-Za-z0-9_])`, 'g'),
          (whole, partition: string) => partitionsOf(name).get(partition) ?? whole,
        )
        .replace(new RegExp(`${name.replace('.', '\\.')}(?![A-Za-z0-9_])`, 'g'), () => versioned(name, at));
    for (const q of requests) {
      if (q.kind !== 'cube' || q.error || !q.sqlParts) continue;
      try {
        let total = 0;
        for (const raw of q.sqlParts) {
          const part = {
            ...raw,
            sql: Object.entries(q.preAggregations ?? {}).reduce((s, [name, at]) => withTables(s, name, at), raw.sql),
          };
          const times: number[] = [];
          for (let i = 0; i <= runs; i++) {
            let rows = 0;
            const ms = await timed(
              async () =>
                (rows = (await conn.runAndReadAll(part.sql, convertDuckDBParams(part.params) as never)).getRows().length),
            );
            if (rows !== part.apiRows)
              throw new Error(`DuckDB directly returned ${rows} rows where the API returned ${part.apiRows}`);
            if (i > 0) times.push(ms);
          }
          total += median(times);
        }
        q.directMs = Math.round(total * 10) / 10;
        q.ratio = Math.round((q.uncachedApiMs! / total) * 100) / 100;
      } catch (e) {
        q.error = `direct: ${(e as Error).message.slice(0, 500)}`;
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
