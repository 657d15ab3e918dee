/*
 * Rollups kept across an incremental build (server/cube/rollup-inputs.ts,
 * server/warehouse/incremental.ts keepRollups): the server warms the day
 * before's warehouse; an import is applied incrementally to a copy of it;
 * the build keeps exactly the rollups whose tables it left alone, the server
 * on the new file reuses those and builds the others, and every rollup table
 * and every typical dashboard query answer equals those of a server on a
 * full build of the same seeds. Two imports: a day's (bench/day-changes.ts),
 * which changes leads and deals, so every rollup of this model (each reads a
 * mart derived from them) is dropped and built again with the day's figures;
 * and a plan change (new revenue targets), which leaves the lead and deal
 * marts alone, so their rollups are reused.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { readModelFiles } from '../../server/cube/model-files';
import { modelInputs, rollupOfTable } from '../../server/cube/rollup-inputs';
import type { BuildSummary } from '../../server/warehouse/index';
import { tempDir } from '../support/browser';
import { QUERIES, daySeeds, rowsOf, servedFullBuild, servedIncrementalBuild, type Served } from '../support/incremental-fixture';

/**
 * The rollup tables of two warehouse files, each keyed `<cube>_<rollup> <structure version>`, and those of the same key
 * whose rows differ: counted in DuckDB, EXCEPT ALL both ways, with every floating-point or decimal column at 9
 * significant digits (doubles summed in no fixed order, see compare-warehouses.ts) and the others as stored. The
 * rows stay in DuckDB: read into JavaScript and compared there, the ~280 k rows of a 2,000-lead file's rollups took
 * ~7.5 CPU s a file.
 */
