/*
 * The import's cross-row work, in DuckDB: checks that need more than one row,
 * the merge of this import into what earlier imports stored, identity, and
 * the canonical tables the warehouse build reads.
 *
 * 1. Duplicates within this import: one row per source id. The most recently
 *    modified row (updated_at, where the export has it) wins, then the one
 *    furthest down the file; the others are quarantined naming the kept line.
 * 2. Merge: this import's rows replace stored rows with the same source id,
 *    and a person's row imported again replaces every event derived from
 *    that row (from_record: stage-date columns, the stage at creation);
 *    history rows are keyed by what the source says (lead, time, field, old
 *    and new value as written), never by the stage they map to, so a new
 *    value map replaces them too. Stored rows this import does not mention are kept (a later export that
 *    drops a row does not delete history). Importing the same files twice
 *    therefore leaves the store, and every table derived from it, unchanged.
 * 3. Orphans (a deal whose account is unknown, a touch or stage change of an
 *    unknown lead, a touch of an unknown campaign) and stage changes out of
 *    time order (a change from stage X when the lead was in Y) are
 *    quarantined.
 * 4. Identity: a lead is its normalised email across all sources; an account
 *    is the company another source's id names (same_as), else its normalised
 *    domain when a source gives one, else the source's own id; a person's account is the CRM's (salesforce first), else the email's
 *    domain (free-mail domains excepted), else an account of their own.
 *    Every merge of records from more than one source is written to merges.csv.
 * 5. Stage transitions: all sources' stage events of a lead, plus the
 *    opportunity / won / lost entries of its new-business deals, in time
 *    order. Within one cycle (until the lead passes through a side state such
 *    as recycled) a funnel stage at or below the furthest one reached is not
 *    entered again, consecutive entries into the same stage collapse, and
 *    events at one instant are kept in stage order 1 ms apart, because the
 *    warehouse orders a lead's transitions by time. Two events of one stage
 *    at one instant (HubSpot's opportunity date and its deal's creation)
 *    keep the one whose reason sorts first (deal_created): every window and
 *    every first() here has a total order, so the same files give the same
 *    tables byte for byte, whatever order rows are read or processed in.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENTITY_COLUMNS, type Entity } from './batch.js';
import { FREE_MAIL_DOMAINS } from './text.js';
import { TEAM_COST_KEY, TEAM_COSTS_TABLE_SQL } from './team-costs.js';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ISO_MS = `'%Y-%m-%dT%H:%M:%S.%gZ'`;
const ts = (col: string) => `strftime(${col}, ${ISO_MS})`;
/** A transition's id: its lead, stage and time (`at`, the column holding it), hashed (stable across imports). */
const transitionId = (at: string) => `'T' || md5(lead_id || '|' || to_stage || '|' || ${ts(at)})[1:15]`;
/**
 * ts() of a time stored as text in the forms the readers write (dates.ts iso(), generic-fast.ts iso_text: UTC,
 * seconds, milliseconds only when there are some) by rewriting the text: parsing and formatting a million times was
 * a third of writing the touchpoints. Any other form (a year before 1000 among them) takes ts() of the parsed time.
 */
const tsText = (col: string) =>
  `case when strlen(${col}) = 20 and ends_with(${col}, 'Z') and substr(${col}, 11, 1) = 'T' and substr(${col}, 1, 1) between '1' and '9' then substr(${col}, 1, 19) || '.000Z'
    when strlen(${col}) = 24 and ends_with(${col}, 'Z') and substr(${col}, 20, 1) = '.' and substr(${col}, 11, 1) = 'T' and substr(${col}, 1, 1) between '1' and '9' then ${col}
    else ${ts(`${col}::timestamptz`)} end`;

/** Source ids and the column that says which of two rows is newer. */
const KEYS: Record<Entity, { key: string[]; newer?: string }> = {
  people: { key: ['person_key'], newer: 'updated_at' },
  accounts: { key: ['account_key'], newer: 'updated_at' },
  events: { key: ['event_key'] },
  deals: { key: ['deal_key'], newer: 'updated_at' },
  deal_contacts: { key: ['deal_key', 'person_key'] },
  deal_contact_roles: { key: ['deal_key', 'person_key'] },
  touches: { key: ['touch_key'] },
  campaigns: { key: ['campaign_key'] },
  costs: { key: ['source', 'month', 'channel', 'campaign_key'] },
  targets: { key: ['source', 'fiscal_month', 'metric'] },
  team_costs: TEAM_COST_KEY,
};

/** Sources whose accounts and owners win when two disagree: the SFA before the MA. */
const priority = (col = 'source') =>
  `case ${col} when 'salesforce' then 1 when 'hubspot' then 2 when 'marketo' then 3 else 4 end`;

