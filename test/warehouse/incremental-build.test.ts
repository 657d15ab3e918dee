/*
 * The incremental build (server/warehouse/incremental.ts: a copy of the
 * previous warehouse updated in place) against the full build, its
 * reference: a day's import (bench/day-changes.ts: ~1 % of the leads
 * changed, 0.5 % new with their accounts, touches, transitions and deals)
 * applied incrementally to the warehouse of the day before gives every
 * staging table and mart of a full build of the same seeds, row for row
 * (EXCEPT ALL both ways), and the same answer to every typical dashboard
 * query through the real server; a failure before the swap leaves the
 * previous file byte for byte as it was.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWarehouses } from '../../bench/compare-warehouses';
import type { DayChanges } from '../../bench/day-changes';
import { buildWarehouse, type BuildSummary } from '../../server/warehouse/index';
import { readAsOfSpec, readIncrementalSpec } from '../../server/warehouse/incremental';
import { tempDir } from '../support/browser';
import { builtWarehouse } from '../support/build-cache';
import { LEADS, QUERIES, daySeeds, rowsOf, serve, servedFullBuild } from '../support/incremental-fixture';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe("a day's import applied incrementally equals a full build of the same seeds", () => {
  let root: string;
  let day: DayChanges;
  /** The day's seeds: the run's (incremental-fixture.ts), only read. */
  let daySeedsDir: string;
  let summary: BuildSummary;
  const file = (name: string) => path.join(root, name);

  beforeAll(async () => {
    root = tempDir('revcycle-incremental-');
    // the sample and its day (test/support/incremental-fixture.ts), and the day's full build: made once per run, and
    // test/api/incremental-rollups.test.ts reads them too. The day before's warehouse is the sample's build, not
    // served: a served file holds rollups, which the day's build drops while the file keeps their space (42 against
    // 23 MB at 2,000 leads), and the size check below is about the build's own tables.
    const seeds = await daySeeds();
    day = seeds.changes;
    daySeedsDir = seeds.day;
    await builtWarehouse(seeds.base, file('base.duckdb'));
    copyFileSync(file('base.duckdb'), file('incremental.duckdb'));
    summary = await buildWarehouse({
      seedsDir: daySeedsDir,
      warehousePath: file('incremental.duckdb'),
      incremental: true,
      log: () => {},
    });
    await builtWarehouse(daySeedsDir, file('full.duckdb'));
  }, 1_800_000);
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('reuses the previous warehouse: copies what did not change, rebuilds only the changed leads of lead-grain marts', () => {
    expect(day.changedLeads).toBeGreaterThan(LEADS * 0.005);
    expect(day.newLeads).toBe(LEADS * 0.005);
    const plan = summary.incremental!;
    expect(plan).toBeDefined();
    // the changed and new leads, and every lead sharing an account with one of them
    expect(plan.changedLeads).toBeGreaterThanOrEqual(day.changedLeads + day.newLeads);
    expect(plan.changedLeads).toBeLessThan(LEADS * 0.25);
    // the day's export moves as_of (stg_settings) to the end of the day
    expect(plan.changedStaging.sort()).toEqual([
      'stg_accounts',
      'stg_leads',
      'stg_opportunities',
      'stg_settings',
      'stg_stage_transitions',
      'stg_touchpoints',
    ]);
    for (const mart of [
      'leads',
      'lead_stage_reach',
      'lead_paths',
      'accounts',
      'account_stage_reach',
      'handoff_quality',
      'stage_exits',
      // by conversion (its credit lead and account): a stable conversion key, the Markov shares applied when read
      // (attribution_data_driven); they read the lookback and half-life of settings, not as_of
      'attribution_conversions',
      'attribution_credit_rows',
      // the day moves as_of: what reads it is computed when read (a stint's age and its cut at as_of in the view
      // backlog_stints, a cohort's immaturity in the view stage_conversions) ...
      'backlog_stint_rows',
      'stage_conversion_rows',
      // ... or the mart's .yml names the keys whose rows cross the moved as_of, updated with the changed ones
      'backlog_inventory',
      'accounts_in_motion',
      'attribution_transitions',
      'attribution_lead_channels',
    ])
      expect(plan.models[mart], mart).toBe('incremental');
    // leads whose stint reached an aging bucket's start on the day: recomputed though they did not change
    expect(plan.asOf.backlog_inventory).toBeGreaterThan(0);
    // the touches after the previous as_of are the changed leads' (new touches), and no account's week moved
    for (const mart of ['attribution_transitions', 'attribution_lead_channels', 'accounts_in_motion'])
      expect(plan.asOf[mart], mart).toBe(0);
    // a view, computed when read: rebuilt in the plan's words
    expect(plan.models.backlog_stints).toBe('rebuilt');
    for (const mart of ['funnel_stages', 'stage_definitions']) expect(plan.models[mart], mart).toBe('copied');
    // as_of moved: settings is rebuilt, and its readers that read none of its as_of columns are still updated by lead
    expect(plan.models.settings).toBe('rebuilt');
    expect(plan.models.attribution_data_driven).toBe('rebuilt');
    // a median over all leads' conversions: not lead-grain (docs/import.md, "Incremental builds")
    expect(plan.models.stage_conversion_velocity).toBe('rebuilt');
    // rebuilt whole, then compared with their previous rows (`incremental: compare`): opportunity grain, and the
    // data's hours
    expect(plan.models.deals).toBe('rebuilt');
    expect(plan.models.zone_hours).toBe('rebuilt');
    expect(summary.tests.failed).toBe(0);
    expect(summary.tests.run).toBeGreaterThan(400);
    // the new file started as a copy of the previous warehouse, updated in place
    expect(summary.timings.copyMs).toBeGreaterThanOrEqual(0);
  });

  it("leaves a file no larger than a full build by more than the updated tables' extra row groups", () => {
    const incremental = statSync(file('incremental.duckdb')).size;
    const full = statSync(file('full.duckdb')).size;
    console.log(`warehouse file: incremental ${incremental} bytes, full build ${full} bytes`);
    expect(incremental).toBeLessThan(full * 1.3);
  });

  it('leaves the previous warehouse as it was when the build fails before its swap', async () => {
    const previous = file('failing.duckdb');
    copyFileSync(file('base.duckdb'), previous);
    const before = sha256(previous);
    await expect(
      buildWarehouse({
        seedsDir: daySeedsDir,
        warehousePath: previous,
        incremental: true,
        log: () => {},
        beforeSwap: () => Promise.reject(new Error('stopped before the swap')),
      }),
    ).rejects.toThrow(/is unchanged\): stopped before the swap/);
    expect(sha256(previous)).toBe(before);
    expect(readdirSync(root).filter((name) => name.startsWith('failing.duckdb.'))).toEqual([]);
  }, 600_000);

  it('tells warehouses apart (the comparison can fail): the day before differs from the day', async () => {
    const { differences } = await compareWarehouses(file('base.duckdb'), file('full.duckdb'));
    const changed = differences.map((d) => d.table);
    for (const t of ['staging.stg_leads', 'marts.leads', 'marts.lead_stage_reach', 'marts.deals']) expect(changed).toContain(t);
  }, 600_000);

  it('has every staging table and mart equal to the full build, row for row', async () => {
    const { tables, differences } = await compareWarehouses(file('incremental.duckdb'), file('full.duckdb'));
    expect(tables.length).toBeGreaterThan(50);
    expect(differences).toEqual([]);
  }, 600_000);

  it('equals the full build when as_of moves on across a Monday (accounts_in_motion adds a week)', async () => {
    // the day's seeds with as_of 8 days later: the week of as_of moves, and more stints reach an aging bucket
    const week = file('day-week');
    cpSync(daySeedsDir, week, { recursive: true });
    const settings = path.join(week, 'settings.csv');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8').replace(/^as_of,(\d{4}-\d\d-\d\d)/m, (_, date: string) => {
        const later = new Date(`${date}T00:00:00Z`);
        later.setUTCDate(later.getUTCDate() + 8);
        return `as_of,${later.toISOString().slice(0, 10)}`;
      }),
    );
    expect(readFileSync(settings, 'utf8')).not.toEqual(readFileSync(path.join(daySeedsDir, 'settings.csv'), 'utf8'));
    copyFileSync(file('base.duckdb'), file('week-incremental.duckdb'));
    const moved = await buildWarehouse({
      seedsDir: week,
      warehousePath: file('week-incremental.duckdb'),
      incremental: true,
      log: () => {},
    });
    await buildWarehouse({ seedsDir: week, warehousePath: file('week-full.duckdb'), log: () => {} });
    expect(moved.incremental!.models.accounts_in_motion).toBe('incremental');
    expect(moved.incremental!.asOf.accounts_in_motion).toBeGreaterThan(0);
    expect(moved.incremental!.asOf.backlog_inventory).toBeGreaterThan(summary.incremental!.asOf.backlog_inventory!);
    const { differences } = await compareWarehouses(file('week-incremental.duckdb'), file('week-full.duckdb'));
    expect(differences).toEqual([]);
  }, 900_000);

  it('answers every typical dashboard query as the full build does, through the real server', async () => {
    // the full build served once per run (incremental-fixture.ts), on a copy of the file compared above
    const full = (await servedFullBuild(daySeedsDir, file('full-served.duckdb'))).answers;
    const incremental = (await serve(file('incremental.duckdb'))).answers;
    expect(Object.keys(incremental).length).toBe(Object.keys(QUERIES).length);
    for (const name of Object.keys(QUERIES)) {
      expect(full[name]!.length, `${name} has rows`).toBeGreaterThan(0);
      expect(rowsOf(incremental[name]!), name).toEqual(rowsOf(full[name]!));
    }
  }, 900_000);
});

