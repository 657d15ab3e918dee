/*
 * The landing forecast 着地見込み (docs/metrics.md, definition 18) on the
 * bundled data (seeds/), over HTTP, against figures computed another way:
 * - the backtest: revenue's MAPE is below the straight-line pace's at 6, 3
 *   and 1 months before year-end (fails when it is not), and a backtest
 *   point's actual and pace equal plain SQL over the seed CSVs;
 * - one query for many windows (the backtest's and the live periods'):
 *   each window's components equal those it has when asked on its own;
 * - no future leakage: the components at a cutoff are the same on a
 *   warehouse built from seeds cut at that day (deals closed later are
 *   open there, later rows absent); shown on the generator's company at
 *   2,000 leads (test/support/build-cache.ts generatedSeeds);
 * - the live components (FY2026 at as_of 2026-11-20) against plain SQL over
 *   the seed CSVs: actual to date, the open new-deal pipeline, the leads
 *   still to come, and the recurring part against the reverse plan's
 *   recurring forecast;
 * - the card's queries are served from rollups, and docs/forecast.md holds
 *   the current backtest table.
 */
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSeeds } from '../support/build-cache.js';
import type { TestServer } from '../support/server.js';
import { sharedTestServer } from '../support/shared-server.js';
import { BUNDLED_SEEDS, buildTempWarehouse, fromCsv, query, removeTempWarehouses } from '../attribution/helpers.js';
import { components, componentsOfWindows } from '../../server/forecast/landing.js';
import { FORECAST_DOC } from '../../server/forecast/backtest-command.js';
import { REPORT_END, REPORT_START, renderBacktestReport } from '../../server/forecast/report.js';
import { eq } from '../semantic/semantic-server';

let t: TestServer;
let warehouse: string;
const dirs: string[] = [];

