/*
 * The cubes and views must stay portable (docs/deploy.md): no SQL in them
 * that only DuckDB understands. Every `sql` string of model/cubes and
 * model/views is checked against the PostgreSQL dialect layer: the rewrite
 * table must leave it unchanged, and it must call none of the functions the
 * prelude supplies (those exist only inside the warehouse build). Runs
 * without PostgreSQL; the parity test (parity.test.ts) then runs every
 * view's typical query on PostgreSQL itself. The pre-aggregations' table
 * names must fit PostgreSQL's 63 characters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { maskSql, preludeFunctionNames, toPostgres } from '../../server/warehouse/dialect-postgres';
import { MODEL_DIR } from '../semantic/semantic-server';

/** Every string under a `sql` key, with where it was found. */
function sqlStrings(node: unknown, at: string, out: { at: string; sql: string }[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => sqlStrings(n, `${at}[${(n as { name?: string })?.name ?? i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'sql' || k === 'sql_table') && typeof v === 'string') out.push({ at: `${at}.${k}`, sql: v });
      else sqlStrings(v, `${at}.${k}`, out);
    }
  }
}

const found: { at: string; sql: string }[] = [];
for (const sub of ['cubes', 'views']) {
  for (const file of readdirSync(path.join(MODEL_DIR, sub)).filter((f) => /\.ya?ml$/.test(f))) {
    sqlStrings(YAML.parse(readFileSync(path.join(MODEL_DIR, sub, file), 'utf8')), `${sub}/${file}`, found);
  }
}
// Cube's own templating, not SQL: {CUBE}, {other_cube.member}.
const plain = (sql: string) => sql.replace(/\{[^}]*\}/g, 'x');

describe('model/cubes and model/views hold no DuckDB-only SQL', () => {
  it('finds the SQL of the model (the files are read)', () => {
    expect(found.length).toBeGreaterThan(100);
  });

  it('the PostgreSQL rewrite table leaves every sql unchanged', () => {
    const changed = found.filter((f) => toPostgres(plain(f.sql)) !== plain(f.sql));
    expect(changed.map((f) => `${f.at}: ${f.sql} → ${toPostgres(plain(f.sql))}`)).toEqual([]);
  });

  it('no sql calls a function only the DuckDB prelude supplies', () => {
    const names = preludeFunctionNames();
    expect(names).toContain('date_diff');
    const calls = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'i');
    expect(found.filter((f) => calls.test(maskSql(plain(f.sql)))).map((f) => `${f.at}: ${f.sql}`)).toEqual([]);
  });

  it('would catch a DuckDB-only cube (the check can fail)', () => {
    const duckOnly = ["date_diff('day', {CUBE}.created_at, {CUBE}.closed_at)", '{CUBE}.amount // 1000', 'list({CUBE}.stage)'];
    const names = preludeFunctionNames();
    const calls = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'i');
    for (const sql of duckOnly) expect(toPostgres(plain(sql)) !== plain(sql) || calls.test(plain(sql))).toBe(true);
  });
});

/*
 * Cube names a rollup's table <cube>_<rollup>_<content version>_<structure
 * version>_<built at>, 26 characters after the name, and PostgreSQL cuts an
 * identifier at 63: a longer name is created cut and then never found ("Pre-
 * aggregation table is not found … after it was successfully created").
 */
describe('pre-aggregation table names fit PostgreSQL', () => {
  const VERSION_SUFFIX = 26;
  const names = readdirSync(path.join(MODEL_DIR, 'cubes'))
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) => {
      const doc = YAML.parse(readFileSync(path.join(MODEL_DIR, 'cubes', file), 'utf8')) as {
        cubes?: { name: string; sql_alias?: string; pre_aggregations?: { name: string }[] }[];
      };
      return (doc.cubes ?? []).flatMap((c) => (c.pre_aggregations ?? []).map((p) => `${c.sql_alias ?? c.name}_${p.name}`));
    });

  it('every cube_rollup name leaves room for the version suffix within 63 characters', () => {
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => n.length + VERSION_SUFFIX > 63)).toEqual([]);
  });
});
