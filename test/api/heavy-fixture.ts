/*
 * The security fixture's warehouse (test/support/security-fixture.ts) grown
 * for the ownership and cost-limit tests: `generated` more leads (ids G0…,
 * half per team, channel seo), so that a query grouped by lead runs for
 * seconds, and the few journey tables the journey route reads (marts.leads,
 * marts.settings, marts.lead_journey, staging.stg_stage_transitions) for the
 * fixture's five L leads, with their emails.
 *
 * Built once per run (test/support/build-cache.ts) for both files that use
 * it; each gets a copy of its own.
 */
import { mkdtempSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { cached } from '../support/build-cache';
import { buildSecurityWarehouse } from '../support/security-fixture';

/** A new copy of the heavy warehouse with `generated` more leads, in a new temporary directory; its path. */
export async function buildHeavyWarehouse(generated: number): Promise<string> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'revcycle-heavy-')), 'warehouse.duckdb');
  const dir = await cached(`heavy-${generated}`, async (out) => {
    await writeHeavyWarehouse(generated, path.join(out, 'warehouse.duckdb'));
  });
  if (!dir) return writeHeavyWarehouse(generated, file);
  await cp(path.join(dir, 'warehouse.duckdb'), file);
  return file;
}

async function writeHeavyWarehouse(generated: number, file: string): Promise<string> {
  await buildSecurityWarehouse(file);
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  await conn.run(`
    insert into leads select 'G' || i, 'g' || i || '@example.com', case when i % 2 = 0 then 'east_team' else 'west_team' end,
      'seo', timestamp '2025-04-10 00:00:00', i % 1000 from range(${generated}) t(i);
    create schema marts; create schema staging;
    create table marts.settings as select 'UTC' as time_zone;
    create table marts.leads as select lead_id, email, 'A1' as account_id, 'Alpha' as account_name, 'it' as industry,
      created_at, channel as lead_source, 'cmo' as persona, owner_team from main.leads where lead_id like 'L%';
    create table staging.stg_stage_transitions as select lead_id, 'mql' as to_stage, created_at as transitioned_at,
      1 as transition_id from marts.leads;
    create table marts.lead_journey as select lead_id, 1 as event_number, 'touch' as event_type, created_at as occurred_local,
      lead_source as channel, null as campaign_id, null as campaign_name, 'page_view' as touch_type, null as from_stage,
      null as to_stage, null as reason, null as team, null as opportunity_id, null as amount, null as status,
      null as deal_type from marts.leads;
  `);
  conn.closeSync();
  db.closeSync();
  return file;
}

/** A query grouped by lead over every lead: seconds over millions of leads. */
export const HEAVY_QUERY = {
  dimensions: ['leads_view.lead_id'],
  measures: ['leads_view.amount'],
  order: { 'leads_view.amount': 'desc' },
  limit: 5,
};