// The API is the run's shared server over the bundled data (this file only reads); plain SQL reads a copy of the
// same warehouse that no server holds.
beforeAll(async () => {
  warehouse = await buildTempWarehouse(BUNDLED_SEEDS, { rollups: false });
  t = await sharedTestServer(BUNDLED_SEEDS);
}, 600_000);
afterAll(async () => {
  await t?.server.close();
  await removeTempWarehouses();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A seed time as a local (Asia/Tokyo) timestamp. */
const local = (col: string) => `timezone('Asia/Tokyo', cast(${col} as timestamptz))`;

async function load(q: Record<string, unknown>): Promise<{ rows: Record<string, unknown>[]; preAggregations: string[] }> {
  const res = await t.load({ timezone: 'Asia/Tokyo', ...q }, { queryType: 'multi' });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  const [result] = res.body.results;
  return { rows: result.data, preAggregations: Object.keys(result.usedPreAggregations ?? {}) };
}

/** The card's backtest query (dashboard/src/cards/landing-forecast-card.tsx). */
const BACKTEST_QUERY = {
  measures: ['forecast_backtest.forecast_mape', 'forecast_backtest.pace_mape', 'forecast_backtest.error_points'],
  dimensions: ['forecast_backtest.months_remaining'],
  filters: [eq('forecast_backtest.metric', 'revenue')],
};
/** The card's forecast query. */
const LANDING_QUERY = {
  measures: [
    'landing_forecast.actual_to_date',
    'landing_forecast.forecast',
    'landing_forecast.forecast_low',
    'landing_forecast.forecast_high',
    'landing_forecast.pace',
  ],
  dimensions: ['landing_forecast.period_type', 'landing_forecast.period_label', 'landing_forecast.metric'],
  filters: [eq('landing_forecast.metric', 'revenue', 'new_wins')],
};

describe('the backtest on the bundled data', () => {
  it('beats the straight-line pace on revenue and new wins at 6, 3 and 1 months before year-end, from rollups', async () => {
    for (const metric of ['revenue', 'new_wins']) {
      const { rows, preAggregations } = await load({ ...BACKTEST_QUERY, filters: [eq('forecast_backtest.metric', metric)] });
      expect(preAggregations.length).toBe(1);
      for (const m of [6, 3, 1]) {
        const row = rows.find((r) => Number(r['forecast_backtest.months_remaining']) === m)!;
        expect(row, `${metric}, ${m} months remaining`).toBeDefined();
        expect(Number(row['forecast_backtest.error_points'])).toBeGreaterThanOrEqual(2);
        const forecast = Number(row['forecast_backtest.forecast_mape']);
        const pace = Number(row['forecast_backtest.pace_mape']);
        expect(forecast, `${metric}, ${m} months remaining: forecast MAPE ${forecast} vs pace ${pace}`).toBeLessThan(pace);
      }
    }
    // the comparison means something only if some forecasts were made with history (not the pace fallback)
    const { rows: bases } = await load({
      measures: ['forecast_backtest.points'],
      dimensions: ['forecast_backtest.basis'],
      filters: [eq('forecast_backtest.metric', 'revenue')],
    });
    expect(bases.find((b) => b['forecast_backtest.basis'] === 'components')?.['forecast_backtest.points']).toBeDefined();
  });

  it("holds the year's actual and the pace of plain SQL at FY2025, 6 months remaining", async () => {
    const csv = await fromCsv(
      (f) => `select
          sum(cast(amount as double)) filter (where status = 'won' and ${local('closed_at')} >= '2025-04-01' and ${local('closed_at')} < '2026-04-01') as actual,
          sum(cast(amount as double)) filter (where status = 'won' and ${local('closed_at')} >= '2025-04-01' and ${local('closed_at')} < '2025-10-01') as to_date
        from ${f('opportunities')}`,
    );
    const { rows } = await load({
      measures: ['forecast_backtest.actual', 'forecast_backtest.pace', 'forecast_backtest.forecast'],
      filters: [
        eq('forecast_backtest.period_label', 'FY2025'),
        eq('forecast_backtest.months_remaining', '6'),
        eq('forecast_backtest.metric', 'revenue'),
      ],
    });
    const [row] = rows;
    expect(Number(row!['forecast_backtest.actual'])).toBeCloseTo(csv.actual!, 0);
    // 183 of FY2025's 365 days lived by 2025-09-30
    expect(Number(row!['forecast_backtest.pace'])).toBeCloseTo(csv.to_date! / (183 / 365), 0);
    expect(Number(row!['forecast_backtest.forecast'])).toBeGreaterThan(csv.to_date!);
  });
});

/** Copies the seeds in `from`, cut at the local day `cutoff`: what the warehouse held that morning. */
async function seedsCutAt(from: string, cutoff: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'revcycle-cut-'));
  dirs.push(dir);
  const at = `timestamptz '${cutoff} 00:00:00+09'`;
  const asOf = new Date(Date.parse(`${cutoff}T00:00:00+09:00`) - 1000).toISOString();
  const before = (col: string) => `cast(${col} as timestamptz) < ${at}`;
  const cuts: Record<string, string> = {
    leads: `select * from seed where ${before('created_at')}`,
    stage_transitions: `select * from seed where ${before('transitioned_at')}`,
    touchpoints: `select * from seed where ${before('occurred_at')} and lead_id in (select lead_id from cut_leads)`,
    opportunities: `select * replace (
        case when closed_at is not null and not ${before('closed_at')} then null else closed_at end as closed_at,
        case when closed_at is not null and not ${before('closed_at')} then 'open' else status end as status,
        case when closed_at is not null and not ${before('closed_at')} then null else lost_reason end as lost_reason)
      from seed where ${before('created_at')}`,
    accounts: `select * replace (case when churned_at is not null and not ${before('churned_at')} then null else churned_at end as churned_at)
      from seed where ${before('created_at')}`,
    settings: `select key, case when key = 'as_of' then '${asOf}' else value end as value from seed`,
  };
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const leads = path.join(from, 'leads.csv');
    await conn.run(
      `create table cut_leads as select lead_id from read_csv('${leads}', all_varchar = true) where ${before('created_at')}`,
    );
    for (const name of await readdir(from)) {
      const table = name.replace(/\.csv$/, '');
      if (!name.endsWith('.csv')) continue;
      if (!cuts[table]) {
        await copyFile(path.join(from, name), path.join(dir, name));
        continue;
      }
      await conn.run(`create or replace table seed as select * from read_csv('${path.join(from, name)}', all_varchar = true)`);
      await conn.run(`copy (${cuts[table]}) to '${path.join(dir, name)}' (header, delimiter ',')`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return dir;
}

describe('many windows in one query', () => {
  it('gives each window the components it has when asked on its own', async () => {
    // windows of different periods and cutoffs, a year-end among them: a figure that leaked from one window to
    // another (a join or a window function not held to its window) would differ
    const windows = [
      { cutoff: '2025-10-01', start: '2025-04-01', end: '2026-04-01' },
      { cutoff: '2025-04-01', start: '2024-04-01', end: '2025-04-01' },
      { cutoff: '2025-11-15', start: '2025-10-01', end: '2026-01-01' },
      { cutoff: '2026-11-21', start: '2026-11-01', end: '2026-12-01' },
    ];
    const q = (sql: string) => query(warehouse, sql);
    const together = await componentsOfWindows(q, windows);
    for (const [i, w] of windows.entries()) {
      const alone = await components(q, w.cutoff, { type: 'fiscal_year', label: 'w', start: w.start, end: w.end });
      expect(together[i]!.length, `window ${i}`).toBe(alone.length);
      for (const [j, c] of alone.entries()) {
        const t = together[i]![j]!;
        expect([t.metric, t.stage, t.has_history, t.renewal_rate === null]).toEqual([
          c.metric,
          c.stage,
          c.has_history,
          c.renewal_rate === null,
        ]);
        for (const k of [
          'actual_to_date',
          'pipeline',
          'to_come',
          'recurring',
          'pipeline_variance',
          'recurring_to_date',
        ] as const) {
          // to 1e-9 of the figure: DuckDB's parallel sums add in no fixed order, and a variance of ¥²
          // (6.4e14 on the sample) moves in its last bits (0.375) between two runs of the same query
          const tolerance = 1e-9 * Math.max(1, Math.abs(c[k]));
          expect(Math.abs(t[k] - c[k]), `window ${i} ${c.metric} ${c.stage} ${k}: ${t[k]} vs ${c[k]}`).toBeLessThanOrEqual(
            tolerance,
          );
        }
      }
    }
    // the windows differ from each other, so that a leak would show
    expect(new Set(together.map((rows) => rows[0]!.actual_to_date)).size).toBe(windows.length);
  });
});

describe('no future leakage', () => {
  it('gives the same components at 2025-10-01 on seeds cut at that day', async () => {
    const cutoff = '2025-10-01';
    const fy2025 = { type: 'fiscal_year', label: 'FY2025', start: '2025-04-01', end: '2026-04-01' } as const;
    // The generator's company at 2,000 leads: the same kinds of rows as the bundled sample, a tenth of the build.
    const seeds = await generatedSeeds(2_000);
    const fullWarehouse = await buildTempWarehouse(seeds, { rollups: false });
    const cutWarehouse = await buildTempWarehouse(await seedsCutAt(seeds, cutoff), { rollups: false });
    const full = await components((sql) => query(fullWarehouse, sql), cutoff, fy2025);
    const cut = await components((sql) => query(cutWarehouse, sql), cutoff, fy2025);
    expect(cut.length).toBe(full.length);
    expect(full.find((c) => c.metric === 'revenue')!.pipeline).toBeGreaterThan(0);
    for (const [i, c] of full.entries()) {
      for (const k of ['actual_to_date', 'pipeline', 'to_come', 'recurring'] as const) {
        expect(cut[i]![k], `${c.metric} ${c.stage} ${k}`).toBeCloseTo(c[k], 6);
      }
    }
  }, 300_000);
});

describe('the live forecast (FY2026 at as_of 2026-11-20) against plain SQL', () => {
  const fy = async (metric: string, stage = '(all)') => {
    const { rows, preAggregations } = await load({
      measures: [
        'landing_forecast.actual_to_date',
        'landing_forecast.pipeline',
        'landing_forecast.to_come',
        'landing_forecast.recurring',
        'landing_forecast.forecast',
        'landing_forecast.forecast_low',
        'landing_forecast.forecast_high',
        'landing_forecast.pace',
      ],
      filters: [
        eq('landing_forecast.period_type', 'fiscal_year'),
        eq('landing_forecast.period_label', 'FY2026'),
        eq('landing_forecast.metric', metric),
        eq('landing_forecast.stage', stage),
      ],
    });
    expect(preAggregations.length).toBe(1);
    expect(rows.length).toBe(1);
    return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k.replace('landing_forecast.', ''), Number(v)]));
  };

  it('counts the actual to date and paces it over the days lived', async () => {
    const csv = await fromCsv(
      (f) => `select
          (select sum(cast(amount as double)) from ${f('opportunities')}
             where status = 'won' and ${local('closed_at')} >= '2026-04-01' and ${local('closed_at')} < '2026-11-21') as revenue,
          (select count(*) from ${f('opportunities')}
             where status = 'won' and deal_type = 'new' and ${local('closed_at')} >= '2026-04-01' and ${local('closed_at')} < '2026-11-21') as wins,
          (select count(*) from ${f('leads')} where ${local('created_at')} >= '2026-04-01' and ${local('created_at')} < '2026-11-21') as leads`,
    );
    const revenue = await fy('revenue');
    expect(revenue.actual_to_date).toBe(csv.revenue);
    // 234 of FY2026's 365 days lived through 2026-11-20
    expect(revenue.pace).toBeCloseTo(csv.revenue! / (234 / 365), 0);
    expect((await fy('new_wins')).actual_to_date).toBe(csv.wins);
    expect((await fy('stage_volume', 'lead')).actual_to_date).toBe(csv.leads);
    expect(revenue.forecast_low).toBeLessThan(revenue.forecast);
    expect(revenue.forecast_high).toBeGreaterThan(revenue.forecast);
    expect(revenue.forecast_low).toBeGreaterThanOrEqual(revenue.actual_to_date);
  });

  it('weighs the open new deals by the share of last year’s open deals of their age won by last year’s year end', async () => {
    // open that day = created before it and not closed before it; age bands 0–30, 31–90, 91–180, > 180 days
    const csv = await fromCsv(
      (f) => `
        with deals as (
            select cast(amount as double) as amount, status,
                   ${local('created_at')} as created_at, ${local('closed_at')} as closed_at
            from ${f('opportunities')} where deal_type = 'new'
        ),
        open_then as (
            select case when date_diff('day', created_at, timestamp '2025-11-21') <= 30 then 0
                        when date_diff('day', created_at, timestamp '2025-11-21') <= 90 then 1
                        when date_diff('day', created_at, timestamp '2025-11-21') <= 180 then 2 else 3 end as band,
                   count(*) as cases,
                   count(*) filter (where status = 'won' and closed_at < timestamp '2026-04-01') as won
            from deals
            where created_at < timestamp '2025-11-21' and (closed_at is null or closed_at >= timestamp '2025-11-21')
            group by all
        ),
        open_now as (
            select case when date_diff('day', created_at, timestamp '2026-11-21') <= 30 then 0
                        when date_diff('day', created_at, timestamp '2026-11-21') <= 90 then 1
                        when date_diff('day', created_at, timestamp '2026-11-21') <= 180 then 2 else 3 end as band,
                   count(*) as open_deals
            from deals
            where created_at < timestamp '2026-11-21' and (closed_at is null or closed_at >= timestamp '2026-11-21')
            group by all
        )
        select sum(open_now.open_deals) as open_deals,
               sum(open_now.open_deals * open_then.won / open_then.cases) as expected_wins,
               min(open_then.cases) as fewest_cases
        from open_now join open_then using (band)`,
    );
    // every band has enough cases for its own rate (no pooling), so the hand computation above is the whole rule
    expect(csv.fewest_cases).toBeGreaterThanOrEqual(10);
    expect(csv.open_deals).toBe(203);
    expect((await fy('new_wins')).pipeline).toBeCloseTo(csv.expected_wins!, 6);
  });

  it('brings the leads still to come at the trailing 90-day run rate with last year’s seasonality', async () => {
    const csv = await fromCsv(
      (f) => `select
          count(*) filter (where ${local('created_at')} >= '2025-11-21' and ${local('created_at')} < '2026-04-01') as arrivals_then,
          count(*) filter (where ${local('created_at')} >= timestamp '2026-11-21' - interval 90 day and ${local('created_at')} < '2026-11-21') as trailing_now,
          count(*) filter (where ${local('created_at')} >= timestamp '2025-11-21' - interval 90 day and ${local('created_at')} < '2025-11-21') as trailing_then
        from ${f('leads')}`,
    );
    const lead = await fy('stage_volume', 'lead');
    expect(lead.to_come).toBeCloseTo((csv.arrivals_then! * csv.trailing_now!) / csv.trailing_then!, 6);
    expect(lead.pipeline).toBe(0);
  });

  it("takes the recurring part from the reverse plan's recurring forecast over the remaining months", async () => {
    const { rows } = await load({
      measures: ['plan.recurring_forecast'],
      filters: [eq('plan.stage', 'won')],
      timeDimensions: [{ dimension: 'plan.fiscal_month', granularity: 'month', dateRange: ['2026-11-01', '2027-03-31'] }],
    });
    const byMonth = new Map(
      rows.map((r) => [String(r['plan.fiscal_month.month']).slice(0, 7), Number(r['plan.recurring_forecast'])]),
    );
    expect([...byMonth.keys()]).toEqual(['2026-11', '2026-12', '2027-01', '2027-02', '2027-03']);
    // November 21–30: 10 of its 30 days remain
    const expected = [...byMonth.entries()].reduce((s, [m, v]) => s + (m === '2026-11' ? (v * 10) / 30 : v), 0);
    expect((await fy('revenue')).recurring).toBeCloseTo(expected, 0);
  });
});

