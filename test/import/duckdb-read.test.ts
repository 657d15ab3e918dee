/*
 * The generic format's leads and touchpoints read by DuckDB (server/import/sources/generic-fast.ts) give what the
 * csv reader gives: one export with good rows beside every kind of bad one is imported both ways, and the canonical
 * tables, the quarantine (file, line, column, value, reason), the rows read and the unmapped values are the same;
 * the quarantine is also checked against the entries listed by hand. A file DuckDB cannot number lines for (a ragged
 * row) takes the csv reader whole. The rows DuckDB accepts reach the merge inside DuckDB: an import held after
 * reading (REVCYCLE_IMPORT_HOLD_AT, the fault tests' switch) has written none of them to its batch files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runImport, type ImportResult } from '../../server/import/index';
import { PROJECT_ROOT } from './helpers';

const MAPPING = `source: fx
time_zone: Asia/Tokyo
tables:
  leads:
    file: "leads*.csv"
    columns: { lead_id: ID, email: メール, created_at: 登録日時, lead_source: 流入元, company_name: 会社名, stage: 状態 }
    stage_dates: { mql: MQL日 }
  touchpoints:
    file: "touches*.csv"
    columns: { lead_id: ID, email: メール, occurred_at: 日時, channel: チャネル, touchpoint_id: 接点ID }
channels: { 自然検索: seo, 広告: web_ads, セミナー: seminar, 社内: null }
stages: { 新規: lead, 見込み: mql, 対象外: null }
`;

// Line numbers are the file's (header = line 1).
const LEADS = [
  'ID,メール,会社名,登録日時,流入元,状態,MQL日',
  'L1,a1@x.example.jp,株式会社アルファ,2025/04/03 9:15,自然検索,新規,2025/04/10', // 2 good
  'L2,a2@x.example.jp,  ベータ ,2025-04-05,広告,,', // 3 good, padded
  'L3,,ガンマ,2025/04/06,広告,新規,', // 4 missing email
  'L4,not-an-email,デルタ,2025/04/06,広告,新規,', // 5 malformed email
  'Ｌ５,A5@X.example.jp,イプシロン,2025/04/07 10:00,セミナー,見込み,', // 6 good: full-width id, upper-case address
  'L6,a6@x.example.jp,ゼータ,2025年4月8日,広告,,', // 7 good: Japanese date
  'L7,a7@x.example.jp,エータ,2025/13/45,広告,,', // 8 impossible date
  'L8,a8@x.example.jp,シータ,2031/01/01,広告,,', // 9 beyond as_of
  'L9,a9@x.example.jp,イオタ,2025/04/09,広告,謎,', // 10 unknown stage
  'L10,a10@x.example.jp,カッパ,2025-04-10T01:02:03Z,不明チャネル,対象外,', // 11 good: ISO, unknown source, stage to nothing
  'L11,a11@x.example.jp,　ラムダ,1743811200000,広告,新規,2025/04/01', // 12 good: epoch ms, ideographic space
  '合計,,,,,,', // 13 a report total: skipped
  'L12,a12@x.example.jp,小林商事,2025/04/11 23:59:59,広告,新規,', // 14 good
  'L13,a13@x.example.jp,ミュー,2025/04/12,広告,新規,2025/02/30', // 15 impossible stage date
  'L14,a14@x.example.jp,ニュー,2025-04-12T09:00:00+09:00,広告,新規,2025/4/13 8:00:30', // 16 good
];
const TOUCHES = [
  '接点ID,ID,メール,日時,チャネル',
  'T1,L1,,2025/04/03 9:20,自然検索', // 2 good
  'T2,L2,,2025/04/05 10:00,広告', // 3 good
  'T3,L99,,2025/04/05,広告', // 4 orphan (merge)
  'T4,L1,,,広告', // 5 missing time
  'T5,L1,,2025/04/04,謎', // 6 unknown channel
  'T6,Ｌ５,,2025/04/07 11:00,セミナー', // 7 good: full-width id
  'T7,L12,,2025-04-12T00:00:00+09:00,広告', // 8 good
  'T8,,a2@x.example.jp,2025/04/06,広告', // 9 good: by email
  'T9,,,2025/04/06,広告', // 10 neither id nor email
  'T10,L2,,2025/04/06,社内', // 11 a channel mapped to nothing: not imported, not quarantined
  'T11,L2,,2025/04/07 12:00,広告', // 12 good
];

/** Quarantine entries by hand: file, line, column, reason (its start). */
const EXPECTED = [
  ['leads.csv', '4', 'メール', 'missing email (the lead key)'],
  ['leads.csv', '5', 'メール', 'malformed email'],
  ['leads.csv', '8', '登録日時', 'impossible date (no month 13)'],
  ['leads.csv', '9', '登録日時', 'date beyond as_of'],
  ['leads.csv', '10', '状態', 'unknown stage "謎"'],
  ['leads.csv', '15', 'MQL日', 'impossible date (no day 30 in 2025-02)'],
  ['touches.csv', '4', 'person', 'orphan reference: unknown lead'],
  ['touches.csv', '5', '日時', 'missing 日時'],
  ['touches.csv', '6', 'チャネル', 'unknown channel "謎"'],
  ['touches.csv', '10', 'ID', 'missing lead_id or email (the lead reference)'],
];

