/*
 * Importing the same export again with a corrected value map replaces that
 * export's stage events: history rows without an id (Salesforce report
 * exports) are keyed by what the source says (lead, time, field, old and new
 * value), and a person's own stage-date columns (HubSpot) are replaced with
 * the row, so no event of the old map stays behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importArea, type ImportArea } from './helpers';

function write(dir: string, files: Record<string, string[]>) {
  mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(files)) writeFileSync(path.join(dir, name), lines.join('\r\n'));
}

const stagesOf = (area: ImportArea, result: Parameters<ImportArea['table']>[0]) =>
  area
    .table(result, 'stage_transitions')
    .sort((a, b) => a.transitioned_at!.localeCompare(b.transitioned_at!))
    .map((t) => [t.from_stage, t.to_stage, t.transitioned_at]);

describe('re-import with a changed value map', () => {
  const areas: ImportArea[] = [];
  afterAll(() => areas.forEach((a) => a.cleanup()));

  it('replaces a Salesforce report history’s events (no Id: keyed by lead, time, field, old and new value)', async () => {
    const area = importArea();
    areas.push(area);
    const dir = path.join(area.root, 'sf');
    write(dir, {
      'leads.csv': ['"Lead ID","Email","Lead Status","Create Date"', '"00QC000001","x@one.example.jp","商談化","2025/4/1 9:05"'],
      'history.csv': [
        '"Lead ID","Field / Event","Old Value","New Value","Edit Date"',
        '"00QC000001","Lead Status","新規","ホット","2025/4/10 10:00"',
        '"00QC000001","Lead Status","ホット","商談化","2025/4/20 10:00"',
      ],
    });
    const wrong = path.join(area.root, 'wrong.yml');
    const right = path.join(area.root, 'right.yml');
    writeFileSync(wrong, 'stages: { 新規: lead, ホット: sql, 商談化: sql }\n');
    writeFileSync(right, 'stages: { 新規: lead, ホット: mql, 商談化: sql }\n');

    const first = await area.run('salesforce', [dir], { mappingFile: wrong, build: false, allowRejects: false });
    expect(first.exitCode).toBe(0);
    expect(stagesOf(area, first)).toEqual([
      ['', 'lead', '2025-04-01T00:05:00.000Z'],
      ['lead', 'sql', '2025-04-10T01:00:00.000Z'],
    ]);
    const second = await area.run('salesforce', [dir], { mappingFile: right, build: false, allowRejects: false });
    expect(second.exitCode).toBe(0);
    expect(second.manifest.run.quarantinedRows).toBe(0);
    expect(stagesOf(area, second)).toEqual([
      ['', 'lead', '2025-04-01T00:05:00.000Z'],
      ['lead', 'mql', '2025-04-10T01:00:00.000Z'],
      ['mql', 'sql', '2025-04-20T01:00:00.000Z'],
    ]);
  }, 60_000);

  it('replaces a HubSpot contact’s stage-date events when its stage maps elsewhere', async () => {
    const area = importArea();
    areas.push(area);
    const dir = path.join(area.root, 'hs');
    write(dir, {
      'contacts.csv': [
        'Record ID,Email,Lifecycle Stage,Create Date,Became a Lead Date,Became a Hot Lead Date',
        '701,h@two.example.jp,Hot Lead,2025-04-01 09:00,2025-04-01 09:00,2025-04-15 09:00',
      ],
    });
    const first = path.join(area.root, 'first.yml');
    const second = path.join(area.root, 'second.yml');
    writeFileSync(first, "stages: { 'Hot Lead': mql }\n");
    writeFileSync(second, "stages: { 'Hot Lead': sql }\n");
    const a = await area.run('hubspot', [dir], { mappingFile: first, build: false, allowRejects: false });
    expect(stagesOf(area, a).map((t) => t[1])).toEqual(['lead', 'mql']);
    const b = await area.run('hubspot', [dir], { mappingFile: second, build: false, allowRejects: false });
    expect(stagesOf(area, b)).toEqual([
      ['', 'lead', '2025-04-01T00:00:00.000Z'],
      ['lead', 'sql', '2025-04-15T00:00:00.000Z'],
    ]);
  }, 60_000);
});
