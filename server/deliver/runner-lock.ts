/*
 * One schedule runner in a cluster. Every server process starts a runner;
 * only the holder of this lock runs due schedules, the others wait and take
 * over when the holder is gone.
 *
 * - PostgreSQL warehouse (REVCYCLE_WAREHOUSE_URL, the cluster of
 *   server/cluster/): a session-level pg_try_advisory_lock on one connection
 *   held for the process's life; PostgreSQL releases it when the process or
 *   its connection dies.
 * - Otherwise (one machine, a DuckDB file): a lease file in the state
 *   directory, created with O_EXCL and renewed on every tick; a lease not
 *   renewed within its term (a killed holder) is taken over. The delivery
 *   log shares that state directory, so processes on one machine share it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { processAlive } from '../process-alive.js';

export interface RunnerLock {
  /** Takes or renews the lock; true while this process holds it. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
  readonly kind: 'lease-file' | 'pg-advisory';
}

interface Lease {
  owner: string;
  pid: number;
  host: string;
  expiresAt: number;
}

export const LOCK_FILE = 'schedules.lock';

export function leaseFileLock(stateDir: string, leaseMs: number): RunnerLock {
  const file = path.join(stateDir, LOCK_FILE);
  const owner = randomUUID();
  const lease = (): Lease => ({ owner, pid: process.pid, host: os.hostname(), expiresAt: Date.now() + leaseMs });
  const read = (): Lease | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Lease;
    } catch {
      return undefined;
    }
  };
  const create = (): boolean => {
    try {
      writeFileSync(file, JSON.stringify(lease()), { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  };
  return {
    kind: 'lease-file',
    async acquire() {
      mkdirSync(stateDir, { recursive: true });
      if (create()) return true;
      const held = read();
      if (held?.owner === owner) {
        const tmp = `${file}.${owner}`;
        writeFileSync(tmp, JSON.stringify(lease()));
        renameSync(tmp, file);
        return true;
      }
      // A holder killed without releasing: its lease ran out, or its pid on this host is gone.
      const stale = !held || held.expiresAt < Date.now() || (held.host === os.hostname() && !processAlive(held.pid));
      if (!stale) return false;
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first
      }
      return create() && read()?.owner === owner;
    },
    async release() {
      if (read()?.owner === owner) unlinkSync(file);
    },
  };
}

/** A fixed key for pg_try_advisory_lock: the first 8 bytes of "revcycle-schedules" would do as well; keep it fixed. */
const PG_LOCK_KEY = 7_262_024_101;

export function pgAdvisoryLock(warehouseUrl: string): RunnerLock {
  let client: pg.Client | undefined;
  let held = false;
  return {
    kind: 'pg-advisory',
    async acquire() {
      // Asked again on every pass, so a connection lost without an error event is found out. Held by this session
      // already, the lock is granted again (its count grows; ending the session frees it whole).
      try {
        if (!client) {
          client = new pg.Client({ connectionString: warehouseUrl });
          client.on('error', () => {
            held = false;
            client = undefined;
          });
          await client.connect();
        }
        const res = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [PG_LOCK_KEY]);
        held = res.rows[0]?.locked === true;
      } catch {
        held = false;
        await client?.end().catch(() => {});
        client = undefined;
      }
      return held;
    },
    async release() {
      if (client) await client.end().catch(() => {});
      client = undefined;
      held = false;
    },
  };
}
