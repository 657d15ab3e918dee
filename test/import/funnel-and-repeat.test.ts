/*
 * Every lead enters the funnel when it is created, whatever the source; the
 * same files give the same tables byte for byte whatever order their rows
 * come in; and as_of comes from the export (file name, report footer, else
 * the latest time in the data), so importing the same files twice without
 * flags writes nothing and rebuilds nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listImports } from '../../server/import/area';
import { FIXTURES, importArea, type ImportArea } from './helpers';

const CONTACTS_HEADER =
  'Record ID,Email,Lifecycle Stage,Create Date,Original Source,Became a Lead Date,Became an Opportunity Date';
const DEALS_HEADER = 'Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Associated Contact IDs';

const tables = (dir: string) =>
  Object.fromEntries(
    readdirSync(path.join(dir, 'tables'))
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, 'tables', f), 'utf8')]),
  );

/** A small deterministic shuffle (the rows' order is what varies, not the test). */
function shuffled<T>(rows: T[], seed: number): T[] {
  const out = [...rows];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('every lead enters the funnel when created', () => {
  const areas: ImportArea[] = [];
  afterAll(() => areas.forEach((a) => a.cleanup()));

  it('a HubSpot contact with no "Became a … Date" enters lead at its Create Date', async () => {
    const area = importArea();
    areas.push(area);
    const dir = path.join(area.root, 'export');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'contacts.csv'),
      [
        'Record ID,Email,Lifecycle Stage,Create Date,Original Source',
        '"101","a@test.example.jp","","2025-04-01 09:05","Offline Sources"',
        '"102","b@test.example.jp","Lead","2025-04-02 09:05","Offline Sources"',
      ].join('\n'),
    );
    const result = await area.run('hubspot', [dir], { build: false });
    const transitions = area.table(result, 'stage_transitions');
    // 09:05 in Tokyo is 00:05 UTC.
    expect(transitions.map((t) => [t.to_stage, t.transitioned_at, t.reason]).sort()).toEqual([
      ['lead', '2025-04-01T00:05:00.000Z', 'created'],
      ['lead', '2025-04-02T00:05:00.000Z', 'created'],
    ]);
    expect(area.table(result, 'leads')).toHaveLength(2);
  });

  it('a Marketo lead with no revenue-stage activity enters lead at its creation', async () => {
    const area = importArea();
    areas.push(area);
    const result = await area.run('marketo', [path.join(FIXTURES, 'marketo/leads.csv')], { build: false });
    const leads = area.table(result, 'leads');
    const entered = new Map(
      area
        .table(result, 'stage_transitions')
        .filter((t) => t.to_stage === 'lead')
        .map((t) => [t.lead_id, t.transitioned_at]),
    );
    expect(leads.length).toBeGreaterThan(0);
    for (const l of leads) expect(entered.get(l.lead_id), l.email).toBe(l.created_at);
  });
});

describe('the same files give the same tables whatever the order of their rows', () => {
  const area = importArea();
  afterAll(() => area.cleanup());
  // 40 contacts whose opportunity date is their deal's creation: two events of one stage at one instant.
  const contacts = Array.from(
    { length: 40 },
    (_, i) =>
      `${500 + i},c${i}@tie${i % 7}.example.jp,Opportunity,2025-04-0${1 + (i % 9)} 09:00,Organic Search,2025-04-0${1 + (i % 9)} 09:00,2025-05-${10 + (i % 9)} 10:00`,
  );
  const deals = Array.from(
    { length: 40 },
    (_, i) => `${900 + i},Deal ${i},Appointment Scheduled,100000,2025-05-${10 + (i % 9)} 10:00,,${500 + i}`,
  );

  it('gives byte-identical tables for five orders of rows and files, and keeps deal_created on a tie', async () => {
    const results: Record<string, string>[] = [];
    for (const seed of [0, 1, 2, 3, 4]) {
      const dir = path.join(area.root, `order-${seed}`);
      mkdirSync(dir);
      const c = seed === 0 ? contacts : seed === 1 ? [...contacts].reverse() : shuffled(contacts, seed);
      const d = seed === 0 ? deals : seed === 1 ? [...deals].reverse() : shuffled(deals, seed * 7);
      // File names decide the reading order in a folder: the deals come first in odd runs.
      writeFileSync(path.join(dir, `${seed % 2 ? 'a' : 'b'}-contacts.csv`), [CONTACTS_HEADER, ...c].join('\n'));
      writeFileSync(path.join(dir, `${seed % 2 ? 'b' : 'a'}-deals.csv`), [DEALS_HEADER, ...d].join('\n'));
      const fresh = importArea();
      try {
        const result = await fresh.run('hubspot', [dir], { build: false, allowRejects: false });
        expect(result.exitCode).toBe(0);
        results.push(tables(result.dir!));
      } finally {
        fresh.cleanup();
      }
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    const opportunity = results[0]!['stage_transitions.csv']!.split('\n').filter((l) => l.includes(',opportunity,'));
    expect(opportunity).toHaveLength(40);
    for (const line of opportunity) expect(line).toMatch(/,deal_created,/);
  }, 120_000);
});

describe('as_of from the export, so the same files twice change nothing without flags', () => {
  const area = importArea();
  afterAll(() => area.cleanup());

  it('takes the file name’s date (the end of that day in the source’s zone) and does nothing the second time', async () => {
    const first = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')], { asOf: undefined });
    // hubspot-crm-exports-all-…-2025-09-30.csv: the end of 30 September in Tokyo.
    expect(first.manifest.asOf).toBe('2025-09-30T15:00:00.000Z');
    expect(first.manifest.asOfFrom).toMatch(/^file name of .*2025-09-30\.csv$/);
    const built = statSync(area.warehouse).mtimeMs;
    const second = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')], { asOf: undefined });
    expect(second.manifest.unchanged).toBe(true);
    expect(second.dir).toBe(first.dir);
    expect(listImports(area.importsDir)).toEqual([first.dir]);
    expect(statSync(area.warehouse).mtimeMs).toBe(built);
    expect(second.summary).toMatch(/unchanged: .* nothing written, the warehouse not rebuilt/);
  }, 120_000);

  it('takes a report footer’s time, else the latest time in the data', async () => {
    const other = importArea();
    try {
      const report = await other.run('salesforce', [path.join(FIXTURES, 'salesforce/report-new-leads-2025-06.csv')], {
        asOf: undefined,
        build: false,
      });
      // "Generated By:  山本 一郎  2025/09/30 18:00" (Tokyo).
      expect(report.manifest.asOf).toBe('2025-09-30T09:00:00.000Z');
      expect(report.manifest.asOfFrom).toBe('footer of test/fixtures/import/salesforce/report-new-leads-2025-06.csv');
      const plain = importArea();
      try {
        const lead = await plain.run('salesforce', [path.join(FIXTURES, 'salesforce/Lead.csv')], {
          asOf: undefined,
          build: false,
        });
        // The latest time in Lead.csv, counted by hand: a LastModifiedDate.
        const latest = readFileSync(path.join(FIXTURES, 'salesforce/Lead.csv'), 'utf8')
          .match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g)!
          .sort()
          .at(-1);
        expect(lead.manifest.asOf).toBe(latest);
        expect(lead.manifest.asOfFrom).toBe('the latest time in the data');
      } finally {
        plain.cleanup();
      }
    } finally {
      other.cleanup();
    }
  }, 60_000);
});
