/*
 * Exports as a Japanese company's users download them: Japanese column
 * labels and option values (server/import/sources/japanese.ts says where each
 * comes from), CP932 with CRLF and `2025/4/1 9:05` from Salesforce, UTF-8
 * with BOM from HubSpot, Marketo's Japanese field labels. The organisation's
 * own picklist values (Salesforce lead statuses, Marketo revenue stages and
 * channels) come through a mapping file, as they would for a real org. The
 * files are written here, and every expected figure is counted off them by
 * hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { ImportResult } from '../../server/import/index';
import { ImportInputError } from '../../server/import/index';
import { buildMaps, CANONICAL_CHANNELS, CANONICAL_STAGES } from '../../server/import/sources/common';
import { hubspotDefaults } from '../../server/import/sources/hubspot';
import { importArea, type ImportArea } from './helpers';

const crlf = (lines: string[]) => lines.join('\r\n');

/** Rows of a canonical table counted per value of one column. */
const countBy = (rows: Record<string, string>[], column: string) =>
  rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r[column]!]: (acc[r[column]!] ?? 0) + 1 }), {});
const perMonth = (rows: Record<string, string>[]) =>
  countBy(
    rows.map((r) => ({ month: new Date(Date.parse(r.created_at!) + 9 * 3600_000).toISOString().slice(0, 7) })),
    'month',
  );

describe('a Japanese-labelled Salesforce report export (CP932, CRLF, 2025/4/1 9:05, 合計 and footer)', () => {
  let area: ImportArea;
  let result: ImportResult;
  beforeAll(async () => {
    area = importArea();
    const dir = path.join(area.root, 'sf');
    mkdirSync(dir);
    const report = crlf([
      '"リード ID","姓","名","メール","会社名","リード状況","リード所有者","作成日"',
      '"00QJ000001","山田","太郎","taro@alpha.example.co.jp","株式会社アルファ","新規","山本 一郎","2025/4/1 9:05"',
      '"00QJ000002","佐藤","花子","hanako@alpha.example.co.jp","株式会社アルファ","ホット","山本 一郎","2025/4/15 14:30"',
      '"00QJ000003","鈴木","一郎","ichiro@beta.example.jp","ベータ株式会社","商談化","山本 一郎","2025/5/2 10:00"',
      '"00QJ000004","田中","次郎","jiro@gamma.example.jp","ガンマ株式会社","対象外","山本 一郎","2025/5/20 11:00"',
      '"合計 (4)","","","","","","",""',
      '',
      '"新規リード 2025年"',
      '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
      '"機密情報 - 社外秘"',
      '"作成者:  山本 一郎  2025/09/30 18:00"',
      '"株式会社レブサイクル"',
    ]);
    writeFileSync(path.join(dir, 'リード一覧.csv'), iconv.encode(report, 'cp932'));
    // The org's own lead statuses.
    writeFileSync(path.join(area.root, 'map.yml'), 'stages: { 新規: lead, ホット: mql, 商談化: sql, 対象外: disqualified }\n');
    result = await area.run('salesforce', [dir], {
      mappingFile: path.join(area.root, 'map.yml'),
      asOf: undefined,
      allowRejects: false,
      build: false,
    });
  }, 60_000);
  afterAll(() => area?.cleanup());

  it('reads the labels, CP932 and the local times, skips 合計 and the footer, and takes as_of from the footer', () => {
    expect(result.exitCode).toBe(0);
    expect(result.manifest.run).toMatchObject({ read: 4, accepted: 4, quarantinedRows: 0 });
    expect(result.manifest.run.files[0]).toMatchObject({
      kind: 'Lead',
      encoding: 'cp932',
      rows: 4,
      skipped: { total: 1, group: 0, footer: 5 },
    });
    // 作成者 … 2025/09/30 18:00 (Tokyo).
    expect(result.manifest.asOf).toBe('2025-09-30T09:00:00.000Z');
    const leads = area.table(result, 'leads');
    // "2025/4/1 9:05" in Tokyo is 00:05 UTC.
    expect(leads.find((l) => l.email === 'taro@alpha.example.co.jp')!.created_at).toBe('2025-04-01T00:05:00.000Z');
  });

  it('answers the hand counts: leads per month and entries per stage', () => {
    // April: 山田 (4/1), 佐藤 (4/15); May: 鈴木 (5/2), 田中 (5/20).
    expect(perMonth(area.table(result, 'leads'))).toEqual({ '2025-04': 2, '2025-05': 2 });
    // No history: each lead enters its status at creation; 田中 (対象外) enters lead first, then disqualified.
    expect(countBy(area.table(result, 'stage_transitions'), 'to_stage')).toEqual({
      lead: 2,
      mql: 1,
      sql: 1,
      disqualified: 1,
    });
  });

  it('names the labels it found and those it misses on a header it half recognises', async () => {
    const dir = path.join(area.root, 'opp');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, '商談.csv'),
      iconv.encode(
        crlf([
          '"商談名","取引先名","フェーズ","金額","完了予定日","作成日"',
          '"アルファ 新規導入","株式会社アルファ","成約","3,000,000","2025/6/30","2025/5/1 10:00"',
        ]),
        'cp932',
      ),
    );
    const run = area.run('salesforce', [dir], { dryRun: true });
    await expect(run).rejects.toBeInstanceOf(ImportInputError);
    await expect(run).rejects.toThrow(
      'It looks like Opportunity: found "フェーズ"; missing one of Id / Opportunity ID; one of AccountId / Account ID.',
    );
  });
});

