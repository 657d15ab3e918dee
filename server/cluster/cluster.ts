/*
 * Cube's production topology on one machine (`npm run cluster`): two API
 * instances and one refresh worker, separate processes over one PostgreSQL
 * warehouse (REVCYCLE_WAREHOUSE_URL), as Cube's official distribution runs.
 *
 * - API instances: CUBEJS_PRE_AGGREGATIONS_BUILDER=false, so a request never
 *   builds a pre-aggregation (Cube's `externalRefresh`, set explicitly by
 *   cube-server.ts whatever NODE_ENV is: a query a pre-aggregation serves
 *   uses the refresh worker's newest table, and is refused until there is
 *   one). Not CUBEJS_ROLLUP_ONLY: that would refuse every query no
 *   pre-aggregation serves, and most of revcycle's views have none.
 * - Refresh worker: CUBEJS_REFRESH_WORKER=true, scheduled refresh every
 *   CUBEJS_SCHEDULED_REFRESH_TIMER seconds (default 30 here); it builds the
 *   pre-aggregations into PostgreSQL (no Cube Store configured), in the zone
 *   the API instances query: the warehouse's (server/cube/warehouse-time.ts),
 *   and any zones CUBEJS_SCHEDULED_REFRESH_TIMEZONES lists.
 * - A warehouse rebuild (`npm run build:warehouse` with the same URL) is
 *   picked up by every process: each keys its Cube state on the build time
 *   (server/cube/driver.ts).
 *
 * Limits: cache and queue stay in each process's memory (Cube Store or Redis
 * would share them across instances); no load balancer — each API instance
 * has its own port (put one in front, docs/deploy.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackUrl } from '../config.js';

const INSTANCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'instance.ts');

export interface ClusterOptions {
  warehouseUrl: string;
  /** Ports of the API instances and the refresh worker. */
  apiPorts: [number, number];
  workerPort: number;
  /** Extra environment for every process (secret, model directory, timer…). */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface RunningCluster {
  apiUrls: string[];
  workerUrl: string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}/readyz did not answer 200 within ${timeoutMs / 1000} s`);
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => console.log(line));
  const children: ChildProcess[] = [];
  const start = (name: string, port: number, env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
      env: {
        ...process.env,
        ...options.env,
        REVCYCLE_WAREHOUSE_URL: options.warehouseUrl,
        PORT: String(port),
        CUBEJS_SCHEDULED_REFRESH_DEFAULT: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) log(`[${name}] ${line}`);
      });
    }
    children.push(child);
    return child;
  };
  const api = options.apiPorts.map((port, i) =>
    start(`api-${i + 1}`, port, { CUBEJS_REFRESH_WORKER: 'false', CUBEJS_PRE_AGGREGATIONS_BUILDER: 'false' }),
  );
  const worker = start('refresh-worker', options.workerPort, {
    CUBEJS_REFRESH_WORKER: 'true',
    CUBEJS_PRE_AGGREGATIONS_BUILDER: 'true',
    CUBEJS_SCHEDULED_REFRESH_TIMER: options.env?.CUBEJS_SCHEDULED_REFRESH_TIMER ?? '30',
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  };
  const apiUrls = options.apiPorts.map(loopbackUrl);
  const workerUrl = loopbackUrl(options.workerPort);
  try {
    await Promise.all([...apiUrls.map((u, i) => waitReady(u, api[i]!)), waitReady(workerUrl, worker)]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { apiUrls, workerUrl, stop };
}

// `npm run cluster`: ports PORT, PORT+1 (API) and PORT+2 (refresh worker).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.REVCYCLE_WAREHOUSE_URL;
  if (!url) {
    console.error('npm run cluster needs REVCYCLE_WAREHOUSE_URL=postgres://… (build it first: npm run build:warehouse)');
    process.exit(2);
  }
  const base = Number(process.env.PORT ?? 4000);
  const cluster = await startCluster({ warehouseUrl: url, apiPorts: [base, base + 1], workerPort: base + 2 });
  console.log(`API instances: ${cluster.apiUrls.join(', ')} · refresh worker: ${cluster.workerUrl}`);
  const stop = async () => {
    await cluster.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
