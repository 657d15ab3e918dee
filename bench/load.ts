/*
 * Bounded load test on loopback: N concurrent clients send the dashboard's
 * typical queries (bench/typical-queries.ts, one per public view) to
 * /cubejs-api/v1/load for a fixed time, the way @cubejs-client/core sends them
 * (queryType multi, the company's zone), and the answers are checked: every
 * 200 must carry data, and the run fails its check on any 5xx, network error
 * or malformed answer.
 *
 * A share of the requests (default 30 %) is made uncached: the query gets a
 * filter that changes its SQL but not its answer (`notEquals` a value no row
 * has), so Cube cannot answer from its result cache and DuckDB runs it.
 * Cube's "Continue wait" answers (a query still queued after Cube's wait
 * timeout) are polled again, as the client library does; latency runs from
 * the first send to the final answer.
 *
 *   runLoadInChild(options)                 used by `npm run bench` (bench/run.ts) and
 *                                           test/faults/load-smoke: the clients run in a
 *                                           separate Node process, as real clients would;
 *                                           in the server's own process they share its
 *                                           event loop and time out connecting when it is busy
 *   runLoad(options)                        the same in this process (tests that watch
 *                                           each request)
 *   npx tsx bench/load.ts --url URL [--clients 50] [--seconds 120] [--uncached 0.3] [--data LABEL]
 *                                           against a running server (token from
 *                                           REVCYCLE_LOAD_TOKEN, else signed with
 *                                           CUBEJS_API_SECRET); figures to stdout and
 *                                           bench/results/load-<time>.json (or --out FILE)
 *
 * Limits: one machine (client and server share the CPU), so queries/s is a
 * floor for what the server alone would sustain; no think time between a
 * client's requests (closed loop, the heaviest load N clients can make).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TYPICAL_QUERIES } from './typical-queries.js';
import { percentiles, type Percentiles } from './stats.js';

export { percentiles, type Percentiles };

export type Query = Record<string, unknown>;

export interface LoadOptions {
  url: string;
  /** Cube API token sent as the Authorization header. */
  token: string;
  clients: number;
  durationMs: number;
  /** Named queries; defaults to the dashboard's typical query per view. */
  queries?: Record<string, Query>;
  /** Share of requests made uncached (0–1). */
  uncachedShare?: number;
  /** Query time zone; the dashboard sends the company's (settings) zone. */
  timezone?: string;
  /** A request still unanswered after this long counts as failed. */
  requestTimeoutMs?: number;
  /** Called after each finished request (tests use it to watch progress). */
  onResult?: (r: RequestResult) => void;
  /** Stops starting new requests before durationMs is up (requests in flight finish). */
  signal?: AbortSignal;
}

export interface RequestResult {
  query: string;
  /** When the request was sent (performance.now()). */
  sentAt: number;
  uncached: boolean;
  status: number;
  ms: number;
  /** Why the request failed (non-200, bad body, network), if it did. */
  failure?: string;
}

export interface LoadReport {
  clients: number;
  durationMs: number;
  requests: number;
  queriesPerSecond: number;
  statuses: Record<string, number>;
  serverErrors: number;
  failures: number;
  failureSamples: string[];
  continueWaits: number;
  latencyMs: Percentiles;
  cachedMs: Percentiles;
  uncachedMs: Percentiles;
  perQuery: Record<string, Percentiles>;
  /** True when no request got a 5xx, a network error or a malformed answer. */
  passed: boolean;
}

/**
 * The same answer through different SQL: excludes a value no row has (a negative number with
 * the nonce as decimals, so it fits a string dimension and a numeric measure alike; Cube's
 * `notEquals` keeps nulls).
 */
export function uncachedVariant(query: Query, nonce: number): Query {
  const member = (query.dimensions as string[] | undefined)?.[0] ?? (query.measures as string[])[0];
  const value = `-1.${String(Math.floor(Math.abs(nonce))).padStart(9, '0')}1`;
  const filters = [...((query.filters as unknown[] | undefined) ?? []), { member, operator: 'notEquals', values: [value] }];
  return { ...query, filters };
}

const isContinueWait = (status: number, body: unknown) =>
  status === 200 && (body as { error?: unknown })?.error === 'Continue wait';

/** What a good /load answer to a multi request looks like. */
function badAnswer(body: unknown): string | undefined {
  const results = (body as { results?: unknown })?.results;
  if (!Array.isArray(results) || results.length === 0) return 'no results in a 200 answer';
  if (!results.every((r) => Array.isArray((r as { data?: unknown }).data))) return 'a result without a data array';
  return undefined;
}

