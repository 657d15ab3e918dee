/*
 * Two running servers on copies of one warehouse (say the main branch's and a
 * branch's), compared in one session, each measurement taken on A and B in
 * turn, so the load of a shared machine weighs on both alike; the load
 * average is printed beside each figure, and the ratio A ÷ B is what to read.
 *
 *   npx tsx bench/compare-servers.ts A_URL B_URL [--runs 4] [--replays 10] [--seconds 10] [--clients 10]
 *                                    [--steps pages,batches,clients] [--pages board,funnel]
 *   npx tsx bench/compare-servers.ts A_URL --dist-b DIR [--runs 4] [--steps pages] …
 *
 * With `--dist-b`, B is A's server with the dashboard bundle built in DIR
 * (`npx vite build --outDir DIR` on the other tree) in front of it
 * (bench/bundle-proxy.ts): one server and warehouse, two bundles, so only the
 * browser's work differs.
 *
 * (CUBEJS_API_SECRET: the servers' secret, for the clients' token.)
 *   1. pages: each dashboard page opened on A and on B in turn, `runs` times
 *      each after a first visit (bench/dashboard.ts): navigation → all
 *      figures shown, and where the time went (VisitPhases);
 *   2. batches: the batches each page sent (captured on A's first visits)
 *      posted again to A and to B in turn, `replays` times: the server's time
 *      for a page's requests when its caches hold them (sum over the pages);
 *   3. clients: `clients` concurrent clients sending the pages' distinct
 *      queries, uncached then cached, `seconds` each, A, B, A, B.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { signToken } from '../server/auth.js';
import { launchBrowser, visitPhases, type VisitPhases } from './dashboard';
import { PAGES, waitForCards } from './dashboard-pages';
import { startBundleProxy } from './bundle-proxy';
import { runClients } from './concurrency';
import { median } from './stats';

const BATCH = '/cubejs-api/v1/batch';
const load = () => `load ${os.loadavg()[0]!.toFixed(1)}`;
const ms = (x: number) => `${Math.round(x)} ms`;

interface Visit extends VisitPhases {
  ms: number;
  batches: { requests: unknown[] }[];
}

async function visit(browser: Browser, url: string, path: string): Promise<Visit> {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1440, height: 960 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const batches: { requests: unknown[] }[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === BATCH) batches.push(JSON.parse(r.postData() ?? '{}'));
    });
    const started = performance.now();
    await page.goto(url.replace(/\/$/, '') + path);
    await waitForCards(page, 120_000);
    const total = performance.now() - started;
    return { ms: total, batches, ...(await visitPhases(page, cdp)) };
  } finally {
    await context.close();
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '4' },
      replays: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '10' },
      clients: { type: 'string', default: '10' },
      /** Which of the three measurements to take (default all). */
      steps: { type: 'string', default: 'pages,batches,clients' },
      /** Which pages, by name (default all). */
      pages: { type: 'string' },
      /** B = A's server with this dashboard bundle (a vite build's output directory) in front of it. */
      'dist-b': { type: 'string' },
    },
  });
  const [a] = positionals;
  const proxy = a && values['dist-b'] ? await startBundleProxy(a, values['dist-b']) : undefined;
  const b = proxy?.url ?? positionals[1];
  if (!a || !b)
    throw new Error('usage: bench/compare-servers.ts A_URL (B_URL | --dist-b DIR) [--runs 4] [--replays 10] [--seconds 10]');
  const servers = { A: a, B: b };
  const runs = Number(values.runs);
  const steps = new Set(values.steps.split(','));
  const pages = values.pages ? PAGES.filter((p) => values.pages!.split(',').includes(p.name)) : PAGES;
  const token = signToken(
    process.env.CUBEJS_API_SECRET ?? 'bench-secret-0123456789abcdef',
    { sub: 'compare', role: 'executive' },
    3600,
  );
  console.log(
    `A ${a}\nB ${b}${proxy ? ` (A's server, bundle ${values['dist-b']})` : ''}\n${os.cpus().length} cores, ${load()}\n`,
  );

  // 1. pages
  const browser = await launchBrowser();
  const captured: Record<string, { requests: unknown[] }[]> = {};
  const all: Record<'A' | 'B', number[]> = { A: [], B: [] };
  try {
    console.log('page         A          B          A ÷ B   (median; A then B: APIs in flight / last answer / main thread)');
    for (const p of pages) {
      captured[p.name] = (await visit(browser, a, p.path)).batches;
      await visit(browser, b, p.path); // the first visit of each, apart
      const got: Record<'A' | 'B', Visit[]> = { A: [], B: [] };
      for (let i = 0; i < runs; i++)
        for (const k of (i % 2 ? ['B', 'A'] : ['A', 'B']) as ('A' | 'B')[]) got[k].push(await visit(browser, servers[k], p.path));
      const m = (k: 'A' | 'B', f: keyof Visit) => median(got[k].map((v) => v[f] as number));
      all.A.push(...got.A.map((v) => v.ms));
      all.B.push(...got.B.map((v) => v.ms));
      const phases = (k: 'A' | 'B') =>
        `${ms(m(k, 'apiMs'))} / ${ms(m(k, 'lastAnswerMs'))} / ${ms(m(k, 'mainThreadMs'))} (CPU ${ms(m(k, 'mainThreadCpuMs'))})`;
      console.log(
        `${p.name.padEnd(12)} ${ms(m('A', 'ms')).padEnd(10)} ${ms(m('B', 'ms')).padEnd(10)} ${(m('A', 'ms') / m('B', 'ms')).toFixed(2)}    A ${phases('A')}; B ${phases('B')}   (${load()})`,
      );
    }
    console.log(
      `all pages    ${ms(median(all.A)).padEnd(10)} ${ms(median(all.B)).padEnd(10)} ${(median(all.A) / median(all.B)).toFixed(2)}\n`,
    );
  } finally {
    await browser.close();
  }

  if (!steps.has('batches') && !steps.has('clients')) return;
  // 2. the pages' batches again, cached
  const post = async (url: string, body: unknown) => {
    const t0 = performance.now();
    const res = await fetch(`${url}${BATCH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    return performance.now() - t0;
  };
  const sums: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let i = 0; steps.has('batches') && i < Number(values.replays); i++)
    for (const k of (i % 2 ? ['B', 'A'] : ['A', 'B']) as ('A' | 'B')[]) {
      let sum = 0;
      for (const batches of Object.values(captured)) for (const batch of batches) sum += await post(servers[k], batch);
      sums[k].push(sum);
    }
  if (steps.has('batches'))
    console.log(
      `every page's batches, cached (median of ${values.replays}): A ${ms(median(sums.A))}, B ${ms(median(sums.B))}, A ÷ B ${(median(sums.A) / median(sums.B)).toFixed(2)}   (${load()})\n`,
    );

  // 3. concurrent clients
  const seen = new Set<string>();
  const queries: unknown[] = [];
  for (const batches of Object.values(captured))
    for (const batch of batches)
      for (const e of batch.requests as { route: string; query?: unknown }[]) {
        const key = JSON.stringify(e.query);
        if (e.route !== 'load' || seen.has(key)) continue;
        seen.add(key);
        queries.push(e.query);
      }
  for (const mode of steps.has('clients') ? (['uncached', 'cached'] as const) : [])
    for (const k of ['A', 'B', 'A', 'B'] as const) {
      const f = await runClients({ url: servers[k], token }, queries, {
        clients: Number(values.clients),
        mode,
        durationMs: Number(values.seconds) * 1000,
      });
      const l = f.latencyMs;
      console.log(
        `${k} ${f.clients} clients ${mode.padEnd(8)} ${String(f.queriesPerSecond).padStart(6)} q/s   p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, errors ${f.errors}   (${load()})`,
      );
    }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
