/*
 * Shared setup of the schedule tests: the semantic fixture's warehouse
 * (test/fixtures/seeds-semantic, built once per run with the real build),
 * a state directory and a schedules file of their own, and a schedule rule
 * that falls due once, at an exact second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyOfWarehouse } from '../support/build-cache';
import { withSavedTranspilation } from '../support/compile-cache';
import { startTestServer } from '../support/server';
import type { SmtpReceiver, TlsFiles } from './receivers';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SEEDS = path.join(ROOT, 'test/fixtures/seeds-semantic');

export function scratch(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    stateDir: path.join(dir, 'state'),
    schedulesFile: path.join(dir, 'schedules.csv'),
    warehouse: path.join(dir, 'warehouse.duckdb'),
  };
}

export type Scratch = ReturnType<typeof scratch>;

/**
 * The real server over a schedule test's scratch warehouse and state directory, with the schedules and channels
 * the test put into process.env; its state directory starts with the tests' saved transpilation of the model
 * (test/support/compile-cache.ts).
 */
export function startScheduleServer(box: Scratch, dashboardDist = '/nonexistent') {
  return startTestServer({
    warehousePath: box.warehouse,
    modelDir: path.join(ROOT, 'model'),
    dashboardDist,
    stateDir: withSavedTranspilation(box.stateDir),
  });
}

/** The settings that send mail through the test's SMTP receiver over TLS, as revcycle@example.co.jp. */
export const smtpEnv = (smtp: SmtpReceiver, tls: TlsFiles, password: string) => ({
  REVCYCLE_PUBLIC_URL: 'https://bi.example.co.jp',
  REVCYCLE_SMTP_HOST: 'localhost',
  REVCYCLE_SMTP_PORT: String(smtp.port),
  REVCYCLE_SMTP_USER: 'revcycle',
  REVCYCLE_SMTP_PASSWORD: password,
  REVCYCLE_SMTP_FROM: 'revcycle@example.co.jp',
  REVCYCLE_SMTP_TLS_CA: tls.certFile,
});

/** Each team's channel settings: `channel(team)`'s keys as REVCYCLE_CHANNEL_<TEAM>_<KEY>. */
export const teamChannelEnv = (teams: readonly string[], channel: (team: string) => Record<string, string>) =>
  Object.fromEntries(
    teams.flatMap((team) => Object.entries(channel(team)).map(([k, v]) => [`REVCYCLE_CHANNEL_${team.toUpperCase()}_${k}`, v])),
  );

/** The semantic fixture's warehouse with its rollups, built once per test run and copied (test/support/build-cache.ts). */
export async function buildFixtureWarehouse(warehousePath: string) {
  return copyOfWarehouse(SEEDS, warehousePath, { rollups: true });
}

/** A cron rule (seconds first, read in UTC) due once: at `at`, to the second. */
export function ruleAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

export const inSeconds = (s: number) => new Date(Math.ceil(Date.now() / 1000) * 1000 + s * 1000);

/** A cron rule due once, `s` seconds from now (to the second). */
export const dueIn = (s: number) => ruleAt(inSeconds(s));

export type Row = { id: string; rule: string; zone?: string; kind: string; target: string; language?: string; audience?: string };

export function writeSchedules(file: string, rows: Row[]) {
  const cols = ['id', 'rule', 'zone', 'kind', 'target', 'language', 'audience'] as const;
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync(file, [cols.join(','), ...rows.map((r) => cols.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n');
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