export interface MergeOptions {
  conn: DuckDBConnection;
  /** The batch CSVs of this import (batch.ts). */
  batchDir: string;
  /** The batch views DuckDB's reader left in this connection's database, per entity (batch.ts addTable). */
  batchTables: ReadonlyMap<Entity, string[]>;
  /** Those of batchTables already in the merge's form (batch.ts addTable's `merged`): taken over, not copied. */
  batchMerged: ReadonlySet<string>;
  /** What those views read (`view x`, `table x`), dropped once every entity has its own table here. */
  batchScratch: readonly string[];
  /** store/ of the previous complete import, if any. */
  previousStore?: string;
  /** Where to write store/*.parquet, tables/*.csv, quarantine-merge.csv, merges.csv. */
  outDir: string;
  /** stages.csv etc. to copy (bundled seeds). */
  defaultsDir: string;
  asOf: string;
  timeZone: string;
  defaultOwnerTeam: string;
  newChannels: { channel: string; label_ja: string; label_en: string; is_paid: boolean }[];
  /** The mapping's exchange_rates; merged into the store's (the same currency and date replaced). */
  exchangeRates?: { currency: string; from: string; rate: number }[];
}

export interface MergeResult {
  quarantined: number;
  reasons: Record<string, number>;
  merges: number;
  tables: Record<string, number>;
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(sql)).getRows()[0]![0]);
}

/**
 * An entity's batch rows: the CSV the adapters wrote row by row, and the views DuckDB's reader left in this
 * database (batch.ts addTable), in the same columns and types.
 */
function batchRows(o: MergeOptions, entity: Entity, types: string): string {
  const csv = `select * from read_csv(${sqlString(path.join(o.batchDir, `${entity}.csv`))}, header = true, columns = ${types}, quote = '"', escape = '"', nullstr = '')`;
  const views = (o.batchTables.get(entity) ?? []).filter((t) => !o.batchMerged.has(t));
  return [csv, ...views.map((t) => `select * from ${t}`)].join(' union all by name ');
}

/** Runs one statement of the merge. */
type Run = (sql: string) => Promise<unknown>;
/** The number a `select count(*) …` answers. */
type Count = (sql: string) => Promise<number>;

/**
 * A row that refers to what the store does not hold (or otherwise cannot stand): quarantined when this import
 * brought it, and removed from the merged rows either way. The rows found are set aside in one pass over the
 * entity; an import without any (the usual case) neither inserts nor deletes.
 */
async function orphan(
  run: Run,
  count: Count,
  entity: Entity,
  condition: string,
  column: string,
  value: string,
  reason: string,
  suggestion: string,
) {
  await run(
    `create or replace table orphans as select rowid as _rid, source, _file, _line, _new, ${value} as _value, ${reason} as _reason from s_${entity} as t where ${condition}`,
  );
  if (await count(`select count(*) from orphans`)) {
    await run(
      `insert into q select source, _file, _line, ${sqlString(column)}, _value, _reason, ${sqlString(suggestion)} from orphans where _new`,
    );
    await run(`delete from s_${entity} where rowid in (select _rid from orphans)`);
  }
  await run(`drop table orphans`);
}