describe("a model's as_of field", () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  async function asOfOf(yml: string) {
    roots.push(tempDir('revcycle-as-of-spec-'));
    writeFileSync(path.join(roots.at(-1)!, 'm.yml'), `model: m\n${yml}\n`);
    return readAsOfSpec({ file: path.join(roots.at(-1)!, 'm.sql') });
  }

  it('is a select of keys, rendered as a model, or appends', async () => {
    expect(await asOfOf('as_of: appends')).toBe('appends');
    expect(await asOfOf('as_of: select lead_id from t where {{ days_between(a, b) }} > 1')).toBe(
      "select lead_id from t where (date_diff('second', a, b) / 86400.0) > 1",
    );
    expect(await asOfOf('description: no field')).toBeUndefined();
    await expect(asOfOf('as_of: [lead_id]')).rejects.toThrow(
      /m\.yml: as_of must be a select of lead_id or account_id, or appends/,
    );
  });
});

describe("a model's incremental field", () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  /** The spec read from a model whose .yml holds `yml`. */
  async function specOf(yml: string) {
    roots.push(tempDir('revcycle-incremental-spec-'));
    const dir = path.join(roots.at(-1)!, 'marts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'm.yml'), `model: m\n${yml}\n`);
    const file = path.join(dir, 'm.sql');
    return readIncrementalSpec({
      name: 'm',
      schema: 'marts',
      kind: 'sql',
      file,
      relativeFile: 'marts/m.sql',
      materialized: 'table',
      dependsOn: [],
    });
  }

  it('is a grain, sums of named columns, or absent', async () => {
    expect(await specOf('incremental: lead_id')).toBe('lead_id');
    expect(await specOf('incremental: account_id')).toBe('account_id');
    expect(await specOf('incremental: [lead_id, account_id]')).toEqual(['lead_id', 'account_id']);
    expect(await specOf('incremental: {sum: [transitions, amount]}')).toEqual({ sum: ['transitions', 'amount'] });
    expect(await specOf('incremental: compare')).toBe('compare');
    expect(await specOf('description: no field')).toBeUndefined();
  });

  it('names the file and the forms allowed when it is anything else', async () => {
    for (const yml of [
      'incremental: month',
      'incremental: {sum: []}',
      'incremental: {sum: ["a; drop"]}',
      'incremental: {sum: x}',
      'incremental: [lead_id, month]',
      'incremental: [lead_id, lead_id]',
    ])
      await expect(specOf(yml), yml).rejects.toThrow(
        /marts\/m\.yml: incremental must be one of lead_id, account_id, a list of them, compare, or \{sum: \[columns\]\}/,
      );
  });
});
