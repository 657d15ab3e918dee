/*
 * Like windows for a live period (docs/metrics.md, definition 17) on the
 * bundled seeds (as of 2026-11-20, FY2026): for the fiscal year, its current
 * quarter and the month that hold as_of, the `kpi_tree` view's actual,
 * previous and year_ago cover the same days, compared with plain SQL over
 * the seed CSVs (DuckDB read_csv in the Asia/Tokyo session zone, windows
 * cut with DuckDB's own interval arithmetic, not the contract module); the
 * plan is the plan to date (closed months whole, as_of's month pro-rated by
 * days); the gap decomposition adds up to actual to date − plan to date;
 * the deals view over the contract module's windows (what the board asks)
 * answers the same as the tree. A closed period keeps whole windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { periodWindows, type PeriodKind } from '../../server/contract/period-windows';
import { num, PROJECT_ROOT, sharedSemanticServer, type SemanticServer } from './semantic-server';

const SEEDS = path.join(PROJECT_ROOT, 'seeds');
const seed = (table: string) => path.join(SEEDS, `${table}.csv`);
const haveSeeds = existsSync(seed('opportunities')) && existsSync(seed('settings'));

let s: SemanticServer;
let db: DuckDBInstance;
let sql: DuckDBConnection;
let asOf: string;

async function query(text: string): Promise<Record<string, unknown>[]> {
  const expanded = text.replace(/\{(\w+)\}/g, (_, t: string) => `read_csv('${seed(t)}', header = true, all_varchar = true)`);
  return (await sql.runAndReadAll(expanded)).getRowObjectsJS() as Record<string, unknown>[];
}

const PERIODS: { kind: PeriodKind; type: string; label: string; start: string; months: number }[] = [
  { kind: 'year', type: 'fiscal_year', label: 'FY2026', start: '2026-04-01', months: 12 },
  { kind: 'quarter', type: 'fiscal_quarter', label: 'FY2026 Q3', start: '2026-10-01', months: 3 },
  { kind: 'month', type: 'month', label: '2026-11', start: '2026-11-01', months: 1 },
];

type TreeRow = Record<string, string | number | boolean | null>;

async function tree(type: string, label: string): Promise<Map<string, TreeRow>> {
  const rows = await s.rows({
    measures: ['kpi_tree.actual', 'kpi_tree.plan', 'kpi_tree.plan_full', 'kpi_tree.previous', 'kpi_tree.year_ago'],
    dimensions: ['kpi_tree.node', 'kpi_tree.is_partial', 'kpi_tree.window_start', 'kpi_tree.window_end'],
    filters: [
      { member: 'kpi_tree.period_type', operator: 'equals', values: [type] },
      { member: 'kpi_tree.period_label', operator: 'equals', values: [label] },
    ],
  });
  return new Map(rows.map((r) => [String(r.node), r]));
}

/**
 * Won revenue, recurring revenue and new wins closed in [start, end] (local days), written from the contract:
 * the earlier windows are the period start and as_of moved back `back` months.
 */
async function wonIn(start: string, back: number, endOverride?: string) {
  const end = endOverride ?? `cast('${asOf}' as date) - interval ${back} month`;
  const [r] = await query(`
    with o as (select status, deal_type, cast(amount as bigint) as amount,
                      cast(cast(nullif(closed_at, '') as timestamptz) as date) as closed_day from {opportunities})
    select sum(amount) filter (where status = 'won') as revenue,
           sum(amount) filter (where status = 'won' and deal_type <> 'new') as recurring,
           count(*) filter (where status = 'won' and deal_type = 'new') as wins
    from o
    where closed_day between cast('${start}' as date) - interval ${back} month and ${end}`);
  return { revenue: Number(r!.revenue ?? 0), recurring: Number(r!.recurring ?? 0), wins: Number(r!.wins) };
}

beforeAll(async () => {
  if (!haveSeeds) return;
  s = await sharedSemanticServer(SEEDS); // the run's shared server: this file only reads
  db = await DuckDBInstance.create(':memory:');
  sql = await db.connect();
  await sql.run(`set TimeZone = 'Asia/Tokyo'`);
  const [row] = await query(`select strftime(cast(value as timestamptz), '%Y-%m-%d') as d from {settings} where key = 'as_of'`);
  asOf = String(row!.d);
}, 600_000);