/** Header 1 and 2, per entity: duplicates within this import quarantined, the rest merged with the store (tables s_<entity>). */
async function mergeEntities(run: Run, count: Count, o: MergeOptions) {
  // Records first, then what rows of records carry (stage dates, touches, contacts): a row that lost as a
  // duplicate record takes its stage dates and touches with it instead of competing with the winner's.
  await run(`create or replace table lost_origins (_file varchar, _line bigint)`);
  await run(
    `create or replace table batch_files as select * from read_csv(${sqlString(path.join(o.batchDir, 'files.csv'))}, header = true, columns = {'id': 'VARCHAR', 'file': 'VARCHAR'}, quote = '"', escape = '"')`,
  );
  const order: Entity[] = [
    'people',
    'accounts',
    'deals',
    'campaigns',
    'events',
    'touches',
    'deal_contacts',
    'deal_contact_roles',
    'costs',
    'targets',
    'team_costs',
  ];
  // Rows lost as duplicates so far (their origins are in lost_origins): none in most imports.
  let lost = 0;
  for (const entity of order) {
    const cols = [...ENTITY_COLUMNS[entity], '_file', '_line'];
    const types = `{${cols.map((c) => `'${c}': '${c === '_line' ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}}`;
    // b_<entity>: this import's rows. It becomes s_<entity> itself (renamed, not copied): the duplicates' losers are
    // deleted from it and the store's rows this import does not replace inserted into it. A table DuckDB's reader
    // wrote in this form (touchpoints: sources/generic-fast.ts) is taken over as it is, the other rows added to it.
    const rows = `select b.* replace (f.file as _file), true as _new
       from (${batchRows(o, entity, types)}) as b
       join batch_files as f on f.id = b._file
       ${lost ? `where (f.file, b._line) not in (select (_file, _line) from lost_origins)` : ''}`;
    const [own, ...others] = (o.batchTables.get(entity) ?? []).filter((t) => o.batchMerged.has(t));
    if (own) {
      await run(`alter table ${own} rename to b_${entity}`);
      for (const t of others) await run(`insert into b_${entity} by name select * from ${t}`);
      await run(`insert into b_${entity} by name ${rows}`);
      if (lost) await run(`delete from b_${entity} where (_file, _line) in (select (_file, _line) from lost_origins)`);
    } else await run(`create or replace table b_${entity} as ${rows}`);
    for (const t of o.batchTables.get(entity) ?? [])
      if (t !== own) await run(`drop ${o.batchMerged.has(t) ? 'table' : 'view'} ${t}`);

    // 1. duplicates within this import
    const { key, newer } = KEYS[entity];
    const part = key.map((k) => `"${k}"`).join(', ');
    // An empty key part (a cost without campaign) is a value here, as it is in group by.
    const same = key.map((k) => `b."${k}" is not distinct from d."${k}"`).join(' and ');
    // _seq orders rows as the files were read (file, then line): "the last in the file wins".
    const rank = `${newer ? `try_cast(${newer} as timestamptz) desc nulls last, ` : ''}_seq desc`;
    // Rank only the ids that occur twice: a window over ten million unique ids would sort them all for nothing.
    await run(`create or replace table dup_${entity} as select ${part} from b_${entity} group by all having count(*) > 1`);
    if (await count(`select count(*) from dup_${entity}`)) {
      // r_<entity>: the rows of those ids, ranked (_rid: the row in b_<entity>; one line of leads gives several events).
      await run(`create or replace table r_${entity} as
        select *, row_number() over w as _rank, first_value(_line) over w as _kept_line
        from (select b.*, b.rowid as _rid, (f.id::bigint << 40) + b._line as _seq
          from b_${entity} as b semi join dup_${entity} as d on ${same} join batch_files as f on f.file = b._file)
        window w as (partition by ${part} order by ${rank})`);
      await run(
        `insert into q select source, _file, _line, ${sqlString(key.join('+'))}, concat_ws('|', ${part}), 'duplicate id (the most recently modified row wins, then the last in the file)', 'kept line ' || _kept_line from r_${entity} where _rank > 1`,
      );
      await run(`insert into lost_origins select _file, _line from r_${entity} where _rank > 1`);
      lost += await count(`select count(*) from r_${entity} where _rank > 1`);
      await run(`delete from b_${entity} where rowid in (select _rid from r_${entity} where _rank > 1)`);
      await run(`drop table r_${entity}`);
    }
    await run(`drop table dup_${entity}`);
    // 2. merge with the store
    if (entity === 'people') await run(`create or replace table imported_people as select distinct person_key from b_people`);
    const prev = o.previousStore && path.join(o.previousStore, `${entity}.parquet`);
    if (prev && existsSync(prev)) {
      // By name over this import's columns: a store written before a column was added reads with it empty.
      await run(
        `create or replace table p_${entity} as (select * exclude (_new) from b_${entity} limit 0) union all by name (select * from read_parquet(${sqlString(prev)}))`,
      );
      // A person's row imported again brings all its own events anew (a changed value map must leave no stale one).
      const replaced =
        entity === 'events'
          ? ` where not (p.from_record = 'true' and p.person_key in (select person_key from imported_people))`
          : '';
      await run(
        `insert into b_${entity} (${cols.map((c) => `"${c}"`).join(', ')}, _new) select ${cols.map((c) => `p."${c}"`).join(', ')}, false
         from p_${entity} as p anti join (select ${part} from b_${entity}) as n using (${part})${replaced}`,
      );
      await run(`drop table p_${entity}`);
    }
    await run(`alter table b_${entity} rename to s_${entity}`);
  }
  for (const object of o.batchScratch) await run(`drop ${object}`);
}

/** Header 3: orphan references quarantined (person_ref: a lead by its key or by `email:`). */
async function quarantineOrphans(run: Run, count: Count) {
  await run(
    `create or replace table person_ref as select person_key as ref, email from s_people union select 'email:' || email, email from s_people`,
  );
  // A row naming a person the store does not know waits in quarantine for the person's export.
  const unknownPerson = (entity: Entity, person: 'lead' | 'contact of a deal', personExport: 'lead' | 'contact') =>
    orphan(
      run,
      count,
      entity,
      `not exists (select 1 from person_ref as r where r.ref = t.person_key)`,
      'person',
      'person_key',
      `'orphan reference: unknown ${person}'`,
      `import the ${personExport} export in the same run or before`,
    );
  await unknownPerson('events', 'lead', 'lead');
  await unknownPerson('touches', 'lead', 'lead');
  await orphan(
    run,
    count,
    'touches',
    `campaign_key is not null and not exists (select 1 from s_campaigns as c where c.campaign_key = t.campaign_key)`,
    'campaign',
    'campaign_key',
    `'orphan reference: unknown campaign'`,
    'import the campaign export in the same run or before',
  );
  // A touch takes its campaign's channel when the member row had none (the campaign came in an earlier import).
  await run(
    `update s_touches as t set channel = c.channel from s_campaigns as c where t.channel is null and c.campaign_key = t.campaign_key`,
  );
  await orphan(
    run,
    count,
    'touches',
    `channel is null`,
    'channel',
    `coalesce(campaign_key, '')`,
    `'no channel: the campaign''s type maps to no channel'`,
    'map the campaign type under channels: in a mapping file',
  );
  await unknownPerson('deal_contacts', 'contact of a deal', 'contact');
  await unknownPerson('deal_contact_roles', 'contact of a deal', 'contact');
  await orphan(
    run,
    count,
    'deals',
    `account_key is not null and not exists (select 1 from s_accounts as a where a.account_key = t.account_key)`,
    'account',
    'account_key',
    `'orphan reference: unknown account'`,
    'import the account / company export in the same run or before',
  );
  await orphan(
    run,
    count,
    'deals',
    `account_key is null and not exists (select 1 from s_deal_contacts as c where c.deal_key = t.deal_key)`,
    'account',
    `''`,
    `'orphan reference: a deal with neither account nor contact'`,
    'export the deal with its associated company',
  );
}

