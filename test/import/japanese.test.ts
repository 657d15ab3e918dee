/*
 * Exports as a Japanese company's users download them: Japanese column
 * labels and option values (server/import/sources/japanese.ts says where each
 * comes from), CP932 with CRLF and `2025/4/1 9:05` from Salesforce, UTF-8
 * with BOM from HubSpot, Marketo's Japanese field labels. The organisation's
 * own picklist values (Salesforce lead statuses, Marketo revenue stages and
 * channels, Salesforce stages other than 成立) come through a mapping file, as
 * they would for a real org. The files are written here, and every expected
 * figure is counted off them by hand in the comments. Where a vendor's Japanese
 * label is not known (history reports, HubSpot's company name and association
 * columns, Marketo's creation date), the test pins what the importer does
 * instead: it refuses the file naming what it found and what it misses, or
 * quarantines what it cannot tie to anything.
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

describe('a Japanese-labelled Salesforce report set (CP932, CRLF, 2025/4/1 9:05, 合計 and footer)', () => {
  let area: ImportArea;
  let result: ImportResult;
  const footer = [
    '',
    '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
    '"機密情報 - 社外秘"',
    '"作成者:  山本 一郎  2025/09/30 18:00"',
    '"株式会社レブサイクル"',
  ];
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
      ...footer.slice(1),
    ]);
    writeFileSync(path.join(dir, 'リード一覧.csv'), iconv.encode(report, 'cp932'));
    // 商談 ID and 取引先 ID as the object reference labels them; 成立 is Salesforce's own Closed Won.
    const opportunities = crlf([
      '"商談 ID","商談名","取引先 ID","取引先名","フェーズ","金額","完了予定日","作成日"',
      '"006J000001","アルファ 新規導入","001J000001","株式会社アルファ","成立","3,000,000","2025/6/30","2025/5/1 10:00"',
      '"006J000002","ベータ 新規導入","001J000002","ベータ株式会社","不成立","1,200,000","2025/6/15","2025/5/10 10:00"',
      '"006J000003","ガンマ 新規導入","001J000003","ガンマ株式会社","提案","800,000","2025/9/30","2025/6/1 10:00"',
      '"006J000004","アルファ 追加","001J000001","株式会社アルファ","成立","500,000","2025/8/31","2025/7/1 10:00"',
      '"合計 (4)","","","","","5,500,000","",""',
      '',
      '"商談一覧"',
      ...footer.slice(1),
    ]);
    writeFileSync(path.join(dir, '商談一覧.csv'), iconv.encode(opportunities, 'cp932'));
    const accounts = crlf([
      '"取引先 ID","取引先名","作成日"',
      '"001J000001","株式会社アルファ","2025/3/1 9:00"',
      '"001J000002","ベータ株式会社","2025/3/2 9:00"',
      '"001J000003","ガンマ株式会社","2025/3/3 9:00"',
      ...footer,
    ]);
    writeFileSync(path.join(dir, '取引先一覧.csv'), iconv.encode(accounts, 'cp932'));
    // The org's own lead statuses and open / lost stages (Salesforce's Japanese UI shows the org's picklist).
    writeFileSync(
      path.join(area.root, 'map.yml'),
      'stages: { 新規: lead, ホット: mql, 商談化: sql, 対象外: disqualified }\ndeal_status: { 提案: open, 不成立: lost }\n',
    );
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
    // 4 leads + 4 opportunities + 3 accounts.
    expect(result.manifest.run).toMatchObject({ read: 11, accepted: 11, quarantinedRows: 0, unmapped: {} });
    const byKind = Object.fromEntries(result.manifest.run.files.map((f) => [f.kind, f]));
    expect(byKind.Lead).toMatchObject({ encoding: 'cp932', rows: 4, skipped: { total: 1, group: 0, footer: 5 } });
    expect(byKind.Opportunity).toMatchObject({ encoding: 'cp932', rows: 4, skipped: { total: 1, group: 0, footer: 5 } });
    expect(byKind.Account).toMatchObject({ encoding: 'cp932', rows: 3, skipped: { total: 0, group: 0, footer: 4 } });
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

  it('answers the hand counts: opportunities, won count and amount, win rate, per account', () => {
    const deals = area.table(result, 'opportunities');
    // 成立: 006J000001 and 006J000004; 不成立 (the org's lost): 006J000002; 提案: 006J000003 is open.
    expect(countBy(deals, 'status')).toEqual({ won: 2, lost: 1, open: 1 });
    const won = deals.filter((d) => d.status === 'won');
    // 3,000,000 + 500,000.
    expect(won.reduce((sum, d) => sum + Number(d.amount), 0)).toBe(3_500_000);
    // Won over closed: 2 / (2 + 1).
    const closed = deals.filter((d) => d.status !== 'open').length;
    expect(won.length / closed).toBeCloseTo(2 / 3, 10);
    // A won deal closes on its 完了予定日 (a report has no stage history): 2025/6/30 in Tokyo.
    expect(deals.find((d) => d.opportunity_id === 'salesforce:006J000001')!.closed_at).toBe('2025-06-29T15:00:00.000Z');
    // Two deals of 株式会社アルファ, one each of ベータ and ガンマ.
    const names = new Map(area.table(result, 'accounts').map((a) => [a.account_id, a.account_name]));
    expect(
      countBy(
        deals.map((d) => ({ name: names.get(d.account_id)! })),
        'name',
      ),
    ).toEqual({
      株式会社アルファ: 2,
      ベータ株式会社: 1,
      ガンマ株式会社: 1,
    });
  });

  it('names the labels it found and those it misses on a header it half recognises', async () => {
    // A lead history report: リード ID is Salesforce's label, the history columns' Japanese labels are not known here.
    const dir = path.join(area.root, 'history');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'リード履歴.csv'),
      iconv.encode(
        crlf([
          '"リード ID","項目 / イベント","旧値","新値","編集日"',
          '"00QJ000001","リード状況","新規","ホット","2025/4/10 9:00"',
        ]),
        'cp932',
      ),
    );
    const run = area.run('salesforce', [dir], { dryRun: true });
    await expect(run).rejects.toBeInstanceOf(ImportInputError);
    await expect(run).rejects.toThrow(
      'It looks like LeadHistory: found "リード ID"; missing one of Field / Field / Event; one of NewValue / New Value.',
    );
  });

  it('reads an English Opportunity report (Opportunity ID, Created Date) as opportunities, not as their history', async () => {
    const dir = path.join(area.root, 'en');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'opportunities.csv'),
      crlf([
        '"Opportunity ID","Opportunity Name","Account ID","Stage","Amount","Close Date","Created Date"',
        '"006E000001","Alpha","001J000001","Closed Won","1,000","2025/6/30","2025/5/1 10:00"',
      ]),
    );
    const run = await area.run('salesforce', [dir], { dryRun: true, build: false });
    expect(run.manifest.run.files.map((f) => f.kind)).toEqual(['Opportunity']);
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

  it('reads Japanese deals and their stages, and quarantines them for want of an association column it can read', async () => {
    // 成約 and 成立 are HubSpot's Japanese closed-won names, 失注 its closed-lost; 提案中 is this portal's own open stage.
    // The Japanese labels of "Associated Company IDs" / "Associated Contact IDs" are not known here (japanese.ts), so
    // no deal can be tied to a company or contact, and a deal tied to neither is quarantined rather than counted.
    const dir = path.join(area.root, 'deals');
    mkdirSync(dir);
    const deals = [
      'レコードID,取引名,取引ステージ,金額,作成日,クローズ日',
      '401,アルファ 新規導入,成約,"3,000,000",2025-05-01 10:00,2025-06-30 10:00',
      '402,ベータ 新規導入,失注,"1,200,000",2025-05-10 10:00,2025-06-15 10:00',
      '403,ガンマ 新規導入,提案中,"800,000",2025-06-01 10:00,2025-09-30 10:00',
      '404,デルタ 新規導入,成立,"500,000",2025-07-01 10:00,2025-08-29 10:00',
    ].join('\n');
    writeFileSync(path.join(dir, 'hubspot-crm-exports-deals.csv'), `\uFEFF${deals}`);
    writeFileSync(path.join(area.root, 'map.yml'), 'deal_status: { 提案中: open }\n');
    const run = await area.run('hubspot', [dir], { mappingFile: path.join(area.root, 'map.yml'), dryRun: true, build: false });
    expect(run.manifest.run.files.map((f) => [f.kind, f.rows])).toEqual([['deals', 4]]);
    // Every stage and date read: nothing unmapped, no row refused for its own values …
    expect(run.manifest.run.unmapped).toEqual({});
    // … and each of the four deals quarantined once, as an orphan (a deal with neither account nor contact).
    expect(run.manifest.run.reasons).toEqual({ 'orphan reference': 4 });
    expect(run.manifest.run.accepted).toBe(0);
  });

  it('names what a Japanese companies export misses: the company name label is not known here', async () => {
    const dir = path.join(area.root, 'companies');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'hubspot-crm-exports-companies.csv'),
      `\uFEFFレコードID,会社名,会社のドメイン名,作成日\n501,株式会社アルファ,alpha.example.co.jp,2025-04-01 09:00\n`,
    );
    const run = area.run('hubspot', [dir], { dryRun: true });
    await expect(run).rejects.toBeInstanceOf(ImportInputError);
    await expect(run).rejects.toThrow(
      'It looks like companies: found "レコードID", "会社のドメイン名"; missing one of Company name / Company Name.',
    );
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

  it('names what a leads export with a Japanese creation date misses: its label is not known here', async () => {
    const dir = path.join(area.root, 'leads-ja');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'leads.csv'),
      'id,メールアドレス,企業名,作成日\n5004,sora@eta.example.jp,イータ株式会社,2025/06/01\n',
    );
    const run = area.run('marketo', [dir], { dryRun: true });
    await expect(run).rejects.toBeInstanceOf(ImportInputError);
    await expect(run).rejects.toThrow(
      'It looks like leads: found "id", "メールアドレス"; missing one of createdAt / Created At.',
    );
  });
});
