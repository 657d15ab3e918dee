/*
 * A mart rebuilt whole and compared with its previous rows (`incremental: compare`, server/warehouse/incremental.ts)
 * lets the marts reading it be updated by lead or account only when every row that differs belongs to the changed
 * leads and accounts. zone_hours (the zone's offset in each hour of the data) has no lead or account: a day's
 * import that leaves the data's first hour where it was leaves it unchanged, and accounts_in_motion, which reads
 * it, is updated by account (test/warehouse/incremental-build.test.ts). Here the day brings a lead created before
 * all the data: zone_hours gains hours, so accounts_in_motion, planned by account, must be rebuilt whole — and
 * still equal a full build.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWarehouses } from '../../bench/compare-warehouses';
import type { BuildSummary } from '../../server/warehouse/index';
import { tempDir } from '../support/browser';
import { generatedSeeds, incrementalAndFull } from '../support/build-cache';

const LEADS = 2000;

describe("a compared mart whose changes are not the changed leads'", () => {
  let root: string;
  let summary: BuildSummary;
  const logged: string[] = [];
  const file = (name: string) => path.join(root, name);

  beforeAll(async () => {
    root = tempDir('revcycle-incremental-compare-');
    const base = await generatedSeeds(LEADS);
    cpSync(base, file('day'), { recursive: true });
    // a lead of an existing account (its owner team, one per account), created a month before the first lead
    const leads = readFileSync(file('day/leads.csv'), 'utf8');
    const [header, first] = leads.split('\n') as [string, string];
    expect(header).toBe('lead_id,email,account_id,created_at,lead_source,persona,owner_team');
    expect(first.includes('"')).toBe(false);
    const [, , account, createdAt, , , team] = first.split(',');
    expect(createdAt).toMatch(/^2024-04-01T/);
    writeFileSync(
      file('day/leads.csv'),
      `${leads.trimEnd()}\nL9999999,early_l@example.com,${account},2024-03-01T09:00:00+09:00,content,procurement,${team}\n`,
    );

    summary = await incrementalAndFull(base, file('day'), root, (m) => logged.push(m));
  }, 1_800_000);
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('finds zone_hours changed and rebuilds the mart planned by account whole', () => {
    const plan = summary.incremental!;
    expect(plan.changedStaging).toEqual(['stg_leads']);
    expect(plan.models.zone_hours).toBe('rebuilt');
    expect(logged.some((m) => /marts\.zone_hours: [\d,]+ rows differ, and it has neither lead_id nor account_id/.test(m))).toBe(
      true,
    );
    expect(plan.models.accounts_in_motion).toBe('rebuilt');
    expect(logged).toContain(
      "  marts.accounts_in_motion: built whole (an input it reads changed beyond the changed leads' rows)",
    );
    // deals compared equal (the day changed no opportunity), and the lead's own marts still updated by lead
    expect(logged.some((m) => /marts\.deals: the same rows as before/.test(m))).toBe(true);
    expect(plan.models.leads).toBe('incremental');
  });

  it('equals a full build of the same seeds, row for row', async () => {
    const { tables, differences } = await compareWarehouses(file('incremental.duckdb'), file('full.duckdb'));
    expect(tables.length).toBeGreaterThan(50);
    expect(differences).toEqual([]);
    // the comparison can fail: the day differs from the day before there
    const before = await compareWarehouses(file('base.duckdb'), file('full.duckdb'));
    expect(before.differences.map((d) => d.table)).toEqual(expect.arrayContaining(['marts.zone_hours', 'marts.leads']));
  }, 600_000);
});
