/*
 * A second import merges into the store the first one left: this import's rows replace the stored rows with the
 * same source id (a duplicate within the import loses to the row further down the file), and the stored rows it
 * does not mention are kept. A store written before a column was added (here without people's persona and
 * touches' touch_type, which this export leaves empty) merges the same way: the tables equal those of an area whose
 * store has every column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { importArea, PROJECT_ROOT, type ImportArea } from './helpers';
import type { ImportResult } from '../../server/import/index';

const MAPPING = `source: crm
time_zone: Asia/Tokyo
tables:
  leads:
    file: "leads*.csv"
    columns: { lead_id: ID, email: メール, created_at: 登録日時, company_name: 会社名 }
  touchpoints:
    file: "touches*.csv"
    columns: { lead_id: ID, occurred_at: 日時, channel: チャネル, touchpoint_id: 接点ID }
channels: { 広告: web_ads, セミナー: seminar }
`;

const FIRST = {
  'leads.csv': [
    'ID,メール,会社名,登録日時',
    'L1,a1@one.example.jp,アルファ,2025/04/01 9:00',
    'L2,a2@two.example.jp,ベータ,2025/04/02 9:00',
    'L3,a3@three.example.jp,ガンマ,2025/04/03 9:00',
  ],
  'touches.csv': [
    '接点ID,ID,日時,チャネル',
    'T1,L1,2025/04/05 10:00,広告',
    'T2,L2,2025/04/06 10:00,広告',
    'T3,L3,2025/04/07 10:00,セミナー',
    'T4,L1,2025/04/08 10:00,セミナー',
  ],
};
// L2 twice (line 3 loses to line 4, further down), L4 new; T2 moved to another day, T5 new.
const SECOND = {
  'leads.csv': [
    'ID,メール,会社名,登録日時',
    'L4,a4@four.example.jp,デルタ,2025/05/01 9:00',
    'L2,a2@two.example.jp,ベータ旧,2025/04/02 9:00',
    'L2,a2@two.example.jp,ベータ新,2025/04/02 9:00',
  ],
  'touches.csv': ['接点ID,ID,日時,チャネル', 'T2,L2,2025/05/06 10:00,広告', 'T5,L4,2025/05/07 10:00,セミナー'],
};

function write(dir: string, files: Record<string, string[]>) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'mapping.yml'), MAPPING);
  for (const [name, lines] of Object.entries(files)) writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
}

/** The store's parquet file without `column`, as an importer from before that column was added wrote it. */
async function dropStoreColumn(dir: string, entity: string, column: string) {
  const file = path.join(dir, 'store', `${entity}.parquet`);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`copy (select * exclude (${column}) from read_parquet('${file}')) to '${file}.old' (format parquet)`);
    const columns = (await conn.runAndReadAll(`select name from parquet_schema('${file}.old')`)).getRows().flat();
    expect(columns).not.toContain(column);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  renameSync(`${file}.old`, file);
}

describe('a second import merged into the store of the first', () => {
  const areas: Record<'current' | 'older', ImportArea> = { current: importArea(), older: importArea() };
  const seconds: Partial<Record<'current' | 'older', ImportResult>> = {};

  beforeAll(async () => {
    for (const [name, area] of Object.entries(areas) as ['current' | 'older', ImportArea][]) {
      const first = path.join(area.root, 'first');
      const second = path.join(area.root, 'second');
      write(first, FIRST);
      write(second, SECOND);
      const one = await area.run('generic', [first], { mappingFile: path.join(first, 'mapping.yml'), build: false });
      expect(one.manifest.run.quarantinedRows).toBe(0);
      if (name === 'older') {
        await dropStoreColumn(one.dir!, 'people', 'persona');
        await dropStoreColumn(one.dir!, 'touches', 'touch_type');
      }
      seconds[name] = await area.run('generic', [second], { mappingFile: path.join(second, 'mapping.yml'), build: false });
    }
  }, 120_000);
  afterAll(() => Object.values(areas).forEach((a) => a.cleanup()));

  it('keeps the stored rows the export does not mention and replaces the ones it does', () => {
    const area = areas.current;
    const result = seconds.current!;
    const leads = area.table(result, 'leads').map((l) => l.email);
    expect(leads.sort()).toEqual(['a1@one.example.jp', 'a2@two.example.jp', 'a3@three.example.jp', 'a4@four.example.jp']);
    const accounts = Object.fromEntries(area.table(result, 'accounts').map((a) => [a.account_id, a.account_name]));
    expect(accounts['two.example.jp']).toBe('ベータ新');
    const touches = area.table(result, 'touchpoints').map((t) => [t.touchpoint_id, t.occurred_at, t.channel]);
    // 2025/05/06 10:00 in Tokyo is 01:00 UTC.
    expect(touches).toEqual([
      ['crm:T1', '2025-04-05T01:00:00.000Z', 'web_ads'],
      ['crm:T2', '2025-05-06T01:00:00.000Z', 'web_ads'],
      ['crm:T3', '2025-04-07T01:00:00.000Z', 'seminar'],
      ['crm:T4', '2025-04-08T01:00:00.000Z', 'seminar'],
      ['crm:T5', '2025-05-07T01:00:00.000Z', 'seminar'],
    ]);
    expect(area.quarantine(result).map((q) => [q.file, q.line, q.reason, q.suggestion])).toEqual([
      [
        path.relative(PROJECT_ROOT, path.join(area.root, 'second', 'leads.csv')),
        '3',
        'duplicate id (the most recently modified row wins, then the last in the file)',
        'kept line 4',
      ],
    ]);
  });

  it('merges a store written before a column was added into the same tables', () => {
    const tables = (r: ImportResult) =>
      Object.fromEntries(
        readdirSync(path.join(r.dir!, 'tables')).map((n) => [n, readFileSync(path.join(r.dir!, 'tables', n), 'utf8')]),
      );
    expect(tables(seconds.older!)).toEqual(tables(seconds.current!));
    expect(seconds.older!.manifest.tables).toEqual(seconds.current!.manifest.tables);
  });
});
