import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import {
  discoverModels,
  findReferences,
  ModelError,
  orderModels,
  runModels,
  type ModelSchema,
} from '../../server/warehouse/index.js';
import { ATTRIBUTION_MODELS, MAX_LIFETIME_YEARS } from '../../server/contract/index.js';
import { REPO_MODELS, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const known = new Map<string, ModelSchema>([
  ['stg_leads', 'staging'],
  ['stg_accounts', 'staging'],
  ['leads', 'marts'],
  ['settings', 'marts'],
]);

async function modelsDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

async function withDb<T>(fn: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run('create schema raw');
    await conn.run(`create table raw.leads as select 'L1' as lead_id, 'A1' as account_id`);
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('findReferences', () => {
  it('finds bare and schema-qualified model names', () => {
    expect(findReferences('select * from stg_leads join staging.stg_accounts using (account_id)', known, 'x')).toEqual([
      'stg_accounts',
      'stg_leads',
    ]);
  });

  it('ignores raw tables, comments, strings, qualifiers and CTE names, but sees a model inside a same-named CTE', () => {
    const sql = `
      -- from stg_accounts
      /* join leads */
      with settings as (select * from settings),
      leads as (select * from raw.leads where note <> 'stg_accounts')
      select leads.lead_id, settings.as_of_at from leads cross join settings`;
    expect(findReferences(sql, known, 'x')).toEqual(['settings']);
  });

  it('does not count a model as its own dependency', () => {
    expect(findReferences('select * from leads', known, 'leads')).toEqual([]);
  });
});

describe('orderModels', () => {
  it('orders the repository models so that every model follows what it reads', async () => {
    const order = await orderModels(await discoverModels(REPO_MODELS));
    const position = new Map(order.map((m, i) => [m.name, i]));
    for (const model of order) {
      for (const dep of model.dependsOn) expect(position.get(dep)!).toBeLessThan(position.get(model.name)!);
    }
    expect(order.find((m) => m.name === 'fiscal_calendar')!.dependsOn).toEqual(
      expect.arrayContaining(['settings', 'stg_leads', 'stg_touchpoints', 'stg_targets']),
    );
  });

  it('refuses a cycle, naming it', async () => {
    const dir = await modelsDir({
      'marts/a.sql': 'select * from b',
      'marts/b.sql': 'select * from c',
      'marts/c.sql': 'select * from a',
    });
    await expect(orderModels(await discoverModels(dir))).rejects.toThrow('cycle: a → b → c → a');
  });

  it('refuses a name used in both schemas', async () => {
    const dir = await modelsDir({ 'staging/x.sql': 'select 1', 'marts/x.sql': 'select 2' });
    await expect(discoverModels(dir)).rejects.toThrow(/defined twice/);
  });
});

describe('runModels', () => {
  it('builds SQL and TypeScript models in dependency order, resolving bare names through the search path', async () => {
    const dir = await modelsDir({
      'staging/stg_leads.sql': 'select lead_id, account_id from raw.leads',
      'marts/leads.sql':
        'with stg_leads as (select * from stg_leads) select lead_id, upper(account_id) as account from stg_leads',
      // rows computed in TypeScript from a query; the runner writes the table from `columns`
      'marts/lead_scores.ts': `
        export const dependsOn = ['leads'];
        export const columns = { lead_id: 'varchar', score: 'double', scored_on: 'timestamp', note: 'varchar' };
        export async function model(ctx) {
          const leads = await ctx.query('select lead_id from leads');
          return leads.map((l) => ({ lead_id: l.lead_id, score: 0.5, scored_on: '2026-04-01' }));
        }`,
      // a TypeScript model may return one select statement instead of rows
      'marts/report.ts': `
        export const dependsOn = ['leads', 'lead_scores'];
        export const columns = {};
        export async function model() {
          return 'select leads.lead_id, scores.score from leads join lead_scores as scores using (lead_id);';
        }`,
    });
    const log: string[] = [];
    const { built } = await withDb(async (conn) => {
      const result = await runModels(conn, dir, (m) => log.push(m));
      expect((await conn.runAndReadAll('select * from marts.report')).getRowObjectsJson()).toEqual([
        { lead_id: 'L1', score: 0.5 },
      ]);
      expect(
        (
          await conn.runAndReadAll(
            "select typeof(scored_on) as t, strftime(scored_on, '%Y-%m-%d %H:%M') as d, note from marts.lead_scores",
          )
        ).getRowObjectsJson(),
      ).toEqual([{ t: 'TIMESTAMP', d: '2026-04-01 00:00', note: null }]);
      // `leads` is the mart, not raw.leads, because marts come first on the search path
      expect((await conn.runAndReadAll('select * from leads')).getRowObjectsJson()).toEqual([{ lead_id: 'L1', account: 'A1' }]);
      return result;
    });
    expect(built.map((m) => `${m.schema}.${m.name}`)).toEqual([
      'staging.stg_leads',
      'marts.leads',
      'marts.lead_scores',
      'marts.report',
    ]);
    expect(log[0]).toMatch(/^ {2}staging\.stg_leads: 1 row \(\d+ ms\)$/);
  });

  it('names the model whose SQL fails', async () => {
    const dir = await modelsDir({ 'marts/broken.sql': 'select no_such_column from raw.leads' });
    const error = await withDb((conn) => runModels(conn, dir).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/^Model marts\/broken\.sql failed: .*no_such_column/s);
  });

  it('refuses a TypeScript model without the model contract, naming what is missing', async () => {
    const old = await modelsDir({
      'marts/old.ts': `export const dependsOn: string[] = []; export async function build() {}`,
    });
    await expect(withDb((conn) => runModels(conn, old))).rejects.toThrow(
      /marts\/old\.ts must export "async function model\(ctx\)"/,
    );
    const typo = await modelsDir({
      'marts/typo.ts': `export const dependsOn = []; export const columns = { a: 'text' }; export async function model() { return []; }`,
    });
    await expect(withDb((conn) => runModels(conn, typo))).rejects.toThrow(/marts\/typo\.ts must export "columns"/);
  });

  it('substitutes the SQL variables and names the line of an unknown one', async () => {
    const dir = await modelsDir({
      'marts/models.sql': 'select unnest({{ attribution_models }}) as model, {{max_lifetime_years}} as cap',
    });
    const rows = await withDb(async (conn) => {
      await runModels(conn, dir);
      return (await conn.runAndReadAll('select * from marts.models')).getRowObjectsJson();
    });
    expect(rows.map((r) => r.model)).toEqual([...ATTRIBUTION_MODELS]);
    expect(rows[0]!.cap).toBe(MAX_LIFETIME_YEARS);
    const bad = await modelsDir({ 'marts/bad.sql': 'select 1 as a,\n  {{ no_such }} as b' });
    await expect(discoverModels(bad)).rejects.toThrow('marts/bad.sql:2: unknown variable {{ no_such }}');
  });

  it("builds a model that says {{ config(materialized='view') }} as a view, read on any search path", async () => {
    const dir = await modelsDir({
      'staging/stg_leads.sql': 'select * from raw.leads',
      'marts/lead_ids.sql': "{{ config(materialized='view') }}\nselect lead_id from staging.stg_leads",
    });
    const { rows, type, built } = await withDb(async (conn) => {
      const { built } = await runModels(conn, dir);
      await conn.run("insert into staging.stg_leads values ('L2', 'A2')"); // a view reads its source when read
      await conn.run("set search_path = 'main'");
      const rows = (await conn.runAndReadAll('select lead_id from marts.lead_ids order by 1')).getRowObjectsJson();
      const type = (
        await conn.runAndReadAll("select table_type from information_schema.tables where table_name = 'lead_ids'")
      ).getRowObjectsJson();
      return { rows, type, built };
    });
    expect(rows.map((r) => r.lead_id)).toEqual(['L1', 'L2']);
    expect(type).toEqual([{ table_type: 'VIEW' }]);
    expect(built.find((m) => m.name === 'lead_ids')!.rows).toBeNull();
  });

  it('refuses a view naming a model without its schema, and an unknown materialization', async () => {
    const dir = await modelsDir({
      'staging/stg_leads.sql': 'select * from raw.leads',
      'marts/lead_ids.sql': "{{ config(materialized='view') }}\nselect lead_id from stg_leads",
    });
    await expect(withDb((conn) => runModels(conn, dir))).rejects.toThrow(
      /marts\/lead_ids\.sql is a view, so it must name the models it reads schema-qualified .*stg_leads/,
    );
    const odd = await modelsDir({ 'marts/odd.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as a" });
    await expect(discoverModels(odd)).rejects.toThrow("marts/odd.sql: materialized must be 'table' or 'view', not 'ephemeral'");
  });

  it('refuses a TypeScript model depending on an unknown model', async () => {
    const dir = await modelsDir({
      'marts/orphan.ts': `export const dependsOn = ['nothing_here']; export const columns = {}; export async function model() { return []; }`,
    });
    await expect(withDb((conn) => runModels(conn, dir))).rejects.toThrow(/unknown model "nothing_here"/);
  });
});