/** A lead's entry events: its stage at creation, and the lead stage for one created in a side state (table ev). */
async function stageAtCreation(run: Run, o: MergeOptions) {
  // A lead's stage at creation: the first recorded change's old value when there is history, else the stage it still
  // shows, else (a status mapped to nothing, such as Closed - Converted) lead: every lead enters the funnel when created.
  // History whose first change names no stage left (the record's own stage dates: an MQL date column) says nothing of
  // the stage at creation, and the stage the record shows now is where those dates led: the lead entered the funnel
  // as a lead when it was created, as a record without a stage column does, unless a stage date already says when
  // (a lead date, or a stage date before the creation time).
  await run(`create or replace table ev as
    with hist as (select * from s_events where is_initial is null),
    first_change as (
      select source, person_key, first(from_stage order by entered_at::timestamptz, event_key) as first_from,
        bool_or(to_stage = 'lead') as dated_lead, min(entered_at::timestamptz) as first_at
      from hist group by all
    ),
    initial as (
      select i.* replace (
          case when f.person_key is null then coalesce(i.to_stage, 'lead') else coalesce(f.first_from, 'lead') end as to_stage,
          case when f.person_key is not null and f.first_from is null then 'created' else i.reason end as reason)
      from s_events as i left join first_change as f using (source, person_key)
      where i.is_initial = 'true'
        and (f.person_key is null or f.first_from is not null or (not f.dated_lead and i.entered_at::timestamptz <= f.first_at))
    )
    select * from hist union all by name select * from initial`);
  // A lead whose stage at creation is a side state (a disqualified lead without history) still entered the funnel
  // as a lead when it was created: docs/import.md, every lead enters the funnel at creation.
  await run(`insert into ev select * replace (event_key || ':lead' as event_key, 'lead' as to_stage, 'created' as reason) from ev
    where is_initial = 'true' and to_stage in (
      select stage from read_csv(${sqlString(path.join(o.defaultsDir, 'stages.csv'))}, header = true, all_varchar = true) where not is_funnel::boolean)`);
}

/** Header 3: stage changes out of time order quarantined, and removed from ev and s_events. */
async function quarantineOutOfOrder(run: Run, count: Count) {
  // Only a change that names the stage it left can be out of order: a lead's own record names none (its stage
  // dates, its stage at creation), so an import of records without history needs none of the windows below.
  if (!(await count(`select count(*) from ev where from_stage is not null`))) return;
  // A change from X while the lead was in Y. One bad row must not make the next good one look bad, so a
  // suspect is judged against the previous row that is not itself a suspect.
  await run(`create or replace table ev_order as
    with w as (select *, lag(to_stage) over (partition by source, person_key order by entered_at::timestamptz, _line, event_key) as previous_to from ev),
    suspects as (select *, from_stage is not null and previous_to is not null and from_stage <> previous_to as suspect from w)
    select *, last_value(case when not suspect then to_stage end ignore nulls)
      over (partition by source, person_key order by entered_at::timestamptz, _line, event_key rows between unbounded preceding and 1 preceding) as previous_good
    from suspects`);
  await run(
    `create or replace table ev_bad as select * from ev_order where suspect and previous_good is distinct from from_stage`,
  );
  await run(
    `insert into q select source, _file, _line, 'from_stage', from_stage, 'transition out of time order: from ' || from_stage || ' while the lead was in ' || coalesce(previous_good, previous_to), 'check the history export is complete and in one time zone' from ev_bad where _new`,
  );
  await run(`delete from ev where event_key in (select event_key from ev_bad)`);
  await run(`delete from s_events where event_key in (select event_key from ev_bad)`);
}

/** Deals in the company's currency (table deals_fx); the exchange rates merged with the store's (table rates). */
async function convertCurrencies(run: Run, count: Count, o: MergeOptions) {
  // Deals in another currency than the company's (settings `currency`): converted at the rate in force on their
  // close date, else creation date, in the source's zone; without such a rate, quarantined rather than summed.
  const settingsCsv = sqlString(path.join(o.defaultsDir, 'settings.csv'));
  const companyCurrency = `(select coalesce(max(upper(trim(value))) filter (where lower(trim(key)) = 'currency'), 'JPY') from read_csv(${settingsCsv}, header = true, all_varchar = true))`;
  await run(`create or replace table rates (currency varchar, from_date date, rate double)`);
  const previousRates = o.previousStore && path.join(o.previousStore, 'exchange_rates.parquet');
  if (previousRates && existsSync(previousRates))
    await run(`insert into rates select currency, from_date, rate from read_parquet(${sqlString(previousRates)})`);
  for (const r of o.exchangeRates ?? []) {
    await run(
      `delete from rates where currency = ${sqlString(r.currency.toUpperCase())} and from_date = ${sqlString(r.from)}::date`,
    );
    await run(`insert into rates values (${sqlString(r.currency.toUpperCase())}, ${sqlString(r.from)}::date, ${Number(r.rate)})`);
  }
  const dealDay = (t: string) =>
    `timezone(${sqlString(o.timeZone)}, coalesce(${t}.closed_at, ${t}.created_at)::timestamptz)::date`;
  await orphan(
    run,
    count,
    'deals',
    `currency is not null and currency <> ${companyCurrency} and not exists (select 1 from rates as r where r.currency = t.currency and r.from_date <= ${dealDay('t')})`,
    'currency',
    'currency',
    `'no exchange rate for ' || currency || ' on or before ' || strftime(${dealDay('t')}, '%Y-%m-%d') || ' (deal not summed)'`,
    'add the rate under exchange_rates: in a mapping file (currency, from, rate)',
  );
  await run(`create or replace table deals_fx as
    with d as (select *, ${dealDay('s_deals')} as deal_day from s_deals)
    select d.* exclude (deal_day) replace (
      case when d.currency is null or d.currency = ${companyCurrency} then d.amount
        else cast(round(try_cast(d.amount as double) * r.rate) as bigint)::varchar end as amount)
    from d asof left join rates as r on d.currency = r.currency and d.deal_day >= r.from_date`);
}