describe('a Japanese-labelled HubSpot export (UTF-8 with BOM)', () => {
  let area: ImportArea;
  let result: ImportResult;
  beforeAll(async () => {
    area = importArea();
    const dir = path.join(area.root, 'hs');
    mkdirSync(dir);
    const contacts = [
      'レコードID,姓,名,Eメール,ライフサイクルステージ,作成日,オリジナルソース,リード(見込み客)になった日付,MQL(マーケティング上の有望な見込み客)になった日付,顧客に転換した日付',
      '301,山田,太郎,taro@alpha.example.co.jp,顧客,2025-04-01 09:05,オーガニック検索,2025-04-01 09:05,2025-04-10 10:00,2025-06-01 10:00',
      '302,佐藤,花子,hanako@beta.example.jp,MQL,2025-04-20 10:00,検索連動型広告,2025-04-20 10:00,2025-05-01 10:00,',
      '303,鈴木,一郎,ichiro@gamma.example.jp,リード,2025-05-03 10:00,オフラインソース,,,',
      '304,田中,次郎,jiro@delta.example.jp,サブスクライバー,2025-05-10 10:00,Eメールマーケティング,,,',
    ].join('\n');
    writeFileSync(path.join(dir, 'hubspot-crm-exports-contacts.csv'), `\uFEFF${contacts}`);
    result = await area.run('hubspot', [dir], { allowRejects: false, build: false });
  }, 60_000);
  afterAll(() => area?.cleanup());

  it('reads the Japanese property labels and values', () => {
    expect(result.exitCode).toBe(0);
    expect(result.manifest.run).toMatchObject({ read: 4, accepted: 4, quarantinedRows: 0 });
    expect(result.manifest.run.unmapped).toEqual({});
  });

  it('answers the hand counts: leads per month, entries per stage, first-touch channels', () => {
    // April: 301, 302; May: 303, 304.
    expect(perMonth(area.table(result, 'leads'))).toEqual({ '2025-04': 2, '2025-05': 2 });
    // lead: all four (303 and 304 have no stage dates: they enter lead when created); mql: 301, 302; won: 301.
    expect(countBy(area.table(result, 'stage_transitions'), 'to_stage')).toEqual({ lead: 4, mql: 2, won: 1 });
    // オーガニック検索 → seo, 検索連動型広告 → web_ads, オフラインソース → inside_sales, Eメールマーケティング → email.
    expect(countBy(area.table(result, 'touchpoints'), 'channel')).toEqual({
      seo: 1,
      web_ads: 1,
      inside_sales: 1,
      email: 1,
    });
  });

  it('maps HubSpot’s Japanese deal stages 成約, 成立 and 失注', () => {
    const maps = buildMaps(hubspotDefaults, undefined, CANONICAL_CHANNELS, CANONICAL_STAGES);
    expect(['成約', '成立', '失注'].map((v) => maps.deal_status.get(v))).toEqual(['won', 'won', 'lost']);
  });
});

