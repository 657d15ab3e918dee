/*
 * A day's import for the incremental build's benchmark and test: the base
 * seeds as a daily export the day after them would have them, about 1 % of
 * their leads changed and 0.5 % new. The day is the local date after the
 * base's latest timestamp; the export's as_of (settings.csv) moves to its end.
 *
 * - New leads, with their accounts, touches, stage transitions and deals,
 *   come from the seeds generator at the small size (same seed, so the same
 *   campaign catalogue), every id and email prefixed with `D` (or another
 *   tag) so that nothing collides with the base. Each is created on the day
 *   (its own clock time kept) and its rows moved by the same number of days;
 *   what would then fall after the day is not in the export yet (touches,
 *   transitions and deals dropped, a deal closed later still open), and a
 *   touch or deal dated before its lead's creation is moved to it.
 * - Changed leads (lead_id's hash mod 100 = 0): another persona, one more
 *   touch on the day (a copy of their latest, new id), their deals' amounts
 *   up by ¥10,000, and those in lead, MQL or recycled (hash mod 200 = 0) one
 *   stage further on the day (lead/recycled → MQL, MQL → SAL).
 * Everything else is the base's rows as written (read and written as text).
 * Times are moved by whole local days on their text (the offset kept), so no
 * time zone is needed.
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
    // Times as written ('2026-11-20T23:51:12+09:00'): their local date, and moved by whole days, offset kept.
    await conn.run(`create macro local_date(t) as cast(substr(t, 1, 10) as date)`);
    await conn.run(
      `create macro moved(t, days) as ` +
        `strftime(cast(substr(t, 1, 19) as timestamp) + to_days(cast(days as integer)), '%Y-%m-%dT%H:%M:%S') || substr(t, 20)`,
    );
    const times: Record<(typeof LEAD_TABLES)[number], string[]> = {
      leads: ['created_at'],
      accounts: ['created_at', 'churned_at'],
      touchpoints: ['occurred_at'],
      stage_transitions: ['transitioned_at'],
      opportunities: ['created_at', 'closed_at'],
    };
    const latest = LEAD_TABLES.flatMap((t) => times[t].map((c) => `select max(local_date(${c})) as d from base_${t}`));
    await conn.run(`create table day as select max(d) + 1 as day from (${latest.join(' union all ')})`);
    const day = `(select day from day)`;
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
    // Created on the day: each new lead's rows moved by its days; an account's deals without a lead by its first lead's.
    await conn.run(
      `create table lead_shift as select lead_id, account_id, created_at, ${day} - local_date(created_at) as days from new_leads`,
    );
    await conn.run(
      `create table account_shift as select account_id, min(days) as days from lead_shift where account_id is not null group by all`,
    );
    await conn.run(`update new_leads set created_at = moved(created_at, ${day} - local_date(created_at))`);
    const byLead = (t: string) => `(select days from lead_shift where lead_shift.lead_id = new_${t}.lead_id)`;
    // before its lead's (new) creation: at it; after the day: not exported yet (dropped by the caller's filter)
    const atLead = (t: string, c: string) =>
      `case when moved(${c}, ${byLead(t)}) < (select created_at from new_leads where new_leads.lead_id = new_${t}.lead_id) ` +
      `then (select created_at from new_leads where new_leads.lead_id = new_${t}.lead_id) else moved(${c}, ${byLead(t)}) end`;
    await conn.run(`update new_touchpoints set occurred_at = ${atLead('touchpoints', 'occurred_at')}`);
    await conn.run(`update new_stage_transitions set transitioned_at = moved(transitioned_at, ${byLead('stage_transitions')})`);
    await conn.run(
      `update new_opportunities set created_at = moved(created_at, d), closed_at = moved(closed_at, d) from (` +
        `select opportunity_id as id, coalesce(lead_shift.days, account_shift.days, ${day} - local_date(o.created_at)) as d ` +
        `from new_opportunities as o left join lead_shift using (lead_id) left join account_shift on account_shift.account_id = o.account_id` +
        `) as shift where shift.id = new_opportunities.opportunity_id`,
    );
    await conn.run(
      `update new_opportunities set created_at = greatest(created_at, (select created_at from new_leads where new_leads.lead_id = new_opportunities.lead_id)) ` +
        `where lead_id is not null`,
    );
    await conn.run(`delete from new_touchpoints where local_date(occurred_at) > ${day}`);
    await conn.run(`delete from new_stage_transitions where local_date(transitioned_at) > ${day}`);
    await conn.run(`delete from new_opportunities where local_date(created_at) > ${day}`);
    await conn.run(
      `update new_opportunities set closed_at = null, status = 'open', lost_reason = null where local_date(closed_at) > ${day}`,
    );
    // a new account: created no later than its first lead, and not churned after the day
    await conn.run(
      `update new_accounts set created_at = (select min(created_at) from new_leads where new_leads.account_id = new_accounts.account_id) ` +
        `where local_date(created_at) > ${day}`,
    );
    await conn.run(`update new_accounts set churned_at = null where local_date(churned_at) > ${day}`);
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
    // one more touch on the day, at its latest touch's clock time
    await conn.run(
      `insert into new_touchpoints select ${q(`${tag}X`)} || touchpoint_id, lead_id, moved(occurred_at, ${day} - local_date(occurred_at)), ` +
        `channel, campaign_id, touch_type from (` +
        `select *, row_number() over (partition by lead_id order by occurred_at desc, touchpoint_id desc) as r ` +
        `from base_touchpoints where lead_id in (select lead_id from changed)) where r = 1`,
    );
    // one stage further on the day (at their latest transition's clock time), for those in an early stage
    await conn.run(
      `insert into new_stage_transitions select ${q(`${tag}X`)} || transition_id, lead_id, to_stage, ` +
        `case to_stage when 'mql' then 'sal' else 'mql' end, ` +
        `moved(transitioned_at, ${day} - local_date(transitioned_at)), ` +
        `case to_stage when 'mql' then 'is_accepted' when 'lead' then 'score_threshold' else 'reactivated' end, ` +
        `case to_stage when 'mql' then 'inside_sales' else 'marketing' end from (` +
        `select *, row_number() over (partition by lead_id order by transitioned_at desc, transition_id desc) as r ` +
        `from base_stage_transitions where lead_id in (select lead_id from changed where hash(lead_id) % 200 = 0)) ` +
        `where r = 1 and to_stage in ('lead', 'mql', 'recycled')`,
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
    // the export's as_of: the end of the day, in as_of's own offset
    await conn.run(`create table settings as select * from ${read(baseDir, 'settings')}`);
    await conn.run(
      `update settings set value = strftime(${day}, '%Y-%m-%d') || case when length(value) = 10 then '' else 'T23:59:59' || substr(value, 20) end ` +
        `where key = 'as_of'`,
    );
    await conn.run(`copy settings to ${q(path.join(outDir, 'settings.csv'))} (header, delimiter ',', quote '"')`);
    for (const f of readdirSync(baseDir)) {
      if (![...LEAD_TABLES, 'settings'].some((t) => f.startsWith(`${t}.csv`)))
        copyFileSync(path.join(baseDir, f), path.join(outDir, f));
    }
    return { baseLeads, changedLeads, newLeads };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(small, { recursive: true, force: true });
  }
}
