/*
 * Each vendor's fixtures (test/fixtures/import/<source>/, written after the
 * vendors' real export columns and formats) imported by the real importer
 * into a real warehouse, then asked of the real server's views. Expected
 * figures are counted by hand from the fixture rows; the comments say how.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { FIXTURES, figures, importedAndServed } from './helpers';

describe('HubSpot exports', () => {
  const s = importedAndServed((area) => area.run('hubspot', [path.join(FIXTURES, 'hubspot')]));

  it('answers the hand-counted figures', async () => {
    const f = await figures(s.views, { from: 'lead', to: 'mql', month: '2025-04' });
    // Leads kept: 201 山田, 202 佐藤, 203 鈴木, 204 田中, 206 伊藤, 209 小林 (205 bad email, 207 after as_of, 201 twice).
    // mql: 201, 202, 203 (206's MQL date is before its Lead date: quarantined). sal is skipped by all and
    // back-filled; sql: 201, 202, and 203 through deal 304's opportunity; won: 201.
    expect(f.volumes).toEqual({ lead: 6, mql: 3, sal: 3, sql: 3, opportunity: 3, won: 1 });
    // April (JST) lead cohort: 201 (04-03), 202 (04-05), 204 (04-20); reached mql: 201, 202.
    expect(f.cohort).toEqual({ entered: 3, converted: 2, rate: 2 / 3 });
    // Closed deals: 301 won, 302 lost, 303 won (306 negative amount and 305 orphan quarantined; 304 open).
    expect(f.deals).toEqual({ won: 2, lost: 1, winRate: 2 / 3 });
    // First touch before each opportunity among its account's leads: 301 and 303 (アクメ: 201's Organic Search
    // on 04-03 is first), 302 (Beta: 202's Paid Search), 304 (ガンマ: 203's Email Marketing).
    expect(f.firstTouch).toEqual({ seo: 2, web_ads: 1, email: 1 });
  });

  it('keeps full-width emails, 株式会社 names and zone-shifted times as the contract wants them', () => {
    const leads = s.area.table(s.result, 'leads');
    expect(leads.map((l) => l.email)).toContain('hanako@beta.example.com');
    const accounts = s.area.table(s.result, 'accounts');
    expect(accounts.map((a) => a.account_name)).toEqual(
      expect.arrayContaining(['株式会社アクメ', 'ガンマ商事株式会社', 'Beta Systems, Inc.']),
    );
    // "2025-04-03 10:00" in the portal's zone (Asia/Tokyo) is 01:00 UTC.
    expect(leads.find((l) => l.email === 'taro.yamada@acme.example.co.jp')!.created_at).toBe('2025-04-03T01:00:00.000Z');
    // ガンマ has no domain in HubSpot: its own id; Salesforce is not imported here, so its Salesforce id matches nothing.
    expect(leads.find((l) => l.email === 'jiro@gamma.example.jp')!.account_id).toBe('hubspot:103');
    // goro@beta.example.com has no company association: matched to Beta by its email's domain.
    expect(leads.find((l) => l.email === 'goro@beta.example.com')!.account_id).toBe('beta.example.com');
  });

  it('quarantines each bad row with file, line, column and reason, and says so in the summary', () => {
    const q = s.area.quarantine(s.result).map((r) => [path.basename(r.file!), r.line, r.column, r.reason!.replace(/ \(.*$/, '')]);
    expect(q).toEqual([
      ['hubspot-crm-exports-all-contacts-2025-09-30.csv', '7', 'Email', 'malformed email'],
      [
        'hubspot-crm-exports-all-contacts-2025-09-30.csv',
        '8',
        'Became a Marketing Qualified Lead Date',
        'transition out of time order: mql dated before Became a Lead Date',
      ],
      ['hubspot-crm-exports-all-contacts-2025-09-30.csv', '9', 'Create Date', 'date beyond as_of'],
      ['hubspot-crm-exports-all-contacts-2025-09-30.csv', '10', 'person_key', 'duplicate id'],
      ['hubspot-crm-exports-all-contacts-2025-09-30.csv', '11', 'Original Source', 'unknown channel "Trade Fair"'],
      ['hubspot-crm-exports-all-deals-2025-09-30.csv', '6', 'account', 'orphan reference: unknown account'],
      ['hubspot-crm-exports-all-deals-2025-09-30.csv', '7', 'Amount', 'negative amount'],
    ]);
    expect(s.result.manifest.run).toMatchObject({ read: 18, quarantinedRows: 7, accepted: 11 });
    expect(s.result.manifest.run.unmapped.channels).toEqual({
      'Trade Fair': expect.objectContaining({
        rows: 2,
        suggestion: expect.stringContaining('left unmapped: add "Trade Fair: <channel>"'),
      }),
    });
  });
});

describe('Salesforce exports (Data Loader and a Shift_JIS report export)', () => {
  const s = importedAndServed((area) => area.run('salesforce', [path.join(FIXTURES, 'salesforce')]));

  it('answers the hand-counted figures', async () => {
    const f = await figures(s.views, { from: 'mql', to: 'sql', month: '2025-04' });
    // Leads: 山田 (lead 00QA000001 and contact 003A000001, one person), 木村, 中村, 松本 (a contact only: deal
    // 006A000002's contact, entering at opportunity), 林 and 森 (the report export).
    // mql: 山田, 木村, 松本 (back-filled); sal: the same three (木村 04-20); sql, opportunity: 山田, 松本; won: 山田.
    expect(f.volumes).toEqual({ lead: 6, mql: 3, sal: 3, sql: 2, opportunity: 2, won: 1 });
    // April mql cohort: 山田 (04-08) and 木村 (04-15); 山田 reached sql.
    expect(f.cohort).toEqual({ entered: 2, converted: 1, rate: 1 / 2 });
    // 006A000001 won, 006A000002 lost (IsClosed / IsWon), 006A000003 open.
    expect(f.deals).toEqual({ won: 1, lost: 1, winRate: 1 / 2 });
    // 006A000001: アクメ's only touch is 山田's webinar; 006A000002 and 006A000003: デルタ's first touch is 木村's trade show.
    expect(f.firstTouch).toEqual({ webinar: 1, trade_show: 2 });
  });

  it('reads the report export: Shift_JIS detected, labels, local times, the footer ignored', () => {
    const report = s.result.manifest.run.files.find((f) => f.file.endsWith('report-new-leads-2025-06.csv'))!;
    // Its 合計 (2) line and five footer lines are not records: skipped and counted, not read.
    expect(report).toMatchObject({ kind: 'Lead', encoding: 'cp932', rows: 2, skipped: { total: 1, group: 0, footer: 5 } });
    const leads = s.area.table(s.result, 'leads');
    // "2025/06/02 9:15" Asia/Tokyo → 00:15 UTC; ＭＡＫＯＴＯ＠ｅｐｓｉｌｏｎ.example.jp folded.
    expect(leads.find((l) => l.email === 'mika@epsilon.example.jp')!.created_at).toBe('2025-06-02T00:15:00.000Z');
    expect(leads.find((l) => l.email === 'makoto@epsilon.example.jp')!.created_at).toBe('2025-06-03T05:05:00.000Z');
    expect(s.area.table(s.result, 'accounts').find((a) => a.account_id === 'epsilon.example.jp')!.account_name).toBe(
      'イプシロン株式会社',
    );
  });

  it('closes an opportunity when its history first shows a closed stage, and quarantines a status change out of order', () => {
    const won = s.area.table(s.result, 'opportunities').find((o) => o.opportunity_id === 'salesforce:006A000001')!;
    expect(won.closed_at).toBe('2025-06-18T06:30:00.000Z'); // not CloseDate 2025-06-20
    const q = s.area.quarantine(s.result);
    expect(q.map((r) => [path.basename(r.file!), r.line, r.column, r.value, r.reason])).toEqual([
      ['LeadHistory.csv', '8', 'from_stage', 'sql', 'transition out of time order: from sql while the lead was in mql'],
    ]);
    // 山田's merged record is logged.
    expect(s.result.manifest.run.merges).toBe(1);
  });
});

describe('Marketo exports (leads, Change Revenue Stage activities, program membership)', () => {
  const s = importedAndServed((area) => area.run('marketo', [path.join(FIXTURES, 'marketo')]));

  it('answers the hand-counted figures', async () => {
    const f = await figures(s.views, { from: 'lead', to: 'mql', month: '2025-04' });
    // 1001: Known → MQL → SAL → SQL → Opportunity → Customer; 1002: Known → MQL → Recycled → MQL; 1003: Known
    // (its "Nurture Pool" change is an unknown stage, quarantined).
    expect(f.volumes).toEqual({ lead: 3, mql: 2, sal: 1, sql: 1, opportunity: 1, won: 1 });
    // April lead cohort (JST): 1001 (04-01 09:00), 1002 (04-15); both reached mql.
    expect(f.cohort).toEqual({ entered: 2, converted: 2, rate: 1 });
    // Marketo holds no deals.
    expect(f.deals).toEqual({ won: null, lost: null, winRate: null });
    expect(s.result.manifest.run.unmapped.stages).toEqual({ 'Nurture Pool': expect.objectContaining({ rows: 1 }) });
  });

  it('turns program membership into touches on the program channel, first touch per stage conversion', async () => {
    const touches = s.area
      .table(s.result, 'touchpoints')
      .map((t) => [t.channel, t.touch_type, t.occurred_at])
      .sort();
    expect(touches).toEqual([
      ['email', '', '2025-04-03T00:00:00.000Z'],
      ['trade_show', 'event_visit', '2025-04-14T00:00:00.000Z'],
      ['webinar', 'webinar_attend', '2025-03-31T00:00:00.000Z'],
      ['webinar', 'webinar_register', '2025-04-28T00:00:00.000Z'],
    ]);
    // mql → sal: only 1001 (04-09); its account ゼータ's first touch is 1001's webinar on 03-31.
    const rows = await s.views.rows({
      measures: ['attribution.credit'],
      dimensions: ['attribution.channel'],
      filters: [
        { member: 'attribution.model', operator: 'equals', values: ['first_touch'] },
        { member: 'attribution.conversion', operator: 'equals', values: ['mql->sal'] },
      ],
    });
    expect(rows.filter((r) => Number(r.credit) > 0).map((r) => [r.channel, Number(r.credit)])).toEqual([['webinar', 1]]);
  });
});
