/*
 * Accounts meet as Japanese companies meet: without a domain, records of one
 * company from different sources become one account on its 法人番号, else on
 * its name with the legal form (株式会社 / (株) / ㈱ / カブシキガイシャ), width
 * and spaces folded; the merge is listed in merges.csv (the Data page's
 * download). A name shared by one record only changes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { companyNameKey, corporateNumber } from '../../server/import/text';
import { importArea, PROJECT_ROOT } from './helpers';

describe('companyNameKey', () => {
  it.each([
    ['株式会社アクメ', 'アクメ'],
    ['アクメ ㈱', 'アクメ'],
    ['ｱｸﾒ(株)', 'アクメ'],
    ['カブシキガイシャ　アクメ', 'アクメ'],
    ['（株）アクメ', 'アクメ'],
    ['ＡＣＭＥ Co., Ltd.', 'acme'],
    ['Acme, Inc.', 'acme'],
    ['ガンマ商事 株式会社', 'ガンマ商事'],
  ])('%s → %s', (raw, key) => expect(companyNameKey(raw)).toBe(key));
  it('leaves nothing of a bare legal form, and reads a 法人番号 written in full width or with hyphens', () => {
    expect(companyNameKey('株式会社')).toBeUndefined();
    expect(corporateNumber('１２３４５６７８９０１２３')).toBe('1234567890123');
    expect(corporateNumber('1234-5678-90123')).toBe('1234567890123');
    expect(corporateNumber('12345')).toBeUndefined();
  });
});

describe('accounts from two sources without domains', () => {
  const area = importArea();
  afterAll(() => area.cleanup());

  it('become one account on the normalised name, and one on a shared 法人番号, listed as merges', async () => {
    const sf = path.join(area.root, 'sf');
    const hs = path.join(area.root, 'hs');
    const generic = path.join(area.root, 'generic');
    for (const d of [sf, hs, generic]) mkdirSync(d);
    writeFileSync(
      path.join(sf, 'Account.csv'),
      [
        'Id,Name,CreatedDate',
        '001G000001,ガンマ商事株式会社,2025-04-01T00:00:00.000Z',
        '001G000002,デルタ工業株式会社,2025-04-01T00:00:00.000Z',
      ].join('\n'),
    );
    writeFileSync(
      path.join(hs, 'companies.csv'),
      [
        'Record ID,Company name,Company Domain Name,Create Date',
        '501,ｶﾞﾝﾏ商事 ㈱,,2025-04-02 10:00',
        '502,イプシロン(株),,2025-04-02 10:00',
      ].join('\n'),
    );
    writeFileSync(
      path.join(generic, 'accounts.csv'),
      [
        'account_id,account_name,corporate_number,created_at',
        'A1,Omega Holdings,1234567890123,2025-04-01T00:00:00Z',
        'A2,オメガ・ホールディングス株式会社,１２３４５６７８９０１２３,2025-04-03T00:00:00Z',
      ].join('\n'),
    );
    const canonical = path.join(PROJECT_ROOT, 'server/import/mappings/canonical.yml');
    await area.run('salesforce', [sf], { build: false, allowRejects: false });
    await area.run('hubspot', [hs], { build: false, allowRejects: false });
    const last = await area.run('generic', [generic], { mappingFile: canonical, build: false, allowRejects: false });
    const accounts = area.table(last, 'accounts');
    // Six records: ガンマ ×2 → one; デルタ, イプシロン alone; Omega ×2 (one 法人番号) → one. Four accounts.
    expect(accounts.map((a) => a.account_id).sort()).toEqual(
      ['salesforce:001G000001', 'salesforce:001G000002', 'hubspot:502', 'canonical:A1'].sort(),
    );
    const merges = parse(readFileSync(path.join(last.dir!, 'merges.csv')), { columns: true }) as Record<string, string>[];
    expect(merges.filter((m) => m.kind === 'account').map((m) => [m.id, m.matched_on, m.records])).toEqual([
      ['canonical:A1', 'corporate_number', 'canonical:A1 canonical:A2'],
      ['salesforce:001G000001', 'name', 'hubspot:501 salesforce:001G000001'],
    ]);
    expect(last.manifest.run.merges).toBe(2);
  }, 60_000);
});

describe('a Salesforce record naming its account in full-width characters', () => {
  const area = importArea();
  afterAll(() => area.cleanup());

  it("meets the account, keyed as the account's own id is (NFKC), instead of quarantining the deal as an orphan", async () => {
    // The account's id in ASCII; the contact and the deal name it in full width, as a Japanese export may.
    const files = {
      'Account.csv': 'Id,Name,CreatedDate\n001G000009,イータ株式会社,2025-04-01T00:00:00.000Z\n',
      'Contact.csv':
        'Id,AccountId,Email,CreatedDate\n003G000009,００１Ｇ０００００９,eta@eta.example.jp,2025-04-02T00:00:00.000Z\n',
      'Opportunity.csv':
        'Id,AccountId,Name,StageName,Amount,CloseDate,CreatedDate\n' +
        '006G000009,００１Ｇ０００００９,イータ 新規,Closed Won,1000000,2025-06-20,2025-05-01T00:00:00.000Z\n',
    };
    const sf = path.join(area.root, 'sf');
    mkdirSync(sf);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(sf, name), text);
    const result = await area.run('salesforce', [sf], { build: false, allowRejects: false });
    expect(area.quarantine(result)).toEqual([]);
    expect(area.table(result, 'opportunities').map((o) => [o.opportunity_id, o.account_id])).toEqual([
      ['salesforce:006G000009', 'salesforce:001G000009'],
    ]);
    expect(area.table(result, 'leads').map((l) => [l.email, l.account_id])).toEqual([
      ['eta@eta.example.jp', 'salesforce:001G000009'],
    ]);
  }, 60_000);
});
