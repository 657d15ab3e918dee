/*
 * The marts' time macros (server/warehouse/sql-macros.ts), rendered by the
 * model runner and run on DuckDB: a UTC time's local month, day and date in
 * the settings' zone (or a zone given), and back; arity and unknown names are
 * errors naming the file and line. And the rule they exist for: no mart
 * writes the UTC→local conversion by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseTests } from '../../server/warehouse/data-tests';
import { renderSql, stripSql, type Model } from '../../server/warehouse/run-models';
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

  it('leaves no hand-written UTC→local conversion in any mart', () => {
    const dir = path.join(REPO_MODELS, 'marts');
    const handWritten = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .flatMap((f) =>
        stripSql(readFileSync(path.join(dir, f), 'utf8'))
          .split('\n')
          .map((line, i) => ({ at: `${f}:${i + 1}`, line }))
          .filter(({ line }) => /timezone\(\s*[a-z_.]*time_zone/i.test(line)),
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
