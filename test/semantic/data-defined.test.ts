/*
 * What the data defines, through the real server over HTTP: a company's own
 * channel (`podcast`, listed in its channels.csv) and its fiscal year
 * (fiscal_year_start_month), with no edit of the model.
 *
 * Fixture: test/fixtures/seeds-semantic (see fixture.test.ts for its story)
 * with these edits, so every expected value below is worked out by hand:
 *   channels.csv      the bundled 11 channels + podcast,ポッドキャスト,Podcast,false
 *   leads.csv         L6 (lead 04-08 10:00 → mql 04-09 → disqualified) came from podcast
 *   touchpoints.csv   P7 L6 2025-04-08 09:30 JST podcast page_view (L6's only touch)
 *   channel_costs.csv 2025-04 podcast 50,000
 *   settings.csv      fiscal_year_start_month 1 (then 11 after a rebuild)
 * Closed deals (closed_at, JST): O1 won 06-10 1,200,000; O2 lost 06-20;
 * O5 won 07-01 300,000; O3 won 07-15 600,000.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readModelFiles } from '../../server/cube/model-files';
import { localTimeSql, withFiscalYearStart, withLocalTimes } from '../../server/cube/model-files';
import { buildWarehouse } from '../../server/warehouse/index';
import { eq, MODEL_DIR, num, PROJECT_ROOT, type SemanticServer, startSemanticServer } from './semantic-server';

let s: SemanticServer;
let seeds: string;

function edit(file: string, change: (text: string) => string) {
  const p = path.join(seeds, file);
  const before = readFileSync(p, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`fixture edit of ${file} changed nothing`);
  writeFileSync(p, after);
}

const setFiscalStart = (month: number) =>
  edit('settings.csv', (t) => t.replace(/fiscal_year_start_month,\d+/, `fiscal_year_start_month,${month}`));

beforeAll(async () => {
  seeds = mkdtempSync(path.join(os.tmpdir(), 'revcycle-data-defined-'));
  cpSync(path.join(PROJECT_ROOT, 'test/fixtures/seeds-semantic'), seeds, { recursive: true });
  writeFileSync(
    path.join(seeds, 'channels.csv'),
    `${readFileSync(path.join(PROJECT_ROOT, 'seeds/channels.csv'), 'utf8')}podcast,ポッドキャスト,Podcast,false\n`,
  );
  edit('leads.csv', (t) => t.replace('A4,2025-04-08T10:00:00+09:00,trade_show,', 'A4,2025-04-08T10:00:00+09:00,podcast,'));
  edit('touchpoints.csv', (t) => `${t}P7,L6,2025-04-08T09:30:00+09:00,podcast,,page_view\n`);
  edit('channel_costs.csv', (t) => `${t}2025-04-01,podcast,,50000\n`);
  setFiscalStart(1);
  s = await startSemanticServer(seeds);
});
afterAll(async () => {
  await s?.close();
  rmSync(seeds, { recursive: true, force: true });
});

describe('a podcast channel of the company’s own', () => {
  it('builds with every data test passing', () => {
    expect(s.build.tests.failed).toBe(0);
  });

  it('is listed with its labels by the channels view, beside the bundled eleven', async () => {
    const rows = await s.rows({
      dimensions: ['channels.channel', 'channels.label_ja', 'channels.label_en', 'channels.is_paid'],
      order: { 'channels.channel': 'asc' },
    });
    expect(rows).toHaveLength(12);
    expect(rows.find((r) => r.channel === 'podcast')).toEqual({
      channel: 'podcast',
      label_ja: 'ポッドキャスト',
      label_en: 'Podcast',
      is_paid: false,
    });
    expect(rows.find((r) => r.channel === 'web_ads')).toEqual({
      channel: 'web_ads',
      label_ja: 'Web広告',
      label_en: 'Web ads',
      is_paid: true,
    });
  });

  it('has its names, cost, first-touch lead and CPL in channel performance', async () => {
    const rows = await s.rows({
      measures: ['channel_performance.cost', 'channel_performance.leads', 'channel_performance.cpl'],
      dimensions: ['channel_performance.channel', 'channel_performance.channel_label_ja', 'channel_performance.channel_label_en'],
      timeDimensions: [{ dimension: 'channel_performance.month', granularity: 'month', dateRange: ['2025-04-01', '2025-04-30'] }],
      filters: [eq('channel_performance.model', 'first_touch'), eq('channel_performance.channel', 'podcast')],
    });
    expect(
      rows.map((r) => [
        r.channel,
        r.channel_label_ja,
        r.channel_label_en,
        r['month.month'],
        num(r.cost),
        num(r.leads),
        num(r.cpl),
      ]),
    ).toEqual([['podcast', 'ポッドキャスト', 'Podcast', '2025-04-01T00:00:00.000', 50_000, 1, 50_000]]);
  });

  it('is a lead source in the funnel: L6 reached lead and mql in April', async () => {
    const rows = await s.rows({
      measures: ['stage_reach.leads'],
      dimensions: ['stage_reach.stage', 'stage_reach.stage_order', 'stage_reach.lead_source'],
      filters: [eq('stage_reach.lead_source', 'podcast')],
      order: { 'stage_reach.stage_order': 'asc' },
    });
    expect(rows.map((r) => [r.lead_source, r.stage, num(r.leads)])).toEqual([
      ['podcast', 'lead', 1],
      ['podcast', 'mql', 1],
    ]);
  });
});

describe('segments reached through the entity cubes', () => {
  // A many-to-one join must not multiply a fact: grouped by segments, the
  // totals are the ungrouped ones (and the hand-counted ones).
  const total = async (measure: string, dimensions: string[] = []) =>
    (await s.rows({ measures: [measure], dimensions })).reduce((sum, r) => sum + (num(r[measure.split('.')[1]!]) ?? 0), 0);

  it('deals: won amount 2,100,000 over 5 opportunities, however segmented', async () => {
    const segments = [
      'deals.industry',
      'deals.employee_band',
      'deals.region',
      'deals.lead_source',
      'deals.persona',
      'deals.owner_team',
    ];
    expect(await total('deals.won_amount')).toBe(2_100_000);
    expect(await total('deals.won_amount', segments)).toBe(2_100_000);
    expect(await total('deals.opportunities', segments)).toBe(5);
  });

  it('stage volume and paths: the 7 leads, however segmented', async () => {
    const lead = [eq('stage_reach.stage', 'lead')];
    const byLead = await s.rows({
      measures: ['stage_reach.leads'],
      dimensions: ['stage_reach.owner_team', 'stage_reach.industry', 'stage_reach.lead_source'],
      filters: lead,
    });
    expect(byLead.reduce((sum, r) => sum + num(r.leads)!, 0)).toBe(7);
    expect(await total('paths.leads')).toBe(7);
    expect(await total('paths.leads', ['paths.lead_source', 'paths.persona', 'paths.employee_band'])).toBe(7);
  });
});

describe('the fiscal year follows fiscal_year_start_month', () => {
  const wonBy = (granularity: string) =>
    s
      .rows({
        measures: ['deals.won', 'deals.won_amount'],
        timeDimensions: [{ dimension: 'deals.closed_at', granularity, dateRange: ['2025-01-01', '2025-12-31'] }],
        order: { 'deals.closed_at': 'asc' },
      })
      .then((rows) => rows.map((r) => [r[`closed_at.${granularity}`], num(r.won), num(r.won_amount)]));

  it('January: fiscal years and quarters are calendar years and quarters', async () => {
    expect(await wonBy('fiscal_year')).toEqual([['2025-01-01T00:00:00.000', 3, 2_100_000]]);
    expect(await wonBy('fiscal_quarter')).toEqual([
      ['2025-04-01T00:00:00.000', 1, 1_200_000],
      ['2025-07-01T00:00:00.000', 2, 900_000],
    ]);
    // The same as Cube's built-in calendar granularities.
    expect((await wonBy('year')).map(([, ...v]) => v)).toEqual([[3, 2_100_000]]);
    expect((await wonBy('quarter')).map(([, ...v]) => v)).toEqual([
      [1, 1_200_000],
      [2, 900_000],
    ]);
  });

  it('is published in the settings view, where the dashboard reads its fiscal year', async () => {
    const rows = await s.rows({ dimensions: ['settings.key', 'settings.value'], order: { 'settings.key': 'asc' } });
    expect(Object.fromEntries(rows.map((r) => [r.key, r.value]))).toMatchObject({
      fiscal_year_start_month: '1',
      currency: 'JPY',
      time_zone: 'Asia/Tokyo',
      as_of: '2025-10-15',
    });
  });

  it('a rebuilt warehouse with November: the served model follows without a restart', async () => {
    setFiscalStart(11);
    const served = s.t.server.cube.warmup.served();
    await buildWarehouse({ seedsDir: seeds, warehousePath: s.warehouse, log: () => {} });
    // the previous file answers until the new one's model and rollups are ready (server/cube/pre-aggregations.ts)
    while (s.t.server.cube.warmup.served() === served) await new Promise((r) => setTimeout(r, 200));
    // FY from 2024-11-01; quarters Nov-Jan, Feb-Apr, May-Jul: all three wins fall in May-Jul.
    expect(await wonBy('fiscal_year')).toEqual([['2024-11-01T00:00:00.000', 3, 2_100_000]]);
    expect(await wonBy('fiscal_quarter')).toEqual([['2025-05-01T00:00:00.000', 3, 2_100_000]]);
    const [start] = await s.rows({ dimensions: ['settings.value'], filters: [eq('settings.key', 'fiscal_year_start_month')] });
    expect(start).toEqual({ value: '11' });
  }, 300_000);
});

describe('withFiscalYearStart (the rewrite behind it)', () => {
  it('sets every fiscal granularity of the model to the start month, and none other', () => {
    const files = readModelFiles(MODEL_DIR);
    const offsets = (month: number) =>
      withFiscalYearStart(files, month).flatMap((f) =>
        f.fileName.endsWith('.yml')
          ? (
              (YAML.parse(f.content) as { cubes?: { dimensions?: { granularities?: { name: string; offset?: string }[] }[] }[] })
                ?.cubes ?? []
            )
              .flatMap((c) => c.dimensions ?? [])
              .flatMap((d) => d.granularities ?? [])
              .map((g) => `${g.name}:${g.offset ?? 'none'}`)
          : [],
      );
    const april = offsets(4);
    expect(april.length).toBeGreaterThanOrEqual(26);
    expect(new Set(april)).toEqual(new Set(['fiscal_year:3 months', 'fiscal_quarter:3 months']));
    expect(new Set(offsets(1))).toEqual(new Set(['fiscal_year:none', 'fiscal_quarter:none']));
    expect(new Set(offsets(11))).toEqual(new Set(['fiscal_year:10 months', 'fiscal_quarter:10 months']));
    expect(() => withFiscalYearStart(files, 13)).toThrow(/1-12/);
  });
});

describe('withLocalTimes (local month and day columns read as instants in the served zone)', () => {
  it("rewrites exactly the dimensions marked local_time, with the zone's name", () => {
    type Doc = { cubes?: { name: string; dimensions?: { name: string; sql?: string; meta?: { local_time?: boolean } }[] }[] };
    const dimensions = (files: { fileName: string; content: string }[]) =>
      files
        .filter((f) => f.fileName.endsWith('.yml'))
        .flatMap((f) =>
          ((YAML.parse(f.content) as Doc | null)?.cubes ?? []).flatMap((c) =>
            (c.dimensions ?? []).map((d) => ({ cube: c.name, ...d })),
          ),
        );
    const before = dimensions(readModelFiles(MODEL_DIR));
    const after = dimensions(withLocalTimes(readModelFiles(MODEL_DIR), 'America/New_York'));
    const marked = before.filter((d) => d.meta?.local_time === true);
    expect(marked.map((d) => `${d.cube}.${d.name}`)).toContain('base_targets.fiscal_month');
    expect(marked.length).toBeGreaterThanOrEqual(10);
    for (const d of after) {
      const was = before.find((b) => b.cube === d.cube && b.name === d.name)!;
      expect(d.sql, `${d.cube}.${d.name}`).toBe(
        was.meta?.local_time ? localTimeSql(String(was.sql), 'America/New_York') : was.sql,
      );
    }
  });
});