/** The merged rows and rates, kept for the next import before anything is derived from them. */
async function writeStore(run: Run, o: MergeOptions) {
  const storeDir = path.join(o.outDir, 'store');
  for (const entity of Object.keys(ENTITY_COLUMNS) as Entity[]) {
    await run(
      // In no order: the next import reads the store whole and every step after orders by keys (sorting a million
      // touches was a third of writing them).
      `copy (select * exclude (_new) from s_${entity}) to ${sqlString(path.join(storeDir, `${entity}.parquet`))} (format parquet)`,
    );
  }
  await run(
    `copy (select * from rates order by currency, from_date) to ${sqlString(path.join(storeDir, 'exchange_rates.parquet'))} (format parquet)`,
  );
}

/** Header 4: the identity of every source account (table src_accounts). */
async function identifyAccounts(run: Run) {
  // An account another source names as the same company (same_as) takes that company's identity.
  // Without a domain, records of one company meet on its 法人番号, else on its normalised name (companyNameKey:
  // 株式会社 / (株) / ㈱ / カブシキガイシャ, width and spaces folded), when more than one record shares it; the group
  // takes the domain one of its records has, else its first record's id.
  await run(`create or replace table src_accounts as
    with a0 as (
      select a.*, ${priority('a.source')} as priority, t.account_key as target_key, t.domain as target_domain,
        case when a.corporate_number is not null then 'corporate_number:' || a.corporate_number
          when a.name_key is not null then 'name:' || a.name_key end as match_key
      from s_accounts as a left join s_accounts as t on t.account_key = a.same_as
    ),
    groups as (
      select match_key, count(*) as n,
        first(domain order by priority, account_key) filter (where domain is not null) as group_domain,
        first(account_key order by priority, account_key) as group_key
      from a0 where match_key is not null group by match_key
    )
    select a0.* exclude (target_key, target_domain, match_key),
      case when target_key is not null then coalesce(target_domain, target_key)
        else coalesce(a0.domain, case when g.n > 1 then coalesce(g.group_domain, g.group_key) end, a0.account_key) end as account_id,
      case when target_key is not null then 'same_as' when a0.domain is not null then 'domain'
        when g.n > 1 then split_part(a0.match_key, ':', 1) else 'id' end as matched_on
    from a0 left join groups as g using (match_key)`);
}

/** Header 4: leads by email, with their account (tables people, lead_events, leads_base, lead_accounts). */
async function identifyLeads(run: Run) {
  const freeMail = `[${[...FREE_MAIL_DOMAINS].map(sqlString).join(', ')}]`;
  await run(`create or replace table people as
    select p.*, ${priority('p.source')} as priority, a.account_id as crm_account_id, split_part(p.email, '@', 2) as email_domain
    from s_people as p left join src_accounts as a on a.account_key = p.account_key`);
  // Views where a table would be read once: computed inside the statement that reads them, never written.
  await run(`create or replace view lead_events as
    select e.source, l.email, e.to_stage, e.entered_at::timestamptz as entered_at, e.reason from ev as e join person_ref as l on l.ref = e.person_key`);
  // An email with one person row (most of them) is that row: the ordered aggregates below, which sort within
  // every group, run only over the emails that several rows share.
  await run(`create or replace table shared_emails as select email from people group by email having count(*) > 1`);
  await run(`create or replace view leads_base as
    select email, 'L' || md5(email)[1:15] as lead_id, crm_account_id, company_name, email_domain, created_at::timestamptz as created_at,
      lead_source, persona, owner_team, 1::bigint as sources, person_key as person_keys
    from people as p anti join shared_emails as s on p.email is not distinct from s.email
    union all by name
    select
      email,
      'L' || md5(email)[1:15] as lead_id,
      first(crm_account_id order by priority, created_at, person_key) filter (where crm_account_id is not null) as crm_account_id,
      first(company_name order by priority, created_at, person_key) filter (where company_name is not null) as company_name,
      any_value(email_domain) as email_domain,
      min(created_at::timestamptz) as created_at,
      first(lead_source order by created_at::timestamptz, priority, person_key) filter (where lead_source is not null) as lead_source,
      first(persona order by created_at::timestamptz, priority, person_key) filter (where persona is not null) as persona,
      first(owner_team order by priority, person_key) filter (where owner_team is not null) as owner_team,
      count(distinct source) as sources,
      string_agg(distinct person_key, ' ' order by person_key) as person_keys
    from (select p.* from people as p semi join shared_emails as s on p.email is not distinct from s.email) group by email`);
  await run(`create or replace table lead_accounts as
    select *, coalesce(crm_account_id, case when not list_contains(${freeMail}, email_domain) then email_domain end, 'person:' || lead_id) as account_id
    from leads_base`);
}