async function send(
  opts: LoadOptions,
  name: string,
  query: Query,
  uncached: boolean,
  counters: { continueWaits: number },
): Promise<RequestResult> {
  const body = JSON.stringify({ query, queryType: 'multi' });
  const started = performance.now();
  const deadline = started + (opts.requestTimeoutMs ?? 120_000);
  try {
    for (;;) {
      const res = await fetch(`${opts.url}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { authorization: opts.token, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (isContinueWait(res.status, parsed)) {
        counters.continueWaits++;
        continue;
      }
      const ms = performance.now() - started;
      if (res.status !== 200)
        return {
          query: name,
          sentAt: started,
          uncached,
          status: res.status,
          ms,
          failure: `${name}: ${res.status} ${text.slice(0, 200)}`,
        };
      const bad = badAnswer(parsed);
      return { query: name, sentAt: started, uncached, status: 200, ms, ...(bad ? { failure: `${name}: ${bad}` } : {}) };
    }
  } catch (e) {
    // fetch's own message ("fetch failed") hides the reason; the cause names it (reset, closed socket, timeout).
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const reason = [(e as Error).message, cause?.code, cause?.message].filter(Boolean).join(': ');
    return { query: name, sentAt: started, uncached, status: 0, ms: performance.now() - started, failure: `${name}: ${reason}` };
  }
}

/** Runs `clients` closed-loop clients for `durationMs` and reports latency, throughput and failures. */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const named = Object.entries(opts.queries ?? TYPICAL_QUERIES).map(
    ([name, q]) => [name, opts.timezone ? { timezone: opts.timezone, ...q } : q] as const,
  );
  if (named.length === 0) throw new Error('runLoad: no queries');
  const share = opts.uncachedShare ?? 0.3;
  const results: RequestResult[] = [];
  const counters = { continueWaits: 0 };
  let nonce = process.pid * 1_000_000;
  const started = performance.now();
  const stopAt = started + opts.durationMs;

  const client = async (c: number) => {
    // Clients start at different queries so every view is in flight at once.
    for (let n = c; performance.now() < stopAt && !opts.signal?.aborted; n++) {
      const [name, query] = named[n % named.length];
      // Deterministic spread: every k-th request of a client is uncached.
      const uncached = share > 0 && (n * share) % 1 < share;
      const q = uncached ? uncachedVariant(query, nonce++) : query;
      const r = await send(opts, name, q, uncached, counters);
      results.push(r);
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  const elapsed = performance.now() - started;

  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const failed = results.filter((r) => r.failure);
  const ok = results.filter((r) => !r.failure);
  const perQuery = Object.fromEntries(
    named.map(([name]) => [name, percentiles(ok.filter((r) => r.query === name).map((r) => r.ms))]),
  );
  return {
    clients: opts.clients,
    durationMs: Math.round(elapsed),
    requests: results.length,
    queriesPerSecond: Math.round((ok.length / (elapsed / 1000)) * 10) / 10,
    statuses,
    serverErrors: results.filter((r) => r.status >= 500).length,
    failures: failed.length,
    failureSamples: [...new Set(failed.map((r) => r.failure!))].slice(0, 10),
    continueWaits: counters.continueWaits,
    latencyMs: percentiles(ok.map((r) => r.ms)),
    cachedMs: percentiles(ok.filter((r) => !r.uncached).map((r) => r.ms)),
    uncachedMs: percentiles(ok.filter((r) => r.uncached).map((r) => r.ms)),
    perQuery,
    passed: failed.length === 0 && results.length > 0,
  };
}

/** The report as the lines `npm run bench` prints. */
export function formatLoadReport(r: LoadReport, dataSize: string): string {
  const p = (x: Percentiles) => `p50 ${x.p50} ms  p95 ${x.p95} ms  p99 ${x.p99} ms  (n ${x.count})`;
  return [
    `load: ${r.clients} clients × ${(r.durationMs / 1000).toFixed(0)} s on loopback, ${dataSize}`,
    `  ${r.requests} requests, ${r.queriesPerSecond} answered/s, statuses ${JSON.stringify(r.statuses)}, ` +
      `5xx ${r.serverErrors}, failures ${r.failures}, "Continue wait" polls ${r.continueWaits}`,
    `  all       ${p(r.latencyMs)}`,
    `  cached    ${p(r.cachedMs)}`,
    `  uncached  ${p(r.uncachedMs)}`,
    ...r.failureSamples.map((f) => `  failure: ${f}`),
    `  check: ${r.passed ? 'PASS (no 5xx, no failed request)' : 'FAIL'}`,
  ].join('\n');
}

/** runLoad from a separate Node process (this file's command line), for the default query list. */
export async function runLoadInChild(opts: Omit<LoadOptions, 'queries' | 'onResult' | 'signal'>): Promise<LoadReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-load-'));
  const out = path.join(dir, 'report.json');
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--url',
        opts.url,
        '--clients',
        String(opts.clients),
        '--seconds',
        String(opts.durationMs / 1000),
        '--uncached',
        String(opts.uncachedShare ?? 0.3),
        ...(opts.timezone ? ['--timezone', opts.timezone] : []),
        '--out',
        out,
      ],
      { env: { ...process.env, REVCYCLE_LOAD_TOKEN: opts.token }, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    // Exit code 1 is a run whose check failed; its report is still written.
    if (code !== 0 && code !== 1) throw new Error(`the load process exited with ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as LoadReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:4000' },
      clients: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '120' },
      uncached: { type: 'string', default: '0.3' },
      timezone: { type: 'string' },
      data: { type: 'string', default: 'data size not given (--data)' },
      out: { type: 'string' },
    },
  });
  const { loadConfig, projectRoot } = await import('../server/config.js');
  const config = loadConfig();
  const token =
    process.env.REVCYCLE_LOAD_TOKEN ??
    (await import('../server/auth.js')).signToken(
      config.apiSecret,
      { sub: 'bench-load', role: 'executive' },
      3600,
      config.security,
    );
  const report = await runLoad({
    url: values.url!.replace(/\/$/, ''),
    token,
    clients: Number(values.clients),
    durationMs: Number(values.seconds) * 1000,
    uncachedShare: Number(values.uncached),
    timezone: values.timezone ?? config.timeZone,
  });
  if (values.out) {
    writeFileSync(values.out, JSON.stringify(report));
  } else {
    console.log(formatLoadReport(report, values.data!));
    const outDir = path.join(projectRoot, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ data: values.data, ...report }, null, 2));
    console.log(`figures written to ${path.relative(projectRoot, file)}`);
  }
  process.exit(report.passed ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
