/*
 * The generic source through a mapping (a Japanese MA tool's Shift_JIS list
 * export, a gzipped activity log, a deal list), and one fixture with every
 * kind of bad input beside good rows: each bad row is quarantined with file,
 * line, column and reason, every good row arrives, and the CLI refuses the
 * import (exit 1, nothing changed) unless --allow-rejects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImportResult } from '../../server/import/index';
import { listImports } from '../../server/import/area';
import { AS_OF, FIXTURES, PROJECT_ROOT, figures, importedAndServed, importArea, type ImportArea } from './helpers';

const cli = (area: ImportArea, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'import', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      REVCYCLE_IMPORTS: area.importsDir,
      REVCYCLE_WAREHOUSE: area.warehouse,
      CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
    },
  });

describe('generic CSV through a mapping file', () => {
  const s = importedAndServed((area) =>
    area.run('generic', [path.join(FIXTURES, 'generic')], {
      mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
    }),
  );

  it('answers the hand-counted figures', async () => {
    const f = await figures(s.views, { from: 'lead', to: 'mql', month: '2025-04' });
    // L-1: lead 4/3, MQL 4/10, 商談化 4/25, deal D-1 (4/25, 受注 6/1); L-2: lead 4/5; L-3: lead 5/1, MQL 5/2,
    // deal D-2 (5/10, 失注 7/1) → sql back-filled.
    expect(f.volumes).toEqual({ lead: 3, mql: 2, sal: 2, sql: 2, opportunity: 2, won: 1 });
    // April (JST) lead cohort: L-1, L-2; L-1 reached mql.
    expect(f.cohort).toEqual({ entered: 2, converted: 1, rate: 1 / 2 });
    expect(f.deals).toEqual({ won: 1, lost: 1, winRate: 1 / 2 });
    // D-1 (カッパ): L-1's 自然検索 on 4/3 comes first; D-2 (ラムダ): L-3's セミナー.
    expect(f.firstTouch).toEqual({ seo: 1, seminar: 1 });
  });

  it('detects Shift_JIS, reads .csv.gz, folds full-width addresses and reads Japanese dates', () => {
    expect(s.result.manifest.run.files.map((f) => [path.basename(f.file), f.encoding, f.rows])).toEqual([
      ['リード一覧_20250930.csv', 'cp932', 3],
      ['deals_2025.csv', 'utf8', 2],
      ['touches_2025.csv.gz', 'utf8', 4],
    ]);
    const suzuki = s.area.table(s.result, 'leads').find((l) => l.email === 'suzuki@kappa.example.jp')!;
    expect(suzuki.created_at).toBe('2025-04-04T15:00:00.000Z'); // 2025年4月5日 in Asia/Tokyo
    expect(
      s.area
        .table(s.result, 'accounts')
        .map((a) => a.account_name)
        .sort(),
    ).toEqual(['カッパ株式会社', '株式会社ラムダ']);
    expect(s.area.table(s.result, 'opportunities').map((o) => o.amount)).toEqual(['2000000', '1000000']); // "2,000,000", "¥1,000,000"
  });
});

describe('bad input', () => {
  let area: ImportArea;
  let result: ImportResult;
  beforeAll(async () => {
    area = importArea();
    result = await area.run('generic', [path.join(FIXTURES, 'bad')], { mappingFile: path.join(FIXTURES, 'bad/mapping.yml') });
  }, 120_000);
  afterAll(() => area?.cleanup());

  it('quarantines every bad row with file, line, column, value and reason', () => {
    const q = area
      .quarantine(result)
      .map((r) => [path.basename(r.file!), Number(r.line), r.column, r.reason!.replace(/ \(.*$/, '').replace(/: \d.*$/, '')]);
    expect(q).toEqual([
      ['deals.csv', 2, 'deal_key', 'duplicate id'],
      ['deals.csv', 3, 'closed_at', 'a lost deal without a close date'],
      ['deals.csv', 4, 'closed_at', 'closed before it was created'],
      ['leads.csv', 3, 'email', 'missing email'],
      ['leads.csv', 4, '(field 6)', 'ragged row'],
      ['leads.csv', 5, 'email', 'undecodable bytes'],
      ['leads.csv', 7, 'created_at', 'impossible date'],
      ['transitions.csv', 4, 'to_stage', 'unknown stage "zombie"'],
      ['transitions.csv', 6, 'person', 'orphan reference: unknown lead'],
      ['transitions.csv', 8, 'from_stage', 'transition out of time order: from sql while the lead was in lead'],
    ]);
    const zombie = area.quarantine(result).find((r) => r.value === 'zombie')!;
    expect(zombie.suggestion).toMatch(/^left unmapped: add "zombie: <stage>" under stages:/);
  });

  it('loses no good row', () => {
    expect(
      area
        .table(result, 'leads')
        .map((l) => l.email)
        .sort(),
    ).toEqual(['good1@omega.example.jp', 'good5@omega.example.jp', 'good7@omega.example.jp']);
    // B1 lead → mql, then deal O1 (opportunity, won); B5 and B7 enter lead.
    expect(area.table(result, 'stage_transitions').map((t) => t.to_stage)).toEqual([
      'lead',
      'mql',
      'opportunity',
      'won',
      'lead',
      'lead',
    ]);
    expect(area.table(result, 'opportunities').map((o) => o.opportunity_id)).toEqual(['bad:O1']);
    // An unknown lead source keeps the lead (source left empty) and is listed as unmapped with a suggestion.
    expect(result.manifest.run.unmapped.channels!.fax!.rows).toBe(1);
    expect(result.manifest.run).toMatchObject({ read: 18, accepted: 8, quarantinedRows: 10 });
  });

  it('refuses the import from the command line unless --allow-rejects, and says why', () => {
    const cliArea = importArea();
    try {
      const args = ['generic', path.join(FIXTURES, 'bad'), '--mapping', path.join(FIXTURES, 'bad/mapping.yml'), '--as-of', AS_OF];
      const refused = cli(cliArea, args);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(/NOT imported: 10 row\(s\) quarantined/);
      expect(refused.stdout).toMatch(/1\s+ragged row/);
      // Each quarantined row is named on the terminal too: file:line, column, value, reason.
      expect(refused.stdout).toMatch(/bad\/leads\.csv:4 {2}\(field 6\)=".*" {2}ragged row: 6 fields, the header has 5/);
      expect(refused.stdout).toMatch(
        /bad\/transitions\.csv:4 {2}to_stage="zombie" {2}unknown stage "zombie" — left unmapped: add "zombie: <stage>"/,
      );
      expect(listImports(cliArea.importsDir)).toEqual([]);
      expect(existsSync(cliArea.warehouse)).toBe(false);
      expect(readdirSync(path.join(cliArea.importsDir, 'refused'))).toHaveLength(1);
      const allowed = cli(cliArea, [...args, '--allow-rejects']);
      expect(allowed.status, allowed.stderr).toBe(0);
      expect(listImports(cliArea.importsDir)).toHaveLength(1);
      expect(existsSync(cliArea.warehouse)).toBe(true);
    } finally {
      cliArea.cleanup();
    }
  }, 120_000);

  it('--dry-run reports what it would import and the mapping it used, and writes nothing', async () => {
    const dry = importArea();
    try {
      const r = await dry.run('generic', [path.join(FIXTURES, 'generic')], {
        mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
        dryRun: true,
      });
      expect(r.manifest.status).toBe('dry-run');
      expect(r.exitCode).toBe(0);
      expect(r.manifest.tables).toMatchObject({ leads: 3, opportunities: 2, touchpoints: 4 });
      expect(r.manifest.run.mapping.values.channels).toMatchObject({ 自然検索: 'seo', 広告: 'web_ads' });
      expect(r.summary).toMatch(/dry run: nothing written/);
      expect(listImports(dry.importsDir)).toEqual([]);
      expect(readdirSync(dry.importsDir)).toEqual([]);
      expect(existsSync(dry.warehouse)).toBe(false);
    } finally {
      dry.cleanup();
    }
  }, 60_000);

  it('stops with a clear error (exit 2) on a file it cannot place and on a broken mapping', () => {
    const cliArea = importArea();
    try {
      const unknown = cli(cliArea, ['hubspot', path.join(FIXTURES, 'marketo/leads.csv'), '--as-of', AS_OF]);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(/leads\.csv: not a hubspot export this importer knows .*Expected one of: deals/);
      const broken = path.join(cliArea.root, 'broken.yml');
      writeFileSync(broken, 'tables:\n  leads: { columns: {} }\n');
      const mapping = cli(cliArea, ['generic', path.join(FIXTURES, 'bad'), '--mapping', broken]);
      expect(mapping.status).toBe(2);
      expect(mapping.stderr).toMatch(/broken\.yml: tables\.leads\.file/);
      expect(existsSync(cliArea.importsDir) ? listImports(cliArea.importsDir) : []).toEqual([]);
    } finally {
      cliArea.cleanup();
    }
  }, 60_000);
});
