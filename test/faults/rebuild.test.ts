/*
 * Warehouse rebuilds against a serving server (real server over HTTP, the
 * real `build-warehouse` CLI as a child process, the project's model):
 *
 * 1. a rebuild during load swaps the new warehouse in with no failed request:
 *    3 clients send the dashboard's typical queries (some uncached) back to
 *    back before, during and after a rebuild from other seeds, and through
 *    the server's move to the new file (once its rollups are built: the
 *    previous file answers until then; 8 clients did no more than slow, on
 *    two cores, the build and warm-up they wait for: 35-88 s of load instead
 *    of ~25 s); every request is answered without error and the answers
 *    switch to the new figures;
 * 2. kill -9 of rebuilds held at a phase (REVCYCLE_BUILD_HOLD_AT: one with
 *    its marts written, one with its file finished just before the rename,
 *    both at once) leaves the previous warehouse serving (same figures, /readyz 200, a load burst
 *    without failures) and nothing that breaks the next build, which removes
 *    the killed builds' partial files and swaps in.
 *
 * One server serves both, in order: the second starts from the file the
 * first swapped in (seeds-small) and rebuilds back to seeds-semantic, so each
 * swap changes the figures (a server start costs more than either rebuild).
 *
 * Figures: leads per seed directory, counted from its leads.csv
 * (seeds-semantic 7, seeds-small 5).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLoadReport, runLoad, type RequestResult } from '../../bench/load';
import { builtWarehouse } from '../support/build-cache';
import { withSavedTranspilation } from '../support/compile-cache';
import { securityWithoutRateLimit, startTestServer } from '../support/server';
import { MODEL_DIR, TIME_ZONE } from '../semantic/semantic-server';
import { ROOT, sandbox, SECRET, spawnCli, type CliProcess } from './processes';

const seeds = (name: string) => path.join(ROOT, name);
const leadsIn = (dir: string) => readFileSync(path.join(dir, 'leads.csv'), 'utf8').trim().split('\n').length - 1;
const SEMANTIC = seeds('test/fixtures/seeds-semantic');
const SMALL = seeds('test/fixtures/seeds-small');

async function serving(seedsDir: string) {
  const box = sandbox(seedsDir);
  await builtWarehouse(seedsDir, box.warehouse);
  const t = await startTestServer({
    apiSecret: SECRET,
    warehousePath: box.warehouse,
    modelDir: MODEL_DIR,
    dashboardDist: '/nonexistent',
    stateDir: withSavedTranspilation(box.stateDir),
    security: securityWithoutRateLimit(), // a load drives it (test/support/server.ts)
  });
  const leads = async () => {
    const res = await t.load({ measures: ['paths.leads'], timezone: TIME_ZONE });
    expect(res.status).toBe(200);
    return Number(res.body.data[0]['paths.leads']);
  };
  const leftovers = () => readdirSync(path.dirname(box.warehouse)).filter((f) => f.includes('.building-'));
  /** Resolves once the server answers from a file other than `before` (after that file's rollups are built). */
  const switched = async (before: string) => {
    const deadline = Date.now() + 240_000;
    while (t.server.cube.warmup.served() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  };
  return { box, t, leads, leftovers, switched };
}

let s: Awaited<ReturnType<typeof serving>>;
beforeAll(async () => {
  s = await serving(SEMANTIC);
}, 300_000);
afterAll(async () => {
  await s?.t.server.close();
});

describe('a rebuild during load', () => {
  it('swaps with no failed request', async () => {
    expect(await s.leads()).toBe(leadsIn(SEMANTIC));
    const stop = new AbortController();
    const seen: RequestResult[] = [];
    const load = runLoad({
      url: s.t.url,
      token: s.t.token(),
      clients: 3,
      durationMs: 300_000,
      uncachedShare: 0.3,
      timezone: TIME_ZONE,
      signal: stop.signal,
      onResult: (r) => seen.push(r),
    });
    await new Promise((r) => setTimeout(r, 1500));
    const served = s.t.server.cube.warmup.served();
    const build = spawnCli(['build-warehouse'], s.box.env({ REVCYCLE_SEEDS: SMALL }));
    const code = await build.exited;
    expect(code, build.output()).toBe(0);
    const swappedAt = performance.now();
    await s.switched(served);
    await new Promise((r) => setTimeout(r, 3000));
    stop.abort();
    const report = await load;
    console.log(formatLoadReport(report, 'fixture seeds-semantic → seeds-small rebuild'));
    expect(report.failureSamples).toEqual([]);
    expect(report.serverErrors).toBe(0);
    expect(seen.filter((r) => r.sentAt > swappedAt).length, 'requests after the swap').toBeGreaterThan(0);
    expect(await s.leads()).toBe(leadsIn(SMALL));
  }, 360_000);
});

describe('kill -9 of a rebuild', () => {
  it('at each phase leaves the previous warehouse serving and the next build working', async () => {
    // The file the first test swapped in.
    const before = await s.leads();
    expect(before).toBe(leadsIn(SMALL));
    // Small builds held where they are to be killed (REVCYCLE_BUILD_HOLD_AT): with its marts written and no data test
    // run, and with the new file finished and checkpointed just before its rename over the warehouse. Both at once:
    // each writes a file of its own process (<warehouse>.building-<pid>-<ts>.duckdb), and a build after the other
    // would cost a whole build's time and its own load burst (the test's time nearly doubled when it held two builds
    // one after the other).
    const phases = ['modelled', 'before-swap'] as const;
    const held = phases.map((phase) =>
      spawnCli(['build-warehouse'], s.box.env({ REVCYCLE_SEEDS: SEMANTIC, REVCYCLE_BUILD_HOLD_AT: phase })),
    );
    await Promise.all(held.map((build, i) => build.waitFor(new RegExp(`holding at ${phases[i]}`), 120_000)));
    const [modelled, beforeSwap] = held as [CliProcess, CliProcess];
    expect(modelled.output()).toMatch(/marts\.\w+: /);
    expect(modelled.output()).not.toMatch(/data tests: \d+ of \d+ passed/);
    expect(beforeSwap.output()).toMatch(/data tests: \d+ of \d+ passed/);
    for (const [i, build] of held.entries()) {
      await build.kill9();
      expect(build.child.signalCode, phases[i]).toBe('SIGKILL');
      expect(
        s.leftovers().filter((f) => f.includes(`.building-${build.child.pid}-`)).length,
        `the build killed at ${phases[i]} leaves its partial files`,
      ).toBeGreaterThan(0);
    }

    expect(await s.leads()).toBe(before);
    expect((await s.t.request('/readyz', { token: null })).status).toBe(200);
    const burst = await runLoad({ url: s.t.url, token: s.t.token(), clients: 4, durationMs: 3000, timezone: TIME_ZONE });
    expect(burst.failureSamples).toEqual([]);

    const served = s.t.server.cube.warmup.served();
    const next = spawnCli(['build-warehouse'], s.box.env({ REVCYCLE_SEEDS: SEMANTIC }));
    expect(await next.exited, next.output()).toBe(0);
    await s.switched(served);
    expect(next.output()).toMatch(/removed .*\.building-\d+-\d+\.duckdb, left by an interrupted build/);
    expect(s.leftovers()).toEqual([]);
    expect(existsSync(s.box.warehouse)).toBe(true);
    expect(await s.leads()).toBe(leadsIn(SEMANTIC));
  }, 360_000);
});