describe('the plan page card and the docs', () => {
  it('titles and describes every member of both views in Japanese and English', async () => {
    const res = await t.request('/cubejs-api/v1/meta');
    expect(res.status).toBe(200);
    const views = res.body.cubes.filter((c: { name: string }) => ['landing_forecast', 'forecast_backtest'].includes(c.name));
    expect(views.length).toBe(2);
    for (const view of views) {
      expect(view.description, view.name).toMatch(/[ぁ-んァ-ヶ一-龠][\s\S]*\n[A-Za-z]/);
      for (const m of [...view.measures, ...view.dimensions]) {
        expect(m.title, m.name).toMatch(/[ぁ-んァ-ヶ一-龠]/);
        expect(m.description, m.name).toMatch(/[ぁ-んァ-ヶ一-龠][\s\S]*\n.*[A-Za-z]/);
        expect(m.meta?.title_en, m.name).toBeTruthy();
      }
    }
  });

  it("serves the card's forecast query from a rollup", async () => {
    const { rows, preAggregations } = await load(LANDING_QUERY);
    expect(preAggregations.length).toBe(1);
    expect(rows.map((r) => r['landing_forecast.period_label'])).toEqual(
      expect.arrayContaining(['FY2026', 'FY2026 Q3', '2026-11']),
    );
  });

  it('docs/forecast.md holds the current backtest table (npm run backtest)', async () => {
    const report = await renderBacktestReport((sql) => query(warehouse, sql));
    const doc = await readFile(FORECAST_DOC, 'utf8');
    expect(doc.slice(doc.indexOf(REPORT_START), doc.indexOf(REPORT_END) + REPORT_END.length)).toBe(report);
  });
});
