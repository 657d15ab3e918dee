/*
 * The Cube model as handed to Cube's compiler: the files under model/cubes
 * and model/views, with the fiscal granularities following the served
 * warehouse's `fiscal_year_start_month` setting.
 *
 * The cubes declare their `fiscal_year` and `fiscal_quarter` granularities
 * with the bundled default (April: `offset: 3 months`). Cube's Jinja
 * templating would read the setting in the model itself, but it is native-only
 * and missing here, so the setting is applied where Cube loads the files:
 * `repositoryFactory` rewrites the offset of every granularity with one of
 * those two names to (start month − 1) months (none for January, giving
 * calendar years), and `schemaVersion` carries the month, so that Cube
 * recompiles the model when a rebuilt warehouse changes it. Both are standard
 * Cube configuration options, so the same two functions serve a deployment of
 * Cube's official distribution (its cube.js configuration) unchanged.
 *
 * The month is read from marts.settings through Cube's own driver (the server
 * holds the DuckDB file; a second connection from this process is not
 * allowed), once per warehouse build (`warehouseIdentity`: the build a context reads, server/cube/driver.ts).
 * Without a readable warehouse the model is served as written. The same read gives the warehouse's time zone,
 * which the server serves (warehouse-time.ts): `onSettings` hears each build's pair.
 *
 * Limits: only YAML cube files are rewritten (a JS model would read the
 * month itself); the rewritten files are re-serialised YAML, so Cube's error
 * messages quote their line numbers, not the source's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Config } from '../config.js';

export interface ModelFile {
  fileName: string;
  content: string;
}

/** The Cube model files: YAML and JS under model/cubes and model/views. */
export function readModelFiles(modelDir: string): ModelFile[] {
  const files: ModelFile[] = [];
  for (const sub of ['cubes', 'views']) {
    const dir = path.join(modelDir, sub);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (!/\.(ya?ml|js)$/.test(name)) continue;
      files.push({ fileName: `${sub}/${name}`, content: readFileSync(path.join(dir, name), 'utf8') });
    }
  }
  return files;
}

/** The granularities that follow the fiscal year setting, by name. */
export const FISCAL_GRANULARITIES: readonly string[] = ['fiscal_year', 'fiscal_quarter'];

type Granularity = { name?: string; offset?: string; [key: string]: unknown };
type Dimension = { granularities?: Granularity[]; [key: string]: unknown };
type CubeDoc = { cubes?: { dimensions?: Dimension[] }[] };

/** The SQL of a local wall-clock time column as the UTC instant it names in `zone` (timezone() reads alike in DuckDB and PostgreSQL). */
export const localTimeSql = (sql: string, zone: string) =>
  `timezone('UTC', timezone('${zone.replaceAll("'", "''")}', cast(${sql} as timestamp)))`;

/**
 * The model files with every time dimension marked `meta: {local_time: true}` read as a UTC instant. Such a
 * column holds the company's local month or day starts (targets' fiscal_month, the plan's months); Cube converts
 * every time dimension from UTC into the query's zone, which moved a local 00:00 to the previous day west of UTC
 * (a New York month showed as the month before). Read as the instant of that local 00:00, it lands on it again.
 */
export function withLocalTimes(files: ModelFile[], zone: string): ModelFile[] {
  return files.map((file) => {
    if (!/\.ya?ml$/.test(file.fileName) || !file.content.includes('local_time')) return file;
    const doc = YAML.parse(file.content) as CubeDoc | null;
    let changed = false;
    for (const cube of doc?.cubes ?? []) {
      for (const dimension of cube.dimensions ?? []) {
        if ((dimension.meta as { local_time?: unknown } | undefined)?.local_time !== true) continue;
        changed = true;
        dimension.sql = localTimeSql(String(dimension.sql), zone);
      }
    }
    return changed ? { fileName: file.fileName, content: YAML.stringify(doc, { lineWidth: 0 }) } : file;
  });
}

