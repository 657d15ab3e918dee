/*
 * A day's import for the incremental build's benchmark and test: the base
 * seeds with about 1 % of their leads changed and 0.5 % new.
 *
 * - New leads, with their accounts, touches, stage transitions and deals,
 *   come from the seeds generator at the small size (same seed, so the same
 *   campaign catalogue), every id and email prefixed with `D` (or another
 *   tag) so that nothing collides with the base.
 * - Changed leads (lead_id's hash mod 100 = 0): another persona, one more
 *   touch (a copy of their latest, new id) and their deals' amounts up by
 *   ¥10,000.
 * Everything else is the base's rows as written (read and written as text).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { projectRoot } from '../server/config.js';
import { findSeedFile } from '../server/warehouse/index.js';

const LEAD_TABLES = ['leads', 'accounts', 'touchpoints', 'stage_transitions', 'opportunities'] as const;

export interface DayChanges {
  /** Leads in the base. */
  baseLeads: number;
  changedLeads: number;
  newLeads: number;
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes the day's seeds into `outDir` (created); the base's `seed` must be the one `baseDir` was generated with.
 * `tag` prefixes the new rows' ids: successive days (each day's seeds the next one's base) need one tag each.
 */
export async function writeDayChanges(baseDir: string, outDir: string, seed = 42, tag = 'D'): Promise<DayChanges> {
  mkdirSync(outDir, { recursive: true });
  // the base may be gzipped (the benchmark's); DuckDB's reader takes either
  const read = (dir: string, table: string) =>
    `read_csv(${q(findSeedFile(dir, table) ?? path.join(dir, `${table}.csv`))}, header = true, all_varchar = true, quote = '"', escape = '"')`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0]![0]);
  const small = mkdtempSync(path.join(os.tmpdir(), 'revcycle-day-'));
  try {
    const baseLeads = await one(`select count(*) from ${read(baseDir, 'leads')}`);
    const newLeads = Math.max(1, Math.round(baseLeads * 0.005));
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(projectRoot, 'seeds/generator/generate.ts'),
        '--leads',
        String(newLeads),
        '--seed',
        String(seed),
        '--out',
        small,
      ],
      { cwd: projectRoot, stdio: 'ignore' },
    );
    for (const t of LEAD_TABLES) {
      await conn.run(`create table base_${t} as select * from ${read(baseDir, t)}`);
      await conn.run(`create table new_${t} as select * from ${read(small, t)}`);
    }
    // The new rows: every key prefixed (campaign ids stay: the same seed has the same campaigns).
    const prefix = (c: string) => `${q(tag)} || ${c}`;
    await conn.run(
      `update new_leads set lead_id = ${prefix('lead_id')}, account_id = ${prefix('account_id')}, email = ${q(`${tag.toLowerCase()}.`)} || email`,
    );
    await conn.run(`update new_accounts set account_id = ${prefix('account_id')}`);
    await conn.run(`update new_touchpoints set touchpoint_id = ${prefix('touchpoint_id')}, lead_id = ${prefix('lead_id')}`);
    await conn.run(`update new_stage_transitions set transition_id = ${prefix('transition_id')}, lead_id = ${prefix('lead_id')}`);
    await conn.run(
      `update new_opportunities set opportunity_id = ${prefix('opportunity_id')}, account_id = ${prefix('account_id')}, lead_id = ${prefix('lead_id')}`,
    );
    // The changed leads.
    await conn.run(`create table changed as select lead_id from base_leads where hash(lead_id) % 100 = 0`);
    const changedLeads = await one('select count(*) from changed');
    await conn.run(
      `create table personas as select persona, row_number() over (order by persona) as n, count(*) over () as k ` +
        `from (select distinct persona from base_leads where persona is not null)`,
    );
    await conn.run(
      `update base_leads set persona = (select p2.persona from personas p1 join personas p2 on p2.n = p1.n % p1.k + 1 ` +
        `where p1.persona = base_leads.persona) where lead_id in (select lead_id from changed) and persona is not null`,
    );
    await conn.run(
      `insert into new_touchpoints select ${q(`${tag}X`)} || touchpoint_id, lead_id, occurred_at, channel, campaign_id, touch_type from (` +
        `select *, row_number() over (partition by lead_id order by occurred_at desc, touchpoint_id desc) as r ` +
        `from base_touchpoints where lead_id in (select lead_id from changed)) where r = 1`,
    );
    await conn.run(
      `update base_opportunities set amount = cast(cast(amount as decimal(18, 0)) + 10000 as varchar) ` +
        `where lead_id in (select lead_id from changed) and amount is not null`,
    );
    for (const t of LEAD_TABLES) {
      await conn.run(
        `copy (select * from base_${t} union all select * from new_${t}) to ${q(path.join(outDir, `${t}.csv`))} (header, delimiter ',', quote '"')`,
      );
    }
    for (const f of readdirSync(baseDir)) {
      if (!LEAD_TABLES.some((t) => f.startsWith(`${t}.csv`))) copyFileSync(path.join(baseDir, f), path.join(outDir, f));
    }
    return { baseLeads, changedLeads, newLeads };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(small, { recursive: true, force: true });
  }
}
