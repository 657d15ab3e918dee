/*
 * The marts' time macros (server/warehouse/sql-macros.ts), rendered by the
 * model runner and run on DuckDB: a UTC time's local month, day and date in
 * the settings' zone (or a zone given), and back; the days between two
 * times; arity and unknown names are errors naming the file and line. And
 * the rule they exist for: no mart writes the UTC→local conversion or the
 * day count by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseTests } from '../../server/warehouse/data-tests';
import { renderSql, stripSql, type Model } from '../../server/warehouse/run-models';
import { SEED_TABLES } from '../../server/warehouse/seed-schema';
import { REPO_MODELS } from './helpers.js';

async function one(sql: string): Promise<Record<string, unknown>> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run("set TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql)).getRowObjectsJS()[0]!;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('time macros', () => {
  it("cut a UTC time into the settings' zone, and a local time back to UTC", async () => {
    // 2025-01-01 03:00 UTC is still 2024-12-31 22:00 in New York, and 12:00 on 2025-01-01 in Tokyo.
    const sql = renderSql(
      `with settings as (select 'America/New_York' as time_zone), t as (select timestamp '2025-01-01 03:00:00' as at)
       select
         strftime({{ local_time(t.at) }}, '%Y-%m-%d %H:%M') as local_time,
         strftime({{ local_month(t.at) }}, '%Y-%m-%d') as local_month,
         strftime({{ local_day(t.at) }}, '%Y-%m-%d') as local_day,
         cast({{ local_date(t.at) }} as varchar) as local_date,
         strftime({{ local_month(t.at, 'Asia/Tokyo') }}, '%Y-%m-%d') as tokyo_month,
         strftime({{ utc_time({{ local_month(t.at) }} + interval 1 month) }}, '%Y-%m-%d %H:%M') as month_end_utc,
         {{ fiscal_year({{ local_date(t.at) }}, 4) }} as fiscal_year
       from settings, t`,
      'test.sql',
    );
    expect(await one(sql)).toEqual({
      local_time: '2024-12-31 22:00',
      local_month: '2024-12-01',
      local_day: '2024-12-31',
      local_date: '2024-12-31',
      tokyo_month: '2025-01-01',
      month_end_utc: '2025-01-01 05:00',
      fiscal_year: 2024n,
    });
  });

  it('refuses an unknown macro and a wrong number of arguments, naming file and line', () => {
    expect(() => renderSql('select\n{{ local_week(x) }}', 'marts/x.sql')).toThrow(
      /marts\/x\.sql:2: unknown macro \{\{ local_week/,
    );
    expect(() => renderSql('select {{ local_month(a, b, c) }}', 'marts/x.sql')).toThrow(/takes 1 or 2 argument/);
    expect(() => renderSql('select {{ fiscal_year(a) }}', 'marts/x.sql')).toThrow(/takes 2 argument/);
  });

  it('counts the days between two UTC times to the second, NULL when one is missing', async () => {
    const sql = renderSql(
      `select {{ days_between(timestamp '2025-01-01 03:00:00', timestamp '2025-01-02 15:00:01') }} as days,
         {{ days_between(timestamp '2025-01-02 03:00:00', timestamp '2025-01-01 03:00:00') }} as backwards,
         {{ days_between(timestamp '2025-01-01 03:00:00', null) }} as missing`,
      'test.sql',
    );
    expect(await one(sql)).toEqual({ days: 129601 / 86400, backwards: -1, missing: null });
  });

  it('leaves no hand-written UTC→local conversion or day count in any mart', () => {
    const dir = path.join(REPO_MODELS, 'marts');
    const handWritten = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .flatMap((f) =>
        stripSql(readFileSync(path.join(dir, f), 'utf8'))
          .split('\n')
          .map((line, i) => ({ at: `${f}:${i + 1}`, line }))
          .filter(({ line }) => /timezone\(\s*[a-z_.]*time_zone|date_diff\(\s*'second'/i.test(line)),
      );
    expect(handWritten.map((h) => h.at)).toEqual([]);
  });

  it("lets a data test name a list of the contract's vocabulary, and refuses an unknown one", () => {
    const model = { name: 'plan_requirements', schema: 'marts' } as Model;
    const [test] = parseTests(model, "columns:\n  stage: [{accepted_values: '{{ funnel_stages }}'}]\n", 'x.yml');
    expect(test!.sql).toContain("not in ('lead', 'mql', 'sal', 'sql', 'opportunity', 'won')");
    expect(() => parseTests(model, "columns:\n  stage: [{accepted_values: '{{ stages_of_mars }}'}]\n", 'x.yml')).toThrow(
      /no list \{\{ stages_of_mars \}\}; known: funnel_stages/,
    );
  });
});

describe('staging_model', () => {
  it("cleans a canonical table by its contract columns: trimmed, empty is NULL, typed, codes lower-cased, a flag's empty false", async () => {
    const sql = renderSql(
      `with raw_channels as (select * from (values (' Web ', ' ウェブ ', '', 'TRUE'), ('seo', '', 'SEO', '  ')) as t(channel, label_ja, label_en, is_paid)),
            raw_changes as (select * from (values (' 2025-04-01 ', ' MQL ', 'x', '', 'Sales')) as t(date, stage, change_ja, change_en, agreed_by)),
            raw_accounts as (select * from (values ('a1', 'A', 'saas', '', 'kanto', '2025-01-01T09:00:00+09:00', '')) as t(account_id, account_name, industry, employee_band, region, created_at, churned_at)),
            channels as ({{ staging_model('channels') }}),
            changes as ({{ staging_model('stage_definition_changes') }}),
            accounts as ({{ staging_model('accounts') }})
       select
         (select list(struct_pack(channel, label_ja, label_en, is_paid) order by channel) from channels) as channels,
         (select struct_pack(changed_on, stage, change_en) from changes) as change,
         (select struct_pack(created_at, churned_at, employee_band) from accounts) as account`,
      'test.sql',
    );
    // renderSql expands the macro first: point its `raw.<table>` at the fixtures above.
    const local = sql.replace(/raw\.(channels|stage_definition_changes|accounts)\b/g, (_m, t: string) =>
      t === 'stage_definition_changes' ? 'raw_changes' : `raw_${t}`,
    );
    expect(await one(local)).toEqual({
      channels: [
        { channel: 'seo', label_ja: null, label_en: 'SEO', is_paid: false },
        { channel: 'web', label_ja: 'ウェブ', label_en: null, is_paid: true },
      ],
      change: { changed_on: new Date('2025-04-01T00:00:00Z'), stage: 'mql', change_en: null },
      account: { created_at: new Date('2025-01-01T00:00:00Z'), churned_at: null, employee_band: null },
    });
  });

  it('is the staging model of every canonical table, and names the file for an unknown table', () => {
    const dir = path.join(REPO_MODELS, 'staging');
    const staged = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => /\{\{ staging_model\('([a-z_]+)'\) \}\}/.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1] ?? f);
    expect(staged.sort()).toEqual(SEED_TABLES.map((t) => t.name).sort());
    expect(() => renderSql("-- x\n{{ staging_model('lead') }}", 'staging/stg_lead.sql')).toThrow(
      /staging\/stg_lead\.sql:2: Unknown seed table "lead"/,
    );
  });
});