/** The model files with every fiscal granularity's offset set for a fiscal year starting in `startMonth` (1-12). */
export function withFiscalYearStart(files: ModelFile[], startMonth: number): ModelFile[] {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new Error(`fiscal_year_start_month must be 1-12, got ${startMonth}`);
  }
  return files.map((file) => {
    if (!/\.ya?ml$/.test(file.fileName) || !FISCAL_GRANULARITIES.some((g) => file.content.includes(g))) return file;
    const doc = YAML.parse(file.content) as CubeDoc | null;
    let changed = false;
    for (const cube of doc?.cubes ?? []) {
      for (const dimension of cube.dimensions ?? []) {
        for (const granularity of dimension.granularities ?? []) {
          if (!FISCAL_GRANULARITIES.includes(granularity.name ?? '')) continue;
          changed = true;
          if (startMonth === 1) delete granularity.offset;
          else granularity.offset = `${startMonth - 1} months`;
        }
      }
    }
    return changed ? { fileName: file.fileName, content: YAML.stringify(doc, { lineWidth: 0 }) } : file;
  });
}

/** What the served warehouse's marts.settings says; undefined where it says nothing (no warehouse, no settings). */
export interface WarehouseSettings {
  fiscalYearStartMonth: number | undefined;
  timeZone: string | undefined;
}

/** The part of Cube's core this module uses. */
export interface CubeCore {
  getOrchestratorApi(context: object): Promise<{
    driverFactory(dataSource: string): Promise<{ query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]> }>;
  }>;
}

/**
 * Cube server options `repositoryFactory` and `schemaVersion` serving the
 * model with the warehouse's fiscal year. `core` is called lazily (the
 * options are built before Cube's core exists).
 */
export function modelSourceOptions(
  config: Config,
  core: () => CubeCore,
  warehouseIdentity: (context: object) => Promise<string>,
  onSettings: (settings: WarehouseSettings) => void = () => undefined,
) {
  // One entry per build a context reads: while a rebuild warms, the previous file keeps serving its own model.
  const cached = new Map<string, WarehouseSettings>();

  async function warehouseSettings(context: object): Promise<WarehouseSettings> {
    const identity = await warehouseIdentity(context);
    const known = cached.get(identity);
    if (known) return known;
    const settings: WarehouseSettings = { fiscalYearStartMonth: undefined, timeZone: undefined };
    if (identity !== 'missing') {
      try {
        const orchestrator = await core().getOrchestratorApi(context);
        const driver = await orchestrator.driverFactory('default');
        const rows = await driver.query('select fiscal_year_start_month, time_zone from marts.settings', []);
        const value = Number(rows[0]?.fiscal_year_start_month);
        settings.fiscalYearStartMonth = Number.isInteger(value) && value >= 1 && value <= 12 ? value : undefined;
        settings.timeZone = typeof rows[0]?.time_zone === 'string' && rows[0].time_zone ? rows[0].time_zone : undefined;
      } catch {
        // a warehouse without settings: the model as written, the configured zone
      }
    }
    cached.set(identity, settings);
    while (cached.size > 4) cached.delete(cached.keys().next().value!);
    onSettings(settings);
    return settings;
  }
  // The zone local-time columns are read in: the warehouse's, else the one configured (the zone served, either way).
  const zoneOf = (settings: WarehouseSettings) => settings.timeZone ?? config.timeZone;

  return {
    warehouseSettings,
    schemaVersion: async (context: object) => {
      const settings = await warehouseSettings(context);
      return `fiscal-year-start-${settings.fiscalYearStartMonth ?? 'as-written'}-zone-${zoneOf(settings)}`;
    },
    repositoryFactory: (context: object) => ({
      dataSchemaFiles: async () => {
        const settings = await warehouseSettings(context);
        const month = settings.fiscalYearStartMonth;
        const files = withLocalTimes(readModelFiles(config.modelDir), zoneOf(settings));
        return month === undefined ? files : withFiscalYearStart(files, month);
      },
    }),
  };
}