/** Deals with their account and primary contact (table deal_base). */
async function attachDeals(run: Run) {
  // Deals: account, primary contact.
  await run(`create or replace table deal_base as
    with contact as (
      select c.deal_key, first(l.lead_id order by l.created_at, l.lead_id) as lead_id, first(l.account_id order by l.created_at, l.lead_id) as lead_account_id
      from s_deal_contacts as c join person_ref as r on r.ref = c.person_key join lead_accounts as l on l.email = r.email
      group by c.deal_key
    )
    select d.*, coalesce(a.account_id, c.lead_account_id) as account_id, c.lead_id as contact_lead_id, c.lead_account_id
    from deals_fx as d left join src_accounts as a on a.account_key = d.account_key left join contact as c using (deal_key)`);
}

/** Canonical accounts: every account a lead or deal refers to (table accounts_out). */
async function canonicalAccounts(run: Run, o: MergeOptions) {
  await run(`create or replace table account_ids as
    select account_id from lead_accounts union select account_id from deal_base where account_id is not null union select account_id from src_accounts`);
  await run(`create or replace table accounts_out as
    with src as (
      select account_id,
        first(account_name order by priority, updated_at desc nulls last, account_key) filter (where account_name is not null) as account_name,
        first(industry order by priority, account_key) filter (where industry is not null) as industry,
        first(employee_band order by priority, account_key) filter (where employee_band is not null) as employee_band,
        first(region order by priority, account_key) filter (where region is not null) as region,
        min(created_at::timestamptz) as created_at,
        max(churned_at::timestamptz) as churned_at,
        first(owner_team order by priority, account_key) filter (where owner_team is not null) as owner_team,
        count(*) as records, string_agg(account_key, ' ' order by account_key) as account_keys,
        string_agg(distinct matched_on, '+' order by matched_on) as matched_on
      from src_accounts group by account_id
    ),
    from_leads as (
      select account_id, first(company_name order by created_at, lead_id) filter (where company_name is not null) as company_name,
        min(created_at) as first_lead_at, mode(owner_team order by owner_team) as lead_team
      from lead_accounts group by account_id
    ),
    from_deals as (select account_id, min(created_at::timestamptz) as first_deal_at, mode(owner_team order by owner_team) as deal_team from deal_base group by account_id)
    select i.account_id,
      coalesce(s.account_name, fl.company_name) as account_name,
      s.industry, s.employee_band, s.region,
      least(coalesce(s.created_at, fl.first_lead_at, fd.first_deal_at), coalesce(fl.first_lead_at, s.created_at, fd.first_deal_at), coalesce(fd.first_deal_at, s.created_at, fl.first_lead_at)) as created_at,
      s.churned_at,
      coalesce(s.owner_team, fl.lead_team, fd.deal_team, ${sqlString(o.defaultOwnerTeam)}) as owner_team,
      coalesce(s.records, 0) as records, s.account_keys, s.matched_on
    from account_ids as i left join src as s using (account_id) left join from_leads as fl using (account_id) left join from_deals as fd using (account_id)`);
}

/** Header 5: stage transitions (table transitions_out). */
async function buildTransitions(run: Run, o: MergeOptions) {
  await run(
    `create or replace table stages as select * from read_csv(${sqlString(path.join(o.defaultsDir, 'stages.csv'))}, header = true, all_varchar = true)`,
  );
  await run(`create or replace view all_events as
    select l.lead_id, e.to_stage, e.entered_at, e.reason from lead_events as e join lead_accounts as l using (email)
    union all
    select contact_lead_id, 'opportunity', created_at::timestamptz, 'deal_created' from deal_base
    where contact_lead_id is not null and coalesce(deal_type, 'new') = 'new' and account_id = lead_account_id
    union all
    select contact_lead_id, status, closed_at::timestamptz, 'deal_' || status from deal_base
    where contact_lead_id is not null and coalesce(deal_type, 'new') = 'new' and account_id = lead_account_id and status in ('won', 'lost') and closed_at is not null`);
  // A lead with one event (a list export's lead: it entered the funnel when created) has that event as its one
  // transition: the windows below, which sort every lead's events, run over the leads with several.
  await run(`create or replace table transitions_out as
    with staged as materialized (
      select e.*, s.stage_order::int as stage_order, s.is_funnel::boolean as is_funnel, s.team
      from all_events as e join stages as s on s.stage = e.to_stage
    ),
    several as (select lead_id from staged group by lead_id having count(*) > 1),
    cycles as (
      select *, count(*) filter (where not is_funnel) over (partition by lead_id order by entered_at, stage_order, reason rows between unbounded preceding and 1 preceding) as cycle
      from staged semi join several using (lead_id)
    ),
    furthest as (
      select *, max(case when is_funnel then stage_order end) over (partition by lead_id, cycle order by entered_at, stage_order, reason rows between unbounded preceding and 1 preceding) as reached_order
      from cycles
    ),
    forward as (select * from furthest where not is_funnel or reached_order is null or stage_order > reached_order),
    changes as (select *, lag(to_stage) over (partition by lead_id order by entered_at, stage_order, reason) as previous from forward),
    kept as (select * from changes where previous is null or previous <> to_stage),
    spaced as (
      select *, entered_at + (row_number() over (partition by lead_id, entered_at order by stage_order, reason) - 1) * interval 1 millisecond as transitioned_at
      from kept
    )
    select ${transitionId('transitioned_at')} as transition_id,
      lead_id, lag(to_stage) over (partition by lead_id order by transitioned_at, stage_order, reason) as from_stage, to_stage, transitioned_at, reason, team
    from spaced
    union all
    select ${transitionId('entered_at')}, lead_id, null, to_stage, entered_at, reason, team
    from staged anti join several using (lead_id)`);
}

