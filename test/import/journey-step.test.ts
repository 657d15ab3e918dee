/*
 * The buyer-journey step of a campaign through the generic source
 * (docs/metrics.md definition 20): a mapped column of Japanese labels, codes,
 * a company's own step and an empty cell becomes campaigns.buyer_journey_step
 * (the step's code; the own step kept lower-cased; empty → unmapped in the
 * warehouse).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../server/import/index';
import { DuckDBInstance } from '@duckdb/node-api';
import { FIXTURES, importArea, type ImportArea } from './helpers';

describe('campaign buyer-journey step through a mapping file', () => {
  let area: ImportArea;
  let result: ImportResult;
  let marts: Record<string, unknown>[];
  beforeAll(async () => {
    area = importArea();
    const first = await area.run('generic', [path.join(FIXTURES, 'generic')], {
      mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
    });
    expect(first.exitCode).toBe(0);
    result = await area.run('generic', [path.join(FIXTURES, 'journey-step/キャンペーン一覧.csv')], {
      mappingFile: path.join(FIXTURES, 'journey-step/mapping.yml'),
    });
    expect(result.exitCode).toBe(0);
    const db = await DuckDBInstance.create(area.warehouse, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    marts = (
      await conn.runAndReadAll(`select campaign_id, buyer_journey_step from marts.campaigns order by campaign_id`)
    ).getRowObjectsJson();
    conn.closeSync();
    db.closeSync();
  }, 180_000);
  afterAll(() => area?.cleanup());

  it('writes the step codes to the canonical campaigns table', () => {
    const steps = Object.fromEntries(
      area.table(result, 'campaigns').map((r) => [r.campaign_id!.replace(/^.*:/, ''), r.buyer_journey_step]),
    );
    expect(steps).toMatchObject({
      J1: 'information_gathering',
      J2: 'problem_aware',
      J3: 'comparison',
      J4: 'decision',
      J5: 'onboarding',
      J6: '',
    });
  });

  it('builds the warehouse with the codes, an untagged campaign reading unmapped', () => {
    const steps = Object.fromEntries(marts.map((r) => [String(r.campaign_id).replace(/^.*:/, ''), r.buyer_journey_step]));
    expect(steps).toMatchObject({ J1: 'information_gathering', J4: 'decision', J5: 'onboarding', J6: 'unmapped' });
  });
});
