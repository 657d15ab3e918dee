/*
 * Opportunity contact roles from the importers (docs/metrics.md definition
 * 19, server/import/sources/contact-roles.ts), hand-checked on the Salesforce
 * and HubSpot fixtures:
 *   Salesforce  test/fixtures/import/contact-roles/OpportunityContactRole.csv
 *               beside the Salesforce fixture: 006A000002 names 松本
 *               (003A000002) Decision Maker, primary; 006A000001 names 山田
 *               (003A000001, merged with lead 00QA000001) Economic Buyer; a
 *               third row names a contact no export has (line 4): quarantined.
 *   HubSpot     every associated contact of a deal, no role, the first one
 *               primary: 301 → 201 (山田), 302 → 202 (花子), 303 → 204,
 *               304 → 203; 306 (negative amount) is set aside with its deal.
 * And the warehouse built from the import reads them into the buying group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { ImportResult } from '../../server/import/index';
import { FIXTURES, importedAndServed, importArea, type ImportArea } from './helpers';

describe('Salesforce OpportunityContactRole', () => {
  const s = importedAndServed(
    (area) =>
      area.run('salesforce', [
        path.join(FIXTURES, 'salesforce'),
        path.join(FIXTURES, 'contact-roles', 'OpportunityContactRole.csv'),
      ]),
    300_000,
  );

  it('writes each named contact with its role, and quarantines an unknown contact with file and line', () => {
    const lead = (email: string) => s.area.table(s.result, 'leads').find((l) => l.email === email)!.lead_id;
    expect(s.area.table(s.result, 'opportunity_contact_roles')).toEqual(
      [
        {
          opportunity_id: 'salesforce:006A000001',
          lead_id: lead('taro.yamada@acme.example.co.jp'),
          role: 'Economic Buyer',
          is_primary: 'false',
        },
        {
          opportunity_id: 'salesforce:006A000002',
          lead_id: lead('aiko@delta.example.jp'),
          role: 'Decision Maker',
          is_primary: 'true',
        },
      ].sort((a, b) => a.opportunity_id.localeCompare(b.opportunity_id)),
    );
    const q = s.area.quarantine(s.result).filter((r) => path.basename(r.file!) === 'OpportunityContactRole.csv');
    expect(q.map((r) => [r.line, r.column, r.value, r.reason])).toEqual([
      ['4', 'person', 'salesforce:003A999999', 'orphan reference: unknown contact of a deal'],
    ]);
  });

  it('the buying-group view counts the named contacts', async () => {
    const rows = await s.views.rows({
      dimensions: ['buying_groups.opportunity_id', 'buying_groups.named_contacts'],
      order: { 'buying_groups.opportunity_id': 'asc' },
    });
    expect(rows.map((r) => [r.opportunity_id, Number(r.named_contacts)])).toEqual([
      ['salesforce:006A000001', 1],
      ['salesforce:006A000002', 1],
      ['salesforce:006A000003', 0],
    ]);
  });
});

describe('HubSpot deal–contact associations', () => {
  let area: ImportArea;
  let result: ImportResult;
  beforeAll(async () => {
    area = importArea();
    result = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')]);
  }, 300_000);
  afterAll(() => area?.cleanup());

  it('writes every associated contact, the first one primary, no role', () => {
    const leads = area.table(result, 'leads');
    const emailOf = (id: string) => leads.find((l) => l.lead_id === id)?.email;
    const roles = area.table(result, 'opportunity_contact_roles');
    expect(roles.map((r) => [r.opportunity_id, emailOf(r.lead_id!), r.role, r.is_primary])).toEqual([
      ['hubspot:301', 'taro.yamada@acme.example.co.jp', '', 'true'],
      ['hubspot:302', 'hanako@beta.example.com', '', 'true'],
      ['hubspot:303', expect.any(String), '', 'true'],
      ['hubspot:304', expect.any(String), '', 'true'],
    ]);
  });
});