async function rollupDifferences(first: string, second: string) {
  const inputs = modelInputs(readModelFiles(path.join(projectRoot, 'model')));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
  try {
    await conn.run(`attach '${first}' as a (read_only); attach '${second}' as b (read_only)`);
    await conn.run(
      `create macro sig9(x) as case when x is null or x = 0 or isnan(x) or isinf(x) then x ` +
        `else round(x, 8 - floor(log10(abs(x)))::integer) end`,
    );
    /** Each rollup table of `db` by its key: its qualified name and its columns' select list. */
    const tables = async (db: string) => {
      const columns = await rows(
        `select table_schema as s, table_name as t, string_agg(case when data_type in ('DOUBLE', 'FLOAT') or data_type like 'DECIMAL%' ` +
          `then format('sig9("{}"::double) as "{}"', column_name, column_name) else format('"{}"', column_name) end, ', ' order by ordinal_position) as list ` +
          `from information_schema.columns where table_catalog = '${db}' and table_schema like '%pre_aggregations' group by all`,
      );
      return new Map(
        columns.map((c) => [
          `${rollupOfTable(String(c.t), inputs)} ${String(c.t).split('_').at(-2)}`,
          { from: `${db}."${String(c.s)}"."${String(c.t)}"`, list: String(c.list) },
        ]),
      );
    };
    const [ours, theirs] = [await tables('a'), await tables('b')];
    const differences: { table: string; onlyFirst: number; onlySecond: number }[] = [];
    const count = async (sql: string) => Number((await rows(`select count(*) as n from (${sql})`))[0]!.n);
    for (const [key, one] of ours) {
      const other = theirs.get(key);
      if (!other) continue;
      const [x, y] = [`select ${one.list} from ${one.from}`, `select ${other.list} from ${other.from}`];
      const onlyFirst = one.list === other.list ? await count(`${x} except all ${y}`) : -1;
      const onlySecond = one.list === other.list ? await count(`${y} except all ${x}`) : -1;
      if (onlyFirst || onlySecond) differences.push({ table: one.from, onlyFirst, onlySecond });
    }
    return { keys: [[...ours.keys()].sort(), [...theirs.keys()].sort()], differences };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** How many columns of each type the rollup tables of a warehouse file have. */
async function rollupColumnTypes(file: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const rows = (
      await conn.runAndReadAll(
        `select data_type, count(*)::integer as n from information_schema.columns where table_schema like '%pre_aggregations' group by all`,
      )
    ).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.data_type), Number(r.n)]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/**
 * Each table of a warehouse file outside the rollups: its column types, and its rows held as DuckDB stores them
 * (estimated_size, deleted rows included) against those it has (count).
 */
async function tableFacts(file: string): Promise<Map<string, { types: string; stored: number; rows: number }>> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const rows = (
      await conn.runAndReadAll(
        `select schema_name || '.' || table_name as name, estimated_size as stored, ` +
          `(select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns c ` +
          `where c.table_schema = t.schema_name and c.table_name = t.table_name) as types ` +
          `from duckdb_tables() t where schema_name not like '%pre_aggregations' order by 1`,
      )
    ).getRowObjectsJS();
    const out = new Map<string, { types: string; stored: number; rows: number }>();
    for (const r of rows) {
      const [count] = (await conn.runAndReadAll(`select count(*) as n from ${String(r.name)}`)).getRowObjectsJS();
      out.set(String(r.name), { types: String(r.types), stored: Number(r.stored), rows: Number(count!.n) });
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The base seeds with the revenue targets of June 2025 doubled: a plan upload, no lead or deal changed. */
function writePlanChange(baseDir: string, outDir: string) {
  cpSync(baseDir, outDir, { recursive: true });
  const file = path.join(outDir, 'targets.csv');
  const lines = readFileSync(file, 'utf8').split('\n');
  let changed = 0;
  const out = lines.map((line) => {
    const [month, metric, target] = line.split(',');
    if (!month?.startsWith('2025-06') || metric !== 'revenue') return line;
    changed++;
    return `${month},${metric},${Number(target) * 2}`;
  });
  expect(changed).toBeGreaterThan(0);
  writeFileSync(file, out.join('\n'));
}

interface Scenario {
  summary: BuildSummary;
  incremental: Served;
  full: Served;
}

describe('rollups across an incremental build', () => {
  let root: string;
  let base: Served;
  const scenarios: Record<'day' | 'plan', Scenario> = {} as never;
  const file = (name: string) => path.join(root, name);
  const inputs = modelInputs(readModelFiles(path.join(projectRoot, 'model')));

  beforeAll(async () => {
    root = tempDir('revcycle-incremental-rollups-');
    // the sample and its day (test/support/incremental-fixture.ts): shared by the run, only read
    const seeds = await daySeeds();
    writePlanChange(seeds.base, file('plan'));
    // the day before's warehouse as served: its rollups built into the file. This, the day's incremental build over
    // it and the day's full build, each served, are made once per run: test/warehouse/incremental-build.test.ts
    // reads them too
    base = await servedFullBuild(seeds.base, file('base.duckdb'));
    for (const [name, dir] of [
      ['day', seeds.day],
      ['plan', file('plan')],
    ] as const) {
      const incremental = await servedIncrementalBuild(seeds.base, dir, file(`${name}-incremental.duckdb`));
      const full = await servedFullBuild(dir, file(`${name}-full.duckdb`));
      scenarios[name] = { summary: incremental.summary, incremental, full };
    }
  }, 1_800_000);
  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it('the base server built every rollup into the file', () => {
    expect(base.warmup.error).toBeUndefined();
    // a partitioned rollup has a table per partition
    expect(base.warmup.built.length).toBeGreaterThanOrEqual(base.warmup.preAggregations.length);
  });

  for (const name of ['day', 'plan'] as const) {
    describe(name === 'day' ? "a day's import" : 'a plan change', () => {
      it('keeps exactly the rollups whose tables the build copied, and drops the others', () => {
        const { summary } = scenarios[name];
        const plan = summary.incremental!;
        const { kept, dropped } = plan.rollups;
        console.log(`${name}: rollups kept ${kept.length}, dropped ${dropped.length}: ${dropped.join(', ')}`);
        expect(kept.length + dropped.length).toBe(base.warmup.built.length);
        const copiedOnly = (table: string) =>
          inputs.rollups
            .get(rollupOfTable(table.split('.')[1]!, inputs)!)!
            .every((t) => plan.models[t.split('.')[1]!] === 'copied');
        for (const table of kept) expect(copiedOnly(table), table).toBe(true);
        for (const table of dropped) expect(copiedOnly(table), table).toBe(false);
        if (name === 'day') expect(plan.models.lead_stage_reach).toBe('incremental');
        else {
          expect(plan.changedLeads).toBe(0);
          expect(kept.length).toBeGreaterThan(dropped.length);
        }
        expect(dropped.length).toBeGreaterThan(0);
      });

      it('the warm-up on the new file reuses the kept rollups and builds only the others', () => {
        const { summary, incremental, full } = scenarios[name];
        const w = incremental.warmup;
        expect(w.error).toBeUndefined();
        const kept = summary.incremental!.rollups.kept.map((t) => t.split('.')[1]);
        expect(w.reused.map((t) => t.split('.').at(-1)).sort()).toEqual([...kept].sort());
        expect(w.built.length).toBe(summary.incremental!.rollups.dropped.length);
        expect(w.built.length + w.reused.length).toBe(full.warmup.built.length);
        expect(full.warmup.reused).toEqual([]);
      });

      it("every rollup table holds the rows of the full build's, and every typical query answers the same", async () => {
        const { keys, differences } = await rollupDifferences(file(`${name}-incremental.duckdb`), file(`${name}-full.duckdb`));
        expect(keys[0]).toEqual(keys[1]);
        expect(keys[0]!.length).toBe(scenarios[name].full.warmup.built.length);
        expect(differences).toEqual([]);
        for (const query of Object.keys(QUERIES))
          expect(rowsOf(scenarios[name].incremental.answers[query]!), query).toEqual(
            rowsOf(scenarios[name].full.answers[query]!),
          );
      }, 600_000);

      it('stores no rollup column as HUGEINT: sums of integers are BIGINT (driver.ts), in both files', async () => {
        for (const which of ['incremental', 'full']) {
          const types = await rollupColumnTypes(file(`${name}-${which}.duckdb`));
          expect(types.get('HUGEINT') ?? 0, which).toBe(0);
          expect(types.get('BIGINT') ?? 0, which).toBeGreaterThan(0);
        }
      });

      it('holds every table as the full build does: the same column types, and no deleted rows', async () => {
        // A table updated in place keeps its deleted rows' version info, which a DuckDB reader holds in memory it
        // cannot evict (incremental.ts rewriteTable writes each updated table anew): the server's warm-up at 1 M leads ran out of memory.
        const ours = await tableFacts(file(`${name}-incremental.duckdb`));
        const theirs = await tableFacts(file(`${name}-full.duckdb`));
        expect([...ours.keys()]).toEqual([...theirs.keys()]);
        for (const [table, facts] of ours) {
          expect(facts.types, table).toBe(theirs.get(table)!.types);
          expect(facts.stored, `${table}: rows stored (deleted ones included)`).toBe(facts.rows);
        }
        // ... and the day's import did update marts in place (lead_stage_reach by lead), so the check above saw them
        if (name === 'day') expect(scenarios[name].summary.incremental!.models.lead_stage_reach).toBe('incremental');
      });

      it("a changed mart's rollup is built again, with the new figures", () => {
        const { summary, incremental } = scenarios[name];
        const [rollup, query] =
          name === 'day' ? ['lead_stage_reach_by_stage_day', 'stage_reach_all_years'] : ['base_targets_by_metric_day', 'targets'];
        expect(summary.incremental!.rollups.dropped.some((t) => t.includes(`.${rollup}_`))).toBe(true);
        expect(incremental.warmup.built.some((t) => t.includes(`${rollup}_`))).toBe(true);
        // the import changed what the dashboard shows: the rollup did not answer with the day before's figures
        expect(rowsOf(incremental.answers[query]!)).not.toEqual(rowsOf(base.answers[query]!));
      });
    });
  }
});