describe('a Marketo export with Japanese field labels and the subscription’s Japanese stages and channels', () => {
  let area: ImportArea;
  let result: ImportResult;
  beforeAll(async () => {
    area = importArea();
    const dir = path.join(area.root, 'mk');
    mkdirSync(dir);
    // Marketo's Japanese labels for email, company and lead source; id and createdAt as Marketo's field list writes them.
    writeFileSync(
      path.join(dir, 'leads.csv'),
      [
        'id,メールアドレス,企業名,リードのソース,createdAt',
        '5001,kana@epsilon.example.jp,イプシロン株式会社,展示会,2025-04-01T00:00:00Z',
        '5002,mai@epsilon.example.jp,イプシロン株式会社,ウェビナー,2025-04-05T00:00:00Z',
        '5003,yui@zeta.example.jp,ゼータ株式会社,展示会,2025-05-10T00:00:00Z',
      ].join('\n'),
    );
    const change = (guid: string, lead: number, at: string, from: string, to: string) =>
      `${guid},${lead},${at},104,"{""New Stage"":""${to}"",""Old Stage"":""${from}""}"`;
    writeFileSync(
      path.join(dir, 'activities.csv'),
      [
        'marketoGUID,leadId,activityDate,activityTypeId,attributes',
        change('g-1', 5001, '2025-04-10T00:00:00Z', '見込み客', '有望'),
        change('g-2', 5001, '2025-04-20T00:00:00Z', '有望', '商談化'),
        change('g-3', 5003, '2025-05-15T00:00:00Z', '見込み客', '有望'),
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'programs.csv'),
      ['id,name,channel,createdAt', '7001,2025春 展示会,展示会,2025-03-20T00:00:00Z'].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'program_members.csv'),
      [
        'leadId,programId,membershipDate,statusName',
        '5001,7001,2025-04-01T00:00:00Z,Attended',
        '5003,7001,2025-05-10T00:00:00Z,Attended',
      ].join('\n'),
    );
    writeFileSync(
      path.join(area.root, 'map.yml'),
      'stages: { 見込み客: lead, 有望: mql, 商談化: sql }\nchannels: { 展示会: trade_show, ウェビナー: webinar }\n',
    );
    result = await area.run('marketo', [dir], {
      mappingFile: path.join(area.root, 'map.yml'),
      allowRejects: false,
      build: false,
    });
  }, 60_000);
  afterAll(() => area?.cleanup());

  it('answers the hand counts: leads per month, entries per stage, touches per channel', () => {
    expect(result.exitCode).toBe(0);
    expect(result.manifest.run).toMatchObject({ accepted: result.manifest.run.read, quarantinedRows: 0 });
    expect(area.table(result, 'accounts').map((a) => a.account_name)).toEqual(
      expect.arrayContaining(['イプシロン株式会社', 'ゼータ株式会社']),
    );
    // April: 5001, 5002; May: 5003.
    expect(perMonth(area.table(result, 'leads'))).toEqual({ '2025-04': 2, '2025-05': 1 });
    // lead: all three at creation (5001 and 5003 from their first change's old stage 見込み客, 5002 without any);
    // mql: 5001 (4/10), 5003 (5/15); sql: 5001 (4/20).
    expect(countBy(area.table(result, 'stage_transitions'), 'to_stage')).toEqual({ lead: 3, mql: 2, sql: 1 });
    // Two memberships of the 展示会 programme.
    expect(countBy(area.table(result, 'touchpoints'), 'channel')).toEqual({ trade_show: 2 });
  });
});
