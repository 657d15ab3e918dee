/*
 * DuckDB shared by several processes (docs/deploy.md): the read-only Cube
 * driver (server/cube/driver.ts, used when Cube Store holds the
 * pre-aggregations) answers queries on a warehouse file, refuses writes, and
 * two of them read the same file at once. Runs without PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnlyDuckDBDriver } from '../../server/cube/driver';

type Driver = {
  query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
  readOnly(): boolean;
  release(): Promise<void>;
};
let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-ro-'));
  file = path.join(dir, 'w.duckdb');
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run('create table t as select * from range(5) as r(x)');
  conn.closeSync();
  instance.closeSync();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('read-only DuckDB driver', () => {
  it('reads, refuses writes, and two share one file', async () => {
    const a = readOnlyDuckDBDriver({ databasePath: file }) as Driver;
    const b = readOnlyDuckDBDriver({ databasePath: file }) as Driver;
    try {
      expect(a.readOnly()).toBe(true);
      expect(Number((await a.query('select sum(x) as s from t', []))[0]!.s)).toBe(10);
      expect(Number((await b.query('select count(*) as n from t', []))[0]!.n)).toBe(5);
      await expect(a.query('create table u (x integer)', [])).rejects.toThrow(/read-only/i);
    } finally {
      await a.release();
      await b.release();
    }
  });
});
