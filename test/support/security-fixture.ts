/*
 * A tiny warehouse for the access-policy tests (model:
 * test/fixtures/model-security): leads owned by two teams over three
 * channels, with an email each (personal data); costs per channel (no
 * owner_team: not team-scopable); company targets (neither team- nor
 * channel-scopable); team labels (a reference view, readable by all). The rows are exported so tests compute what each role
 * should see by filtering them, independently of the server.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SECURITY_MODEL_DIR = path.resolve(here, '../fixtures/model-security');

export const LEADS = [
  { lead_id: 'L1', email: 'aoki@example.com', owner_team: 'east_team', channel: 'seo', amount: 100 },
  { lead_id: 'L2', email: 'baba@example.com', owner_team: 'east_team', channel: 'ads', amount: 200 },
  { lead_id: 'L3', email: 'chiba@example.com', owner_team: 'west_team', channel: 'seo', amount: 400 },
  { lead_id: 'L4', email: 'doi@example.com', owner_team: 'west_team', channel: 'webinar', amount: 800 },
  { lead_id: 'L5', email: 'endo@example.com', owner_team: 'west_team', channel: 'ads', amount: 1600 },
];
export const COSTS = [
  { cost_id: 1, channel: 'seo', cost: 10 },
  { cost_id: 2, channel: 'ads', cost: 20 },
  { cost_id: 3, channel: 'webinar', cost: 40 },
];
export const TARGETS = [{ month: '2025-04-01', target: 5000 }];
/** A reference table (definitions, no figures): its view is declared `meta: { reference: true }`. */
export const TEAM_LABELS = [
  { team_code: 'east_team', label: 'East' },
  { team_code: 'west_team', label: 'West' },
];

const values = (rows: Record<string, string | number>[]) =>
  rows
    .map(
      (r) =>
        `(${Object.values(r)
          .map((v) => (typeof v === 'number' ? v : `'${v}'`))
          .join(', ')})`,
    )
    .join(', ');

/** Writes the security warehouse to `file` (by default in a new temporary directory) and answers its path. */
export async function buildSecurityWarehouse(
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'revcycle-security-')), 'warehouse.duckdb'),
): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  await conn.run(`
    create table leads as select lead_id, email, owner_team, channel, timestamp '2025-04-10 00:00:00' as created_at, amount
      from (values ${values(LEADS)}) t(lead_id, email, owner_team, channel, amount);
    create table costs as select * from (values ${values(COSTS)}) t(cost_id, channel, cost);
    create table team_labels as select * from (values ${values(TEAM_LABELS)}) t(team_code, label);
    create table company_targets as select cast(month as timestamp) as month, target from (values ${values(TARGETS)}) t(month, target);
  `);
  conn.closeSync();
  db.closeSync();
  return file;
}