function parseQuarantine(text: string): string[][] {
  // Values here hold no commas or quotes but the reason's own quotes; split on the first six commas.
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells: string[] = [];
      let rest = line;
      for (let i = 0; i < 6; i++) {
        const m = /^("(?:[^"]|"")*"|[^,]*),/.exec(rest)!;
        cells.push(m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
        rest = rest.slice(m[0].length);
      }
      cells.push(rest);
      return cells;
    });
}

describe('generic leads and touchpoints read by DuckDB and by the csv reader', () => {
  let root: string;
  const runs: Record<'duckdb' | 'csv', ImportResult> = {} as never;
  const dirs: Record<'duckdb' | 'csv', string> = {} as never;

  const importWith = async (input: string, reader: 'duckdb' | 'csv', name: string) => {
    const area = path.join(root, `${name}-${reader}`);
    return runImport({
      source: 'generic',
      inputs: [input],
      mappingFile: path.join(input, 'mapping.yml'),
      asOf: '2026-01-01T00:00:00Z',
      importsDir: path.join(area, 'imports'),
      warehousePath: path.join(area, 'warehouse.duckdb'),
      defaultsDir: path.join(PROJECT_ROOT, 'seeds'),
      build: false,
      allowRejects: true,
      csvOnly: reader === 'csv',
      cwd: input,
    });
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'revcycle-duckdb-read-'));
    const input = path.join(root, 'export');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.join('\r\n')}\r\n`);
    writeFileSync(path.join(input, 'touches.csv'), TOUCHES.join('\n'));
    for (const reader of ['duckdb', 'csv'] as const) {
      runs[reader] = await importWith(input, reader, 'mixed');
      dirs[reader] = runs[reader].dir!;
    }
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads both files with DuckDB unless told not to', () => {
    expect(runs.duckdb.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
    expect(runs.csv.manifest.run.files.map((f) => f.reader)).toEqual([undefined, undefined]);
  });

  it('quarantines the hand-listed rows with file, line, column and reason', () => {
    const rows = parseQuarantine(readFileSync(path.join(dirs.duckdb, 'quarantine.csv'), 'utf8'));
    expect(rows.map(([, file, line, column, , reason]) => [file, line, column, reason])).toEqual(
      EXPECTED.map(([file, line, column, reason]) => [file, line, column, expect.stringContaining(reason!)]),
    );
  });

  it('gives the csv reader’s quarantine, tables, counts and unmapped values', () => {
    for (const file of [
      'quarantine.csv',
      ...['leads', 'stage_transitions', 'touchpoints', 'accounts'].map((t) => `tables/${t}.csv`),
    ])
      expect(readFileSync(path.join(dirs.duckdb, file), 'utf8'), file).toBe(readFileSync(path.join(dirs.csv, file), 'utf8'));
    const a = runs.duckdb.manifest;
    const b = runs.csv.manifest;
    expect(a.tablesHash).toBe(b.tablesHash);
    expect(a.run.files.map(({ reader: _, ...f }) => f)).toEqual(b.run.files);
    expect([a.run.read, a.run.accepted, a.run.quarantinedRows, a.run.skipped]).toEqual([
      b.run.read,
      b.run.accepted,
      b.run.quarantinedRows,
      b.run.skipped,
    ]);
    expect(a.run.unmapped).toEqual(b.run.unmapped);
    // The figures themselves: 8 leads accepted of 14 lead rows (a total line skipped), 6 touches (one channel mapped to nothing).
    expect(a.tables).toMatchObject({ leads: 8, touchpoints: 6 });
    expect(a.run.skipped).toEqual({ total: 1, group: 0, footer: 0 });
  });

  it('reads the plain time forms (strptime) and padded cells as the csv reader does', async () => {
    const input = path.join(root, 'plain-times');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.join('\n')}\n`);
    const touches = [
      TOUCHES[0],
      'T1,L1,,2025/4/3 9:5,自然検索', // 2 good: one-digit month, day and minute
      'T2, L2 ,,2025/04/05 10:00 ,広告', // 3 good: padded cells
      'T3,L1,,2025/2/29 10:00,広告', // 4 no 29 February in 2025
      'T4,L1,,2025/4/1 24:00,広告', // 5 no hour 24
      'T5,L1,,2025-04-31 10:00:00,広告', // 6 no 31 April
      'T6,L1,,2025-04-30 10:00:00,広告', // 7 good
      'T7,L1,,0999/4/1 10:00,広告', // 8 good: a year before 1000 (LOCAL's regexp, then the per-row reader)
      'T8,L1,,2025/4/1 10:60,広告', // 9 no minute 60
      'T9,L1,,2025/4/2 10:00:00.25,広告', // 10 good: a fraction of a second (the per-row reader)
    ];
    writeFileSync(path.join(input, 'touches.csv'), `${touches.join('\n')}\n`);
    const [fast, csv] = [await importWith(input, 'duckdb', 'plain'), await importWith(input, 'csv', 'plain')];
    expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
    for (const file of ['quarantine.csv', 'tables/touchpoints.csv'])
      expect(readFileSync(path.join(fast.dir!, file), 'utf8'), file).toBe(readFileSync(path.join(csv.dir!, file), 'utf8'));
    const rows = parseQuarantine(readFileSync(path.join(fast.dir!, 'quarantine.csv'), 'utf8'));
    expect(rows.filter((r) => r[1] === 'touches.csv').map(([, , line, column]) => [line, column])).toEqual(
      ['4', '5', '6', '9'].map((line) => [line, '日時']),
    );
    expect(fast.manifest.tables).toMatchObject({ touchpoints: 5 });
    // Worked by hand (Tokyo is UTC+9): whole seconds and milliseconds written as the warehouse reads them.
    const written = readFileSync(path.join(fast.dir!, 'tables/touchpoints.csv'), 'utf8');
    expect(written).toContain(',2025-04-30T01:00:00.000Z,');
    expect(written).toContain('2025-04-02T01:00:00.250Z');
  });

  it('gives the csv reader’s times in a zone with daylight saving, across seasons and within one', async () => {
    const touchesFor = (times: string[]) => `${[TOUCHES[0], ...times.map((t, i) => `T${i + 1},L1,,${t},広告`)].join('\n')}\n`;
    const cases = {
      // Two offsets (EST, EDT), an hour that does not exist (2:30 on 9 March) and one that occurs twice (1:30 on 2 November).
      seasons: ['2025/1/15 9:00', '2025/7/15 9:00', '2025/3/9 2:30', '2025/11/2 1:30', '2025-07-16 23:59:00'],
      // One offset only (EDT, behind UTC): no per-hour join.
      summer: ['2025/7/15 9:00', '2025/7/16 0:05', '2025-08-01 12:00:00'],
    };
    for (const [name, times] of Object.entries(cases)) {
      const input = path.join(root, `zone-${name}`);
      mkdirSync(input);
      writeFileSync(path.join(input, 'mapping.yml'), MAPPING.replace('Asia/Tokyo', 'America/New_York'));
      writeFileSync(path.join(input, 'leads.csv'), `${LEADS.slice(0, 2).join('\n')}\n`);
      writeFileSync(path.join(input, 'touches.csv'), touchesFor(times));
      const [fast, csv] = [await importWith(input, 'duckdb', name), await importWith(input, 'csv', name)];
      expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
      for (const file of ['quarantine.csv', 'tables/touchpoints.csv'])
        expect(readFileSync(path.join(fast.dir!, file), 'utf8'), `${name} ${file}`).toBe(
          readFileSync(path.join(csv.dir!, file), 'utf8'),
        );
      if (name === 'summer')
        // Worked by hand: 9:00 EDT is 13:00 UTC.
        expect(readFileSync(path.join(fast.dir!, 'tables/touchpoints.csv'), 'utf8')).toContain('2025-07-15T13:00:00.000Z');
    }
  });

  it('gives the csv reader’s times when a zone of one offset had another in the past (Tokyo’s summer time of 1949)', async () => {
    // Touches in Tokyo are read with +09:00 for every local time, then each hour that occurs is checked with luxon:
    // 1949's summer time (+10:00) sends the file the other way (per-hour offsets), with the same result.
    const input = path.join(root, 'zone-tokyo-1949');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.slice(0, 2).join('\n')}\n`);
    const times = ['1949/7/1 10:00', '2025/4/3 9:20', '1949/1/15 10:00'];
    writeFileSync(
      path.join(input, 'touches.csv'),
      `${[TOUCHES[0], ...times.map((t, i) => `T${i + 1},L1,,${t},広告`)].join('\n')}\n`,
    );
    const [fast, csv] = [await importWith(input, 'duckdb', 'tokyo-1949'), await importWith(input, 'csv', 'tokyo-1949')];
    expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
    const written = readFileSync(path.join(fast.dir!, 'tables/touchpoints.csv'), 'utf8');
    expect(written).toBe(readFileSync(path.join(csv.dir!, 'tables/touchpoints.csv'), 'utf8'));
    // Worked by hand: 10:00 JDT (+10:00) is 00:00 UTC, 10:00 JST (+09:00) 01:00 UTC.
    expect(written).toContain(',1949-07-01T00:00:00.000Z,');
    expect(written).toContain(',1949-01-15T01:00:00.000Z,');
    expect(written).toContain(',2025-04-03T00:20:00.000Z,');
  });

  it('counts a touch type its map does not know as the csv reader does, the touch imported without one', async () => {
    const input = path.join(root, 'touch-types');
    mkdirSync(input);
    writeFileSync(
      path.join(input, 'mapping.yml'),
      MAPPING.replace('touchpoint_id: 接点ID }', 'touchpoint_id: 接点ID, touch_type: 種別 }').concat(
        'touch_types: { 閲覧: page_view }\n',
      ),
    );
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.slice(0, 2).join('\n')}\n`);
    const touches = [
      '接点ID,ID,メール,日時,チャネル,種別',
      'T1,L1,,2025/04/03 9:20,自然検索,閲覧',
      'T2,L1,,2025/04/03 9:30,広告,謎の種別',
    ];
    touches.push('T3,L1,,2025/04/03 9:40,広告,謎の種別', 'T4,L1,,2025/04/03 9:50,広告,');
    writeFileSync(path.join(input, 'touches.csv'), `${touches.join('\n')}\n`);
    const [fast, csv] = [await importWith(input, 'duckdb', 'touch-types'), await importWith(input, 'csv', 'touch-types')];
    expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
    expect(fast.manifest.run.unmapped).toEqual(csv.manifest.run.unmapped);
    expect(fast.manifest.run.unmapped.touch_types?.['謎の種別']?.rows).toBe(2);
    const written = readFileSync(path.join(fast.dir!, 'tables/touchpoints.csv'), 'utf8');
    expect(written).toBe(readFileSync(path.join(csv.dir!, 'tables/touchpoints.csv'), 'utf8'));
    expect(written.trim().split('\n')).toHaveLength(5);
    expect(written).toContain(',page_view\n');
  });

  it('takes two touch files read by DuckDB into one table of touches, a duplicate id across them quarantined', async () => {
    const input = path.join(root, 'two-touch-files');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.slice(0, 3).join('\n')}\n`);
    writeFileSync(path.join(input, 'touches-a.csv'), `${TOUCHES.slice(0, 3).join('\n')}\n`);
    // T2 again (a later line of a later file wins), and a touch by email.
    writeFileSync(path.join(input, 'touches-b.csv'), `${[TOUCHES[0], 'T2,L2,,2025/04/05 11:00,広告', TOUCHES[8]].join('\n')}\n`);
    const [fast, csv] = [await importWith(input, 'duckdb', 'two-files'), await importWith(input, 'csv', 'two-files')];
    expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb', 'duckdb']);
    for (const file of ['quarantine.csv', 'tables/touchpoints.csv'])
      expect(readFileSync(path.join(fast.dir!, file), 'utf8'), file).toBe(readFileSync(path.join(csv.dir!, file), 'utf8'));
    const rows = parseQuarantine(readFileSync(path.join(fast.dir!, 'quarantine.csv'), 'utf8'));
    expect(rows.map(([, file, line, , , reason, suggestion]) => [file, line, reason, suggestion])).toEqual([
      ['touches-a.csv', '3', expect.stringContaining('duplicate id'), 'kept line 2'],
    ]);
    const written = readFileSync(path.join(fast.dir!, 'tables/touchpoints.csv'), 'utf8');
    expect(written.trim().split('\n')).toHaveLength(4);
    expect(written).toContain('fx:T2,');
    expect(written).toContain(',2025-04-05T02:00:00.000Z,');
  });

  it('drops the stage events of a lead row that lost as a duplicate, as the csv reader does', async () => {
    const input = path.join(root, 'lead-duplicates');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    const leads = [
      LEADS[0],
      'L1,a1@x.example.jp,アルファ,2025/04/03 9:15,自然検索,新規,2025/04/20', // 2: loses to line 3 (the last in the file)
      'L1,a1@x.example.jp,アルファ,2025/04/03 9:15,自然検索,新規,', // 3: kept, no MQL date
      'L2,a2@x.example.jp,ベータ,2025/04/05 10:00,広告,新規,2025/04/06', // 4
    ];
    writeFileSync(path.join(input, 'leads.csv'), `${leads.join('\n')}\n`);
    writeFileSync(path.join(input, 'touches.csv'), `${TOUCHES.slice(0, 3).join('\n')}\n`);
    const [fast, csv] = [await importWith(input, 'duckdb', 'lead-dups'), await importWith(input, 'csv', 'lead-dups')];
    expect(fast.manifest.run.files.map((f) => f.reader)).toEqual(['duckdb', 'duckdb']);
    for (const file of ['quarantine.csv', 'tables/stage_transitions.csv', 'tables/leads.csv'])
      expect(readFileSync(path.join(fast.dir!, file), 'utf8'), file).toBe(readFileSync(path.join(csv.dir!, file), 'utf8'));
    const transitions = readFileSync(path.join(fast.dir!, 'tables/stage_transitions.csv'), 'utf8');
    // L1 enters lead at creation (its MQL date was on the losing line); L2 enters lead at creation too (its stage
    // date says when it became an MQL, not what it was before: docs/import.md, every lead enters the funnel when
    // created), then mql on its MQL date.
    expect(transitions.trim().split('\n')).toHaveLength(4);
    expect(transitions).toContain(',lead,2025-04-03T00:15:00.000Z,');
    expect(transitions).toContain(',lead,2025-04-05T01:00:00.000Z,');
    expect(transitions).toContain(',mql,2025-04-05T15:00:00.000Z,');
    expect(transitions).not.toContain('2025-04-19T15:00:00.000Z');
  });

  it('hands the rows DuckDB accepted to the merge inside DuckDB, not through the batch files', async () => {
    const input = path.join(root, 'held');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    // Every row in a plain form: SQL accepts them all, none goes to the per-row reader.
    writeFileSync(path.join(input, 'leads.csv'), `${LEADS.slice(0, 2).join('\n')}\n`);
    writeFileSync(path.join(input, 'touches.csv'), `${[TOUCHES[0], TOUCHES[1], TOUCHES[2]].join('\n')}\n`);
    const importsDir = path.join(root, 'held-area', 'imports');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli.ts',
        'import',
        'generic',
        input,
        '--mapping',
        path.join(input, 'mapping.yml'),
        '--as-of',
        '2026-01-01T00:00:00Z',
      ],
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          REVCYCLE_IMPORTS: importsDir,
          REVCYCLE_WAREHOUSE: path.join(root, 'held-area', 'warehouse.duckdb'),
          REVCYCLE_IMPORT_HOLD_AT: 'read',
          CUBEJS_API_SECRET: 'test-secret-0123456789abcdef',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes('holding at read')) resolve();
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.on('exit', () => reject(new Error(`the import exited before holding at read: ${out.slice(-2000)}`)));
      });
      const work = readdirSync(importsDir).filter((n) => n.startsWith('.work-'));
      expect(work).toHaveLength(1);
      const batch = path.join(importsDir, work[0]!, 'batch');
      // Each entity's batch CSV holds its header line only; no other file carries rows.
      for (const entity of ['people', 'events', 'touches'])
        expect(
          readFileSync(path.join(batch, `${entity}.csv`), 'utf8')
            .trim()
            .split('\n'),
          entity,
        ).toHaveLength(1);
      expect(readdirSync(batch).filter((n) => !/^[a-z_]+\.csv$/.test(n))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('reads a file with a ragged row with the csv reader, whole, and quarantines the row', async () => {
    const input = path.join(root, 'ragged');
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(
      path.join(input, 'leads.csv'),
      `${[...LEADS.slice(0, 3), 'L20,a20@x.example.jp,extra,2025/04/03,広告,,,,'].join('\n')}\n`,
    );
    const r = await importWith(input, 'duckdb', 'ragged');
    expect(r.manifest.run.files.map((f) => [f.rows, f.reader])).toEqual([[3, undefined]]);
    const rows = parseQuarantine(readFileSync(path.join(r.dir!, 'quarantine.csv'), 'utf8'));
    expect(rows.map(([, file, line, , , reason]) => [file, line, reason])).toEqual([
      ['leads.csv', '4', 'ragged row: 9 fields, the header has 7'],
    ]);
  });

  // Each file's last row lacks its email: it is quarantined at the file's line, which DuckDB's row numbers do not
  // give once a value spans two lines or a line is blank (the csv reader then reads the file); a quoted value with a
  // comma keeps them, and DuckDB reads it.
  it.each([
    ['a value with a line break', 'L2,a2@x.example.jp,"ベータ\n支店",2025-04-05,広告,,', '5', 3, undefined],
    ['a blank line', '', '4', 2, undefined],
    ['a quoted value with a comma', 'L2,a2@x.example.jp,"ベータ, 支店",2025-04-05,広告,,', '4', 3, 'duckdb'],
  ])('reads a file with %s and quarantines by the file’s line', async (name, row, line, count, reader) => {
    const input = path.join(root, name.replace(/\W+/g, '-'));
    mkdirSync(input);
    writeFileSync(path.join(input, 'mapping.yml'), MAPPING);
    writeFileSync(path.join(input, 'leads.csv'), `${[LEADS[0], LEADS[1], row, 'L3,,ガンマ,2025/04/06,広告,新規,'].join('\n')}\n`);
    const r = await importWith(input, 'duckdb', name.replace(/\W+/g, '-'));
    expect(r.manifest.run.files.map((f) => [f.rows, f.reader])).toEqual([[count, reader]]);
    const rows = parseQuarantine(readFileSync(path.join(r.dir!, 'quarantine.csv'), 'utf8'));
    expect(rows.map(([, file, l, column, , reason]) => [file, l, column, reason])).toEqual([
      ['leads.csv', line, 'メール', 'missing email (the lead key)'],
    ]);
  });
});