/** Leads and accounts dated no later than their first event, and the merge log (tables leads_out, accounts_final, merges). */
async function finishLeadsAndAccounts(run: Run) {
  // Leads: created no later than their first recorded event; owner team of their account.
  await run(`create or replace table leads_out as
    select l.lead_id, l.email, l.account_id, least(l.created_at, t.first_at) as created_at, l.lead_source, l.persona, a.owner_team, l.sources, l.person_keys
    from lead_accounts as l
    join accounts_out as a using (account_id)
    left join (select lead_id, min(transitioned_at) as first_at from transitions_out group by lead_id) as t using (lead_id)`);
  await run(`create or replace table accounts_final as
    select a.* replace (least(a.created_at, l.first_lead) as created_at)
    from accounts_out as a left join (select account_id, min(created_at) as first_lead from leads_out group by account_id) as l using (account_id)`);

  // Merge log: leads and accounts made of records from more than one source record.
  await run(`create or replace table merges as
    select 'lead' as kind, lead_id as id, email as matched_on, person_keys as records from leads_out where length(person_keys) - length(replace(person_keys, ' ', '')) >= 1
    union all
    select 'account', account_id, matched_on, account_keys from accounts_final where records > 1`);
}

/** The canonical tables the warehouse build reads (tables/*.csv), the merge's quarantine and the merge log. */
async function writeTables(run: Run, o: MergeOptions) {
  const tablesDir = path.join(o.outDir, 'tables');
  const copy = (name: string, sql: string) =>
    run(`copy (${sql}) to ${sqlString(path.join(tablesDir, `${name}.csv`))} (header, delimiter ',', quote '"')`);
  await copy(
    'leads',
    `select lead_id, email, account_id, ${ts('created_at')} as created_at, lead_source, persona, owner_team from leads_out order by lead_id`,
  );
  await copy(
    'accounts',
    `select account_id, account_name, industry, employee_band, region, ${ts('created_at')} as created_at, ${ts('churned_at')} as churned_at from accounts_final order by account_id`,
  );
  await copy(
    'stage_transitions',
    `select transition_id, lead_id, from_stage, to_stage, ${ts('transitioned_at')} as transitioned_at, reason, team from transitions_out order by lead_id, transitioned_at, transition_id`,
  );
  await copy(
    'opportunities',
    `select d.deal_key as opportunity_id, d.account_id,
      case when d.account_id = d.lead_account_id then d.contact_lead_id end as lead_id,
      ${ts('d.created_at::timestamptz')} as created_at,
      case when d.status in ('won', 'lost') then ${ts('d.closed_at::timestamptz')} end as closed_at,
      d.status, coalesce(d.amount, '0') as amount, coalesce(d.deal_type, 'new') as deal_type,
      case when d.status = 'lost' then d.lost_reason end as lost_reason,
      coalesce(d.owner_team, a.owner_team) as owner_team
    from deal_base as d join accounts_final as a using (account_id) order by opportunity_id`,
  );
  // A touch's lead through one join of the million touches (person_ref and lead_accounts hold one row per key).
  await run(
    `create or replace view person_lead as select r.ref, l.lead_id from person_ref as r join lead_accounts as l using (email)`,
  );
  await copy(
    'touchpoints',
    `select t.touch_key as touchpoint_id, l.lead_id, ${tsText('t.occurred_at')} as occurred_at, t.channel, t.campaign_key as campaign_id, t.touch_type
    from s_touches as t join person_lead as l on l.ref = t.person_key order by touchpoint_id`,
  );
  await copy(
    'campaigns',
    `select campaign_key as campaign_id, campaign_name, channel, ${ts('started_at::timestamptz')} as started_at, ${ts('ended_at::timestamptz')} as ended_at, buyer_journey_step from s_campaigns order by campaign_id`,
  );
  await copy(
    'channel_costs',
    `select month::date as month, channel, campaign_key as campaign_id, sum(cost::bigint) as cost from s_costs group by all order by all`,
  );
  await copy('team_costs', TEAM_COSTS_TABLE_SQL);
  // Contact roles of the deals written above, for contacts that became leads of the deal's account.
  await copy(
    'opportunity_contact_roles',
    `select r.deal_key as opportunity_id, first(l.lead_id order by l.lead_id) as lead_id, first(r.role order by r.role) as role,
      bool_or(coalesce(r.is_primary, 'false') = 'true')::varchar as is_primary
    from s_deal_contact_roles as r join person_ref as p on p.ref = r.person_key join lead_accounts as l using (email)
    join deal_base as d on d.deal_key = r.deal_key and d.account_id = l.account_id
    group by r.deal_key, l.lead_id order by all`,
  );
  await copy(
    'targets',
    `select fiscal_month::date as fiscal_month, metric, sum(target::double) as target from s_targets group by all order by all`,
  );
  await copy(
    'stages',
    `select * from read_csv(${sqlString(path.join(o.defaultsDir, 'stages.csv'))}, header = true, all_varchar = true)`,
  );
  // channels.csv (where the bundled seeds have one) with the mapping's new channels appended; its other
  // columns (sort_order …) are kept as they are.
  const channelsCsv = path.join(o.defaultsDir, 'channels.csv');
  if (existsSync(channelsCsv)) {
    const added = o.newChannels.map(
      (c) =>
        `select ${sqlString(c.channel)} as channel, ${sqlString(c.label_ja)} as label_ja, ${sqlString(c.label_en)} as label_en, ${c.is_paid ? "'true'" : "'false'"} as is_paid`,
    );
    await copy(
      'channels',
      [`select * from read_csv(${sqlString(channelsCsv)}, header = true, all_varchar = true)`, ...added].join(
        ' union all by name ',
      ),
    );
  }
  for (const extra of ['touch_types.csv']) {
    const file = path.join(o.defaultsDir, extra);
    if (existsSync(file))
      await copy(extra.replace('.csv', ''), `select * from read_csv(${sqlString(file)}, header = true, all_varchar = true)`);
  }
  await copy(
    'settings',
    `select key, case when lower(key) = 'as_of' then ${sqlString(o.asOf)} when lower(key) in ('timezone', 'time_zone') then ${sqlString(o.timeZone)} else value end as value
    from read_csv(${sqlString(path.join(o.defaultsDir, 'settings.csv'))}, header = true, all_varchar = true)`,
  );
  await run(
    `copy (select * from q order by file, line) to ${sqlString(path.join(o.outDir, 'quarantine-merge.csv'))} (header, delimiter ',', quote '"')`,
  );
  await run(
    `copy (select * from merges order by kind, id) to ${sqlString(path.join(o.outDir, 'merges.csv'))} (header, delimiter ',', quote '"')`,
  );
}

