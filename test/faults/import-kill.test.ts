/*
 * An import killed with SIGKILL at each of its phases — reading, merged,
 * prepared, just before the warehouse swap, just after it, after the rename
 * — leaves the warehouse, the latest import record (what GET /api/imports
 * and the Data page read) and the figures agreeing: up to the swap they all
 * name the previous import; from the swap on, the new one (finished by the
 * next reader). The real CLI runs as a child process and is told by
 * REVCYCLE_IMPORT_HOLD_AT to wait at the phase; the test kills it there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { latestImport, listImports, readManifest } from '../../server/import/area';
import type { ImportManifest } from '../../server/import/index';
import { AS_OF, importArea, PROJECT_ROOT, type ImportArea } from '../import/helpers';
import { startTestServer } from '../support/server';

const CANONICAL = path.join(PROJECT_ROOT, 'server/import/mappings/canonical.yml');

/** A canonical leads export of n leads (n differs per phase, so no import is "unchanged"). */
function leadsExport(root: string, n: number): string {
  const dir = path.join(root, `leads-${n}`);
  mkdirSync(dir, { recursive: true });
  const lines = ['lead_id,email,account_id,created_at,lead_source,persona,owner_team'];
  for (let i = 0; i < n; i++) lines.push(`P${n}-${i},p${i}@kill${n}.example.jp,,2025-04-0${1 + (i % 9)}T00:00:00Z,seo,,team_a`);
  writeFileSync(path.join(dir, 'leads.csv'), lines.join('\n'));
  return dir;
}

async function warehouseLeads(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return Number((await conn.runAndReadAll('select count(*) from staging.stg_leads')).getRows()[0]![0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Runs the import CLI until it says it holds at `phase`, then kills it with SIGKILL. */
async function killAt(area: ImportArea, dir: string, phase: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/cli.ts', 'import', 'generic', dir, '--mapping', CANONICAL, '--as-of', AS_OF],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        REVCYCLE_IMPORTS: area.importsDir,
        REVCYCLE_WAREHOUSE: area.warehouse,
        REVCYCLE_IMPORT_HOLD_AT: phase,
        CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "holding at ${phase}" within 180 s: ${out.slice(-2000)}`)), 180_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(`holding at ${phase}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`the import exited before holding at ${phase}: ${out.slice(-2000)}`));
    });
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('an import killed with SIGKILL at every phase', () => {
  let area: ImportArea;
  beforeAll(async () => {
    area = importArea();
    await area.run('generic', [leadsExport(area.root, 3)], { mappingFile: CANONICAL });
  }, 180_000);
  afterAll(() => area?.cleanup());

  // Phases in order; from after-swap on, the killed import is the one that serves.
  const phases: [string, number, boolean][] = [
    ['read', 4, false],
    ['merged', 5, false],
    ['prepared', 6, false],
    ['before-swap', 7, false],
    ['after-swap', 8, true],
    ['renamed', 9, true],
  ];
  let serving = 3; // leads the serving import holds
  for (const [phase, n, committed] of phases) {
    it(`leaves warehouse and import record agreeing when killed at ${phase}`, async () => {
      await killAt(area, leadsExport(area.root, n), phase);
      // An import adds its leads to what the store holds (the earlier imports' leads stay).
      if (committed) serving += n;
      // What GET /api/imports and the Data page read: the latest import's manifest (its reader finishes a committed import).
      const latest = latestImport(area.importsDir)!;
      const manifest = readManifest<ImportManifest>(latest);
      expect(manifest.tables.leads).toBe(serving);
      expect(await warehouseLeads(area.warehouse)).toBe(serving);
    }, 240_000);
  }

  it('serves the same import on /api/imports and in its figures after a kill right after the swap', async () => {
    await killAt(area, leadsExport(area.root, 11), 'after-swap');
    // Nothing has listed the imports since the kill: the server is the first reader, as `npm start` would be. Its
    // rollups are not the subject: the one query builds the one it reads (REVCYCLE_WARMUP=lazy).
    const t = await startTestServer({
      warehousePath: area.warehouse,
      modelDir: path.join(PROJECT_ROOT, 'model'),
      dashboardDist: '/nonexistent',
      importsDir: area.importsDir,
      warmup: 'lazy',
    });
    try {
      const status = await t.request('/api/imports');
      expect(status.status).toBe(200);
      const body = status.body as { latest: { id: string; tables: Record<string, number> } };
      // 3 + 8 + 9 committed before, 11 now.
      expect(body.latest.tables.leads).toBe(31);
      expect(path.basename(listImports(area.importsDir).at(-1)!)).toBe(body.latest.id);
      const res = await t.load({
        measures: ['stage_reach.leads'],
        filters: [{ member: 'stage_reach.stage', operator: 'equals', values: ['lead'] }],
      });
      expect(Number((res.body as { data: Record<string, string>[] }).data[0]!['stage_reach.leads'])).toBe(31);
    } finally {
      await t.server.close();
    }
  }, 240_000);
});
