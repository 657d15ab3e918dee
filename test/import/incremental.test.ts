/*
 * The import area over time: importing the same files twice changes
 * nothing; a newer export updates changed rows, adds new ones and keeps rows
 * it no longer lists; a person in HubSpot and Salesforce is one lead with the
 * transitions of both; and an import killed with SIGKILL half-way leaves the
 * previous import and warehouse serving and no partial import behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileIdentity } from '../../server/cube/driver';
import { listImports } from '../../server/import/area';
import { AS_OF, FIXTURES, PROJECT_ROOT, importArea, serve, type ImportArea } from './helpers';

const CANONICAL = path.join(PROJECT_ROOT, 'server/import/mappings/canonical.yml');
const tablesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(path.join(dir, 'tables'))
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, 'tables', f), 'utf8')]),
  );

function writeExport(dir: string, leads: string[], transitions: string[]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'leads.csv'),
    ['lead_id,email,account_id,created_at,lead_source,persona,owner_team,updated_at', ...leads].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'stage_transitions.csv'),
    ['transition_id,lead_id,from_stage,to_stage,transitioned_at', ...transitions].join('\n'),
  );
}

describe('importing again', () => {
  let area: ImportArea;
  afterAll(() => area?.cleanup());

  it('changes nothing when the files are the same', async () => {
    area = importArea();
    const first = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')]);
    const second = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')]);
    expect(second.manifest.unchanged).toBe(true);
    expect(second.manifest.tablesHash).toBe(first.manifest.tablesHash);
    expect(tablesOf(second.dir!)).toEqual(tablesOf(first.dir!));
    expect(second.manifest.tables).toEqual(first.manifest.tables);
  }, 120_000);

  it('updates changed rows, adds new ones and keeps the history of rows a newer export dropped', async () => {
    const a = importArea();
    try {
      const v1 = path.join(a.root, 'v1');
      const v2 = path.join(a.root, 'v2');
      writeExport(
        v1,
        [
          'A,a@one.example.jp,,2025-04-01 10:00,seo,,team_a,2025-04-01 10:00',
          'B,b@two.example.jp,,2025-04-02 10:00,email,,team_b,2025-04-02 10:00',
        ],
        ['T1,A,,lead,2025-04-01 10:00', 'T2,B,,lead,2025-04-02 10:00', 'T3,B,lead,mql,2025-04-09 10:00'],
      );
      // v2: A's source corrected and A reached mql; B no longer exported; C is new.
      writeExport(
        v2,
        [
          'A,a@one.example.jp,,2025-04-01 10:00,webinar,,team_a,2025-05-01 10:00',
          'C,c@three.example.jp,,2025-05-03 10:00,seo,,team_c,2025-05-03 10:00',
        ],
        ['T1,A,,lead,2025-04-01 10:00', 'T4,A,lead,mql,2025-05-01 10:00', 'T5,C,,lead,2025-05-03 10:00'],
      );
      // what is looked at is the import area's tables: no warehouse build (test/import/data-page.test.ts builds imports)
      await a.run('generic', [v1], { mappingFile: CANONICAL, build: false });
      const after = await a.run('generic', [v2], { mappingFile: CANONICAL, build: false });
      const leads = Object.fromEntries(a.table(after, 'leads').map((l) => [l.email, l]));
      expect(Object.keys(leads).sort()).toEqual(['a@one.example.jp', 'b@two.example.jp', 'c@three.example.jp']);
      expect(leads['a@one.example.jp']!.lead_source).toBe('webinar');
      const stages = (email: string) =>
        a
          .table(after, 'stage_transitions')
          .filter((t) => t.lead_id === leads[email]!.lead_id)
          .map((t) => t.to_stage);
      expect(stages('a@one.example.jp')).toEqual(['lead', 'mql']);
      expect(stages('b@two.example.jp')).toEqual(['lead', 'mql']); // dropped from the export, kept
      expect(stages('c@three.example.jp')).toEqual(['lead']);
      expect(listImports(a.importsDir)).toHaveLength(2);
    } finally {
      a.cleanup();
    }
  }, 120_000);

  it('makes a person found in HubSpot and Salesforce one lead with the transitions of both, and logs the merge', async () => {
    const a = importArea();
    try {
      // the import area's tables and merge log: no warehouse build (test/import/data-page.test.ts builds these two)
      await a.run('hubspot', [path.join(FIXTURES, 'hubspot')], { build: false });
      const both = await a.run('salesforce', [path.join(FIXTURES, 'salesforce')], { build: false });
      const taro = a.table(both, 'leads').filter((l) => l.email === 'taro.yamada@acme.example.co.jp');
      expect(taro).toHaveLength(1);
      const steps = a
        .table(both, 'stage_transitions')
        .filter((t) => t.lead_id === taro[0]!.lead_id)
        .map((t) => [t.to_stage, t.transitioned_at]);
      // HubSpot: lead 04-03, mql 04-10, sql 04-20, opportunity 05-01, won 06-15 (JST 10:00 = 01:00 UTC).
      // Salesforce: lead 04-03, mql 04-08, sal 04-12, sql 04-18, opportunity 05-01, won 06-18.
      // One cycle: each stage entered once, at its earliest; later re-entries of a stage already passed are not transitions.
      expect(steps).toEqual([
        ['lead', '2025-04-03T01:00:00.000Z'],
        ['mql', '2025-04-08T01:00:00.000Z'],
        ['sal', '2025-04-12T01:00:00.000Z'],
        ['sql', '2025-04-18T01:00:00.000Z'],
        ['opportunity', '2025-05-01T01:00:00.000Z'],
        ['won', '2025-06-15T01:00:00.000Z'],
      ]);
      const merges = readFileSync(path.join(both.dir!, 'merges.csv'), 'utf8');
      expect(merges).toMatch(
        /lead,L\w+,taro\.yamada@acme\.example\.co\.jp,hubspot:201 salesforce:003A000001 salesforce:00QA000001/,
      );
      expect(merges).toMatch(/account,acme\.example\.co\.jp,domain,hubspot:101 salesforce:001A000001/);
      // ガンマ: no domain in HubSpot, matched by the Salesforce Account ID HubSpot's integration keeps (same_as), and
      // by the name both records give (ガンマ商事株式会社).
      expect(merges).toMatch(/account,salesforce:001A000003,name\+same_as,hubspot:103 salesforce:001A000003/);
      const jiro = a.table(both, 'leads').find((l) => l.email === 'jiro@gamma.example.jp')!;
      expect(jiro.account_id).toBe('salesforce:001A000003');
      // HubSpot's last run stays on record beside Salesforce's.
      expect(Object.keys(both.manifest.sources).sort()).toEqual(['hubspot', 'salesforce']);
    } finally {
      a.cleanup();
    }
  }, 120_000);
});

describe('an import killed half-way (SIGKILL)', () => {
  let area: ImportArea;
  beforeAll(() => {
    area = importArea();
  });
  afterAll(() => area?.cleanup());

  it('leaves the previous import and warehouse serving and no partial import', async () => {
    const first = await area.run('generic', [path.join(FIXTURES, 'generic')], {
      mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
    });
    // which file serves (inode and creation time, as the server tells builds apart): not the modification time,
    // which the server's own rollups change when its warm-up checkpoints them into the file
    const warehouseBefore = fileIdentity(area.warehouse);
    const views = await serve(area.warehouse);
    const leadsQuery = {
      measures: ['stage_reach.leads'],
      filters: [{ member: 'stage_reach.stage', operator: 'equals', values: ['lead'] }],
    };
    try {
      expect((await views.rows(leadsQuery))[0]!.leads).toBe('3');

      // A large export: 400 000 leads take the importer several seconds.
      const big = path.join(area.root, 'big');
      mkdirSync(big);
      const lines = ['lead_id,email,account_id,created_at,lead_source,persona,owner_team'];
      for (let i = 0; i < 400_000; i++) lines.push(`K${i},k${i}@big${i % 5000}.example.jp,,2025-04-01T00:00:00Z,seo,,team`);
      writeFileSync(path.join(big, 'leads.csv'), lines.join('\n'));

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'server/cli.ts', 'import', 'generic', big, '--mapping', CANONICAL, '--as-of', AS_OF],
        {
          cwd: PROJECT_ROOT,
          env: {
            ...process.env,
            REVCYCLE_IMPORTS: area.importsDir,
            REVCYCLE_WAREHOUSE: area.warehouse,
            CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
          },
          stdio: 'ignore',
        },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Kill in the middle of the work: once its work directory exists and it has spent another second of CPU
      // there (reading and checking 400 000 rows takes several), not at a phase where it would wait
      // (test/faults/import-kill.test.ts kills at each phase). The rows DuckDB checks stay in its database
      // (docs/import.md), so there is no batch file to watch.
      const working = () => readdirSync(area.importsDir).some((n) => n.startsWith('.work-'));
      const cpuSeconds = () => {
        // /proc/<pid>/stat: utime and stime are fields 14 and 15, after the parenthesised command name, in 1/100 s
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      };
      // a bound for a loaded machine (the file runs beside others), not a speed: the kill waits on the child's CPU
      const deadline = Date.now() + 120_000;
      while (!working() && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(working()).toBe(true);
      const started = cpuSeconds();
      while (cpuSeconds() < started + 1 && child.exitCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(child.exitCode).toBeNull(); // still importing
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      // The previous import is still the latest complete one; the warehouse is the previous one and answers as before.
      expect(listImports(area.importsDir)).toEqual([first.dir]);
      expect(fileIdentity(area.warehouse)).toBe(warehouseBefore);
      expect(
        (
          await views.rows({
            ...leadsQuery,
            filters: [...leadsQuery.filters, { member: 'stage_reach.stage', operator: 'notEquals', values: ['x'] }],
          })
        )[0]!.leads,
      ).toBe('3');

      // The next import clears the killed one's work directory and completes.
      const next = await area.run('generic', [path.join(FIXTURES, 'generic')], {
        mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
      });
      expect(readdirSync(area.importsDir).filter((n) => n.startsWith('.work-'))).toEqual([]);
      expect(next.manifest.unchanged).toBe(true);
    } finally {
      await views.close();
    }
  }, 180_000);
});
