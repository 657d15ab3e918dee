/*
 * PostgreSQL for the tests: REVCYCLE_TEST_POSTGRES_URL names a server the
 * tests may create databases on (`.ci/postgres start` prints one; CI sets
 * it). Without it the PostgreSQL tests are skipped, and say why.
 */
import pg from 'pg';

export const POSTGRES_URL = process.env.REVCYCLE_TEST_POSTGRES_URL ?? '';
export const POSTGRES_SKIP_REASON =
  'REVCYCLE_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (CI sets it; locally: export REVCYCLE_TEST_POSTGRES_URL=$(.ci/postgres start))';

if (!POSTGRES_URL) console.warn(POSTGRES_SKIP_REASON);

/** Creates a fresh database on the test server; returns its URL and a function dropping it. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Cube sends numbers as strings; PostgreSQL numerics carry trailing zeros. Both compared as numbers. */
export function sameFigure(a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return a === b || (a == null && b == null);
  const x = Number(a);
  const y = Number(b);
  if (typeof a === 'string' && typeof b === 'string' && (Number.isNaN(x) || Number.isNaN(y))) return a === b;
  if (Number.isInteger(x) && Number.isInteger(y)) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}
