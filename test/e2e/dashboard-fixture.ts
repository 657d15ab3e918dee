/*
 * One real environment for the browser tests: the warehouse built from the
 * bundled seeds/ into a temporary directory, the dashboard built by Vite
 * into another, a state directory for the action log, and the real server
 * over them. `restart()` stops the server and starts a new one on the same
 * warehouse and state, as a deploy or a crash would.
 */
import path from 'node:path';
import { projectRoot } from '../../server/config';
import { monthTargets, type MonthTarget } from '../../dashboard/src/lib/build-plan-request';
import { copyOfDashboard, copyOfWarehouse } from '../support/build-cache';
import { withSavedTranspilation } from '../support/compile-cache';
import { startTestServer, type TestServer } from '../support/server';
import { sharedServer } from '../support/shared-server';
import { tempDir } from '../support/browser';

export interface DashboardEnv {
  t: TestServer;
  warehousePath: string;
  stateDir: string;
  dashboardDist: string;
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

/** The dashboard's production build in `outDir` (built once per test run). */
export const buildDashboard = copyOfDashboard;

export async function startDashboardEnv(): Promise<DashboardEnv> {
  const root = tempDir('revcycle-e2e-');
  const warehousePath = path.join(root, 'warehouse', 'warehouse.duckdb');
  // A restart is the subject here, not the first compile: the state starts with the tests' saved transpilation.
  const stateDir = withSavedTranspilation(path.join(root, 'state'));
  const dashboardDist = path.join(root, 'dashboard');
  await Promise.all([
    copyOfWarehouse(path.join(projectRoot, 'seeds'), warehousePath, { rollups: true }),
    copyOfDashboard(dashboardDist),
  ]);
  const start = () => startTestServer({ warehousePath, modelDir: path.join(projectRoot, 'model'), dashboardDist, stateDir });
  const env: DashboardEnv = {
    t: await start(),
    warehousePath,
    stateDir,
    dashboardDist,
    async restart() {
      await env.t.server.close();
      env.t = await start();
      return env.t;
    },
    async close() {
      await env.t.server.close();
    },
  };
  return env;
}

/**
 * The run's shared server over the bundled data (test/support/shared-server.ts), for a file that only reads:
 * it opens pages, asks the API and never restarts the server or writes its state. Outside a run with the global
 * setup, a server of its own (startDashboardEnv).
 */
export async function sharedDashboardEnv(): Promise<DashboardEnv> {
  const shared = await sharedServer();
  if (!shared) return startDashboardEnv();
  return {
    t: shared.t,
    warehousePath: shared.warehousePath,
    stateDir: shared.stateDir,
    dashboardDist: shared.dashboardDist,
    restart() {
      throw new Error('the shared server is not restarted: a file that restarts starts its own (startDashboardEnv)');
    },
    close: async () => {},
  };
}

/** The dashboard's time zone (the bundled seeds' setting): the browser tests ask Cube in it, as the pages do. */
export const DASHBOARD_TIME_ZONE = 'Asia/Tokyo';

/** Rows of a Cube query to `t`, in the dashboard's time zone; a failed query throws with the server's answer. */
export async function cubeRows(t: TestServer, query: Record<string, unknown>): Promise<Record<string, string | null>[]> {
  const res = await t.load({ timezone: DASHBOARD_TIME_ZONE, ...query });
  if (res.status !== 200) throw new Error(`query failed ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.data;
}

/**
 * The plan's months as the plan page sends them to POST /api/plan: the revenue and new_revenue targets of the
 * period's fiscal months (docs/metrics.md, the reverse plan).
 */
export async function planMonths(t: TestServer, period: { start: string; end: string }): Promise<MonthTarget[]> {
  const targets = await cubeRows(t, {
    measures: ['targets.target'],
    dimensions: ['targets.metric'],
    filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue', 'new_revenue'] }],
    timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: [period.start, period.end] }],
  });
  return monthTargets(
    targets.map((r) => ({
      month: `${String(r['targets.fiscal_month.month']).slice(0, 7)}-01`,
      metric: String(r['targets.metric']),
      target: Number(r['targets.target']),
    })),
  );
}
