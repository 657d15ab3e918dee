/*
 * Deals in several currencies: a currency column and the mapping's dated
 * exchange rates turn amounts into the company's currency (settings
 * `currency`, JPY) at the rate in force on the close date in the source's
 * zone; a deal in a currency without a rate is quarantined, not summed. The
 * expected amounts are worked by hand in the comments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importArea } from './helpers';

describe('deals in several currencies', () => {
  const area = importArea();
  afterAll(() => area.cleanup());

  it('converts at the dated rate, and quarantines a currency without one', async () => {
    const dir = path.join(area.root, 'crm');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'accounts.csv'), ['account_id,account_name', 'A1,株式会社アルファ', 'B1,Beta Inc.'].join('\n'));
    writeFileSync(
      path.join(dir, 'opportunities.csv'),
      [
        'opportunity_id,account_id,created_at,closed_at,status,amount,currency',
        'O1,A1,2025-04-01T00:00:00Z,2025-05-10T00:00:00Z,won,1000000,',
        // Closed 2025-06-01 01:00 in Tokyo: the June rate.
        'O2,A1,2025-04-01T00:00:00Z,2025-05-31T16:00:00Z,won,10000,USD',
        'O3,B1,2025-04-01T00:00:00Z,2025-05-20T00:00:00Z,won,2000,usd',
        'O4,B1,2025-04-01T00:00:00Z,,open,5000,EUR',
        'O5,B1,2025-04-01T00:00:00Z,2025-05-20T00:00:00Z,won,100,ドル',
      ].join('\n'),
    );
    const mapping = path.join(area.root, 'mapping.yml');
    writeFileSync(
      mapping,
      [
        'source: crm',
        'exchange_rates:',
        '  - { currency: USD, from: "2025-01-01", rate: 150 }',
        '  - { currency: USD, from: "2025-06-01", rate: 155 }',
        'tables:',
        '  accounts: { file: "accounts.csv" }',
        '  opportunities: { file: "opportunities.csv" }',
      ].join('\n'),
    );
    const result = await area.run('crm', [dir], { mappingFile: mapping, build: false });
    const amounts = Object.fromEntries(area.table(result, 'opportunities').map((o) => [o.opportunity_id, o.amount]));
    // O1 has no currency: the company's (JPY) as written. O2: 10,000 USD × 155 (June). O3: 2,000 USD × 150 (May).
    expect(amounts).toEqual({ 'crm:O1': '1000000', 'crm:O2': '1550000', 'crm:O3': '300000' });
    const q = area.quarantine(result).map((r) => [r.line, r.column, r.value, r.reason]);
    expect(q).toEqual([
      ['5', 'currency', 'EUR', 'no exchange rate for EUR on or before 2025-04-01 (deal not summed)'],
      ['6', 'currency', 'ドル', 'unreadable currency (an ISO 4217 code such as JPY or USD)'],
    ]);
  }, 60_000);
});
