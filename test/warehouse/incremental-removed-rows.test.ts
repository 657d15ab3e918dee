/*
 * A mart updated with its parent's rows (`incremental: {rows_of: parent, key: column}`, server/warehouse/
 * incremental.ts): content_map_weights, whose rows belong to attribution_credit_rows' by credit_row. A day's export
 * that drops touches (a correction) makes credit rows go, so the rows to replace are found among the parent's rows
 * as they were as well as as they are: here the first leads' touches are gone, their conversions' credit rows are
 * replaced by others, and the incremental build still equals a full build of the same seeds.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWarehouses } from '../../bench/compare-warehouses';
import type { BuildSummary } from '../../server/warehouse/index';
import { tempDir } from '../support/browser';
import { generatedSeeds, incrementalAndFull } from '../support/build-cache';
import { query } from './helpers';

const LEADS = 2000;

describe("a mart updated with its parent's rows, when some of them go", () => {
  let root: string;
  let summary: BuildSummary;
  const file = (name: string) => path.join(root, name);

  beforeAll(async () => {
    root = tempDir('revcycle-incremental-removed-');
    const base = await generatedSeeds(LEADS);
    cpSync(base, file('day'), { recursive: true });
    // every touch of the first 40 leads dropped from the export
    const touches = readFileSync(file('day/touchpoints.csv'), 'utf8').trimEnd().split('\n');
    expect(touches[0]).toBe('touchpoint_id,lead_id,occurred_at,channel,campaign_id,touch_type');
    const dropped = new Set(Array.from({ length: 40 }, (_, i) => `L${String(i + 1).padStart(7, '0')}`));
    const kept = touches.filter((line, i) => i === 0 || !dropped.has(line.split(',')[1]!));
    expect(touches.length - kept.length).toBeGreaterThan(40);
    writeFileSync(file('day/touchpoints.csv'), `${kept.join('\n')}\n`);
    summary = await incrementalAndFull(base, file('day'), root);
  }, 1_800_000);
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('updates the content rows with their credit rows, some of which are gone', async () => {
    expect(summary.incremental!.models.attribution_credit_rows).toBe('incremental');
    expect(summary.incremental!.models.content_map_weights).toBe('incremental');
    const gone = await query(
      file('base.duckdb'),
      `attach '${file('full.duckdb')}' as day (read_only);
      select count(distinct credit_row) as n from marts.content_map_weights
      where credit_row not in (select credit_row from day.marts.content_map_weights)`,
    );
    expect(Number(gone[0]!.n)).toBeGreaterThan(0);
  });

  it('equals a full build of the same seeds, row for row', async () => {
    const { differences } = await compareWarehouses(file('incremental.duckdb'), file('full.duckdb'));
    expect(differences).toEqual([]);
  }, 600_000);
});
