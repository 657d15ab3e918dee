/*
 * What GET /api/imports says about the data when it comes from seed files
 * rather than an import (the bundled sample, or REVCYCLE_SEEDS): the as-of
 * and time zone of their settings.csv and the rows of each table an import
 * manifest counts, so the Data page shows them as it does for an import.
 * Read from the files once per seed directory and modification time (the
 * server serves one seed set; a swap is a restart).
 *
 * Limits: counts CSV records (a header, quoted newlines allowed); a table
 * without a file counts 0; settings without as_of give an empty asOf.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { ImportsStatus } from '../contract/imports.js';
import { findSeedFile } from '../warehouse/load-seeds.js';

/** The tables an import manifest counts (server/import/merge.ts). */
const TABLES = ['leads', 'accounts', 'stage_transitions', 'opportunities', 'touchpoints', 'campaigns'] as const;

type Summary = NonNullable<ImportsStatus['latest']>;
const cache = new Map<string, { stamp: string; summary: Promise<Summary> }>();

async function countRecords(file: string): Promise<number> {
  const input = createReadStream(file);
  const parser = parse({ columns: true, relax_column_count: true, skip_empty_lines: true });
  (file.endsWith('.gz') ? input.pipe(createGunzip()) : input).pipe(parser);
  let n = 0;
  for await (const _record of parser) n++;
  return n;
}

async function read(seedsDir: string, source: string): Promise<Summary> {
  const settingsFile = findSeedFile(seedsDir, 'settings');
  const bytes = settingsFile ? readFileSync(settingsFile) : undefined;
  const settings = bytes
    ? (parseSync(settingsFile!.endsWith('.gz') ? gunzipSync(bytes) : bytes, {
        columns: true,
        skip_empty_lines: true,
        bom: true,
      }) as {
        key: string;
        value: string;
      }[])
    : [];
  const setting = (...keys: string[]) => settings.find((r) => keys.includes(r.key?.trim().toLowerCase()))?.value?.trim() ?? '';
  const tables: Record<string, number> = {};
  for (const table of TABLES) {
    const file = findSeedFile(seedsDir, table);
    tables[table] = file ? await countRecords(file) : 0;
  }
  return { id: source, asOf: setting('as_of'), timeZone: setting('timezone', 'time_zone'), tables };
}

/** The seed set's as-of, zone and table rows, in the shape of an import's `latest`; `source` names it (bundled, env). */
export function seedSummary(seedsDir: string, source: string): Promise<Summary> {
  const stamp = TABLES.map((t) => {
    const f = findSeedFile(seedsDir, t);
    return f ? `${f}:${statSync(f).mtimeMs}` : '';
  }).join('|');
  const hit = cache.get(seedsDir);
  if (hit && hit.stamp === stamp) return hit.summary;
  const summary = read(seedsDir, source);
  cache.set(seedsDir, { stamp, summary });
  summary.catch(() => cache.delete(seedsDir));
  return summary;
}