afterAll(async () => {
  sql?.closeSync();
  db?.closeSync();
  await s?.close();
});

describe.skipIf(!haveSeeds)('like windows on the bundled seeds (definition 17)', () => {
  it('the sample is as of 2026-11-20, and FY2026 to date against the same days of FY2025 is what a review expects', async () => {
    expect(asOf).toBe('2026-11-20');
    const now = await wonIn('2026-04-01', 0);
    const before = await wonIn('2026-04-01', 12);
    // ¥1.74 B against ¥0.87 B (+100 %), 140 new wins against 91 (+54 %): up, not down as against the whole FY2025
    expect(Math.round(now.revenue / 1e7) / 100).toBe(1.74);
    expect(Math.round(before.revenue / 1e7) / 100).toBe(0.87);
    expect(Math.round((now.revenue / before.revenue - 1) * 100)).toBe(100);
    expect([now.wins, before.wins]).toEqual([140, 91]);
  });

  for (const p of PERIODS) {
    it(`${p.label}: actual, previous and year ago cover the same days (SQL on the seeds)`, async () => {
      const nodes = await tree(p.type, p.label);
      const revenue = nodes.get('revenue')!;
      expect(revenue.is_partial).toBe(true);
      const actual = await wonIn(p.start, 0);
      const previous = await wonIn(p.start, p.months);
      const yearAgo = await wonIn(p.start, 12);
      const got = (c: string) => ({
        revenue: num(nodes.get('revenue')![c]),
        recurring: num(nodes.get('recurring_revenue')![c]),
        wins: num(nodes.get('wins')![c]),
      });
      expect({ actual: got('actual'), previous: got('previous'), year_ago: got('year_ago') }).toEqual({
        actual,
        previous,
        year_ago: yearAgo,
      });
      // the wins node says which days it counts: the period to as_of (end exclusive)
      expect(String(nodes.get('wins')!.window_start).slice(0, 10)).toBe(p.start);
      expect(String(nodes.get('wins')!.window_end).slice(0, 10)).toBe('2026-11-21');
    });

    it(`${p.label}: the plan is the plan to date — closed months whole, November × 20/30 — beside the full-period plan`, async () => {
      const nodes = await tree(p.type, p.label);
      const months = await s.rows({
        measures: ['kpi_tree.plan_full'],
        dimensions: ['kpi_tree.node', 'kpi_tree.period_label'],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: ['month'] },
          { member: 'kpi_tree.node', operator: 'equals', values: ['revenue', 'wins', 'recurring_revenue'] },
        ],
      });
      const inPeriod = (label: string) => label >= p.start.slice(0, 7) && label < shiftLabel(p.start, p.months);
      for (const node of ['revenue', 'wins', 'recurring_revenue']) {
        // month rows exist up to as_of's month: the months of the plan to date
        const monthly = months.filter((m) => m.node === node && inPeriod(String(m.period_label)));
        expect(
          monthly
            .map((m) => String(m.period_label))
            .sort()
            .at(-1),
        ).toBe('2026-11');
        const toDate = monthly.reduce((sum, m) => {
          const share = String(m.period_label) === '2026-11' ? 20 / 30 : 1;
          return sum + Number(m.plan_full) * share;
        }, 0);
        expect(num(nodes.get(node)!.plan), node).toBeCloseTo(toDate, 4);
        // the full-period plan stays beside it, larger by the months (and days) still to come
        expect(num(nodes.get(node)!.plan)!, node).toBeLessThan(num(nodes.get(node)!.plan_full)!);
        if (p.kind === 'month') expect(num(nodes.get(node)!.plan_full), node).toBeCloseTo(Number(monthly[0]!.plan_full), 4);
      }
    });

    it(`${p.label}: the gap decomposition adds up exactly to actual to date − plan to date (and to each earlier window)`, async () => {
      const nodes = await tree(p.type, p.label);
      const levers = await s.rows({
        measures: ['kpi_tree.gap_effect_vs_plan', 'kpi_tree.gap_effect_vs_previous', 'kpi_tree.gap_effect_vs_year_ago'],
        dimensions: ['kpi_tree.lever'],
        filters: [
          { member: 'kpi_tree.period_type', operator: 'equals', values: [p.type] },
          { member: 'kpi_tree.period_label', operator: 'equals', values: [p.label] },
          { member: 'kpi_tree.lever', operator: 'set' },
        ],
      });
      const revenue = nodes.get('revenue')!;
      for (const [c, column] of [
        ['plan', 'gap_effect_vs_plan'],
        ['previous', 'gap_effect_vs_previous'],
        ['year_ago', 'gap_effect_vs_year_ago'],
      ] as const) {
        const sum = levers.reduce((acc, l) => acc + Number(l[column] ?? 0), 0);
        expect(Math.abs(sum - (num(revenue.actual)! - num(revenue[c])!)), c).toBeLessThan(1e-3);
      }
    });

    it(`${p.label}: the deals view over the contract's windows (the board's tiles) answers what the tree holds`, async () => {
      const w = periodWindows(p.kind, p.start, asOf);
      const nodes = await tree(p.type, p.label);
      const res = await s.t.load(
        {
          timezone: 'Asia/Tokyo',
          measures: ['deals.won_amount', 'deals.new_won'],
          timeDimensions: [
            {
              dimension: 'deals.closed_at',
              compareDateRange: [
                [w.current.start, w.current.end],
                [w.yearAgo.start, w.yearAgo.end],
              ],
            },
          ],
        },
        { queryType: 'multi' },
      );
      expect(res.status).toBe(200);
      const [now, before] = (res.body.results as { data: Record<string, string>[] }[]).map((r) => r.data[0]!);
      expect(Number(now!['deals.won_amount'])).toBe(num(nodes.get('revenue')!.actual));
      expect(Number(before!['deals.won_amount'])).toBe(num(nodes.get('revenue')!.year_ago));
      expect(Number(now!['deals.new_won'])).toBe(num(nodes.get('wins')!.actual));
      expect(Number(before!['deals.new_won'])).toBe(num(nodes.get('wins')!.year_ago));
    });
  }

  it('a lagged stage counts the same days moved back: opportunities created in its window (SQL)', async () => {
    const nodes = await tree('month', '2026-11');
    const opp = nodes.get('opportunities')!;
    const start = String(opp.window_start).slice(0, 10);
    const endExclusive = String(opp.window_end).slice(0, 10);
    const [r] = await query(`
      select count(*) as n,
             strftime(cast('${asOf}' as date) - interval (datediff('month', cast('${start}' as date), date '2026-11-01')) month + interval 1 day, '%Y-%m-%d') as end_exclusive
      from {opportunities}
      where deal_type = 'new' and cast(cast(created_at as timestamptz) as date) >= '${start}'
        and cast(cast(created_at as timestamptz) as date) < '${endExclusive}'`);
    expect(start < '2026-11-01').toBe(true);
    expect(String(r!.end_exclusive)).toBe(endExclusive);
    expect(num(opp.actual)).toBe(Number(r!.n));
  });

  it('a closed period keeps whole windows: FY2025 against the whole of FY2024', async () => {
    const nodes = await tree('fiscal_year', 'FY2025');
    expect(nodes.get('revenue')!.is_partial).toBe(false);
    const whole = await wonIn('2025-04-01', 12, `date '2025-03-31'`);
    const actual = await wonIn('2025-04-01', 0, `date '2026-03-31'`);
    expect(num(nodes.get('revenue')!.previous)).toBe(whole.revenue);
    expect(num(nodes.get('revenue')!.actual)).toBe(actual.revenue);
    expect(num(nodes.get('revenue')!.plan)).toBeCloseTo(num(nodes.get('revenue')!.plan_full)!, 6);
  });
});

/** 'YYYY-MM' of the month `months` after a month start. */
function shiftLabel(start: string, months: number): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