/** Counts for the import's report. */
async function summarise(conn: DuckDBConnection): Promise<MergeResult> {
  const reasons: Record<string, number> = {};
  for (const [reason, n] of (
    await conn.runAndReadAll(`select regexp_replace(reason, '\\s*[:(].*$', ''), count(*) from q group by 1`)
  ).getRows()) {
    reasons[String(reason)] = Number(n);
  }
  const tables: Record<string, number> = {};
  for (const [name, table] of [
    ['leads', 'leads_out'],
    ['accounts', 'accounts_final'],
    ['stage_transitions', 'transitions_out'],
    ['opportunities', 'deal_base'],
    ['touchpoints', 's_touches'],
    ['campaigns', 's_campaigns'],
  ]) {
    tables[name!] = await count(conn, `select count(*) from ${table}`);
  }
  return {
    quarantined: await count(conn, 'select count(*) from q'),
    reasons,
    merges: await count(conn, 'select count(*) from merges'),
    tables,
  };
}

export async function mergeImport(o: MergeOptions): Promise<MergeResult> {
  const { conn } = o;
  const run = (sql: string) => conn.run(sql);
  await run(`set TimeZone = 'UTC'`);
  await run(
    `create or replace table q (source varchar, file varchar, line bigint, "column" varchar, value varchar, reason varchar, suggestion varchar)`,
  );
  const counted: Count = (sql) => count(conn, sql);
  await mergeEntities(run, counted, o);
  await quarantineOrphans(run, counted);
  await stageAtCreation(run, o);
  await quarantineOutOfOrder(run, counted);
  await convertCurrencies(run, counted, o);
  await writeStore(run, o);
  await identifyAccounts(run);
  await identifyLeads(run);
  await attachDeals(run);
  await canonicalAccounts(run, o);
  await buildTransitions(run, o);
  await finishLeadsAndAccounts(run);
  // The tables are sorted (byte-identical whatever order rows were read in) and DuckDB's parallel sort costs more CPU
  // than its sort on one thread for about the same time: writing 10 M touchpoints took 8.9-9.6 CPU-s on 2 threads
  // (4.2-5.0 s) against 5.7-6.3 on one (6.0-6.3 s).
  const [threads] = (await conn.runAndReadAll(`select current_setting('threads')`)).getRows()[0]!;
  await run(`set threads = 1`);
  try {
    await writeTables(run, o);
  } finally {
    await run(`set threads = ${Number(threads)}`);
  }
  return summarise(conn);
}
