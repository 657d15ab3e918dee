/*
 * One schedule runner in a PostgreSQL cluster: the runner lock is a
 * session-level advisory lock, held by one process at a time and freed by
 * PostgreSQL when the holder's connection ends (a killed instance), so
 * another takes over. Needs REVCYCLE_TEST_POSTGRES_URL (test/support/postgres.ts).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgAdvisoryLock } from '../../server/deliver/runner-lock';
import { POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/postgres';

describe.skipIf(!POSTGRES_URL)(`runner lock on PostgreSQL${POSTGRES_URL ? '' : ` (${POSTGRES_SKIP_REASON})`}`, () => {
  it('is held by one runner, and taken over when the holder releases it or its connection dies', async () => {
    const a = pgAdvisoryLock(POSTGRES_URL);
    const b = pgAdvisoryLock(POSTGRES_URL);
    try {
      expect(await a.acquire()).toBe(true);
      expect(await b.acquire()).toBe(false);
      expect(await a.acquire()).toBe(true);
      await a.release();
      expect(await b.acquire()).toBe(true);
      expect(await a.acquire()).toBe(false);
      // The holder's backend is killed, as when its process dies: PostgreSQL frees the lock.
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        await admin.query(
          `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()`,
        );
      } finally {
        await admin.end();
      }
      await expect.poll(() => a.acquire(), { timeout: 10_000 }).toBe(true);
      expect(await b.acquire()).toBe(false);
    } finally {
      await a.release();
      await b.release();
    }
  });
});
