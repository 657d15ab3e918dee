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
 * allowed), once per warehouse build (`warehouseIdentity`: the build a context reads, server/cube/driver.ts). Without a readable warehouse the model
 * is served as written.
 *
 * Limits: only YAML cube files are rewritten (a JS model would read the
 * month itself); the rewritten files are re-serialised YAML, so Cube's error
 * messages quote their line numbers, not the source's.
 */
import YAML from 'yaml';
import type { Config } from '../config.js';
import { readModelFiles, type ModelFile } from './cube-server.js';

/** The granularities that follow the fiscal year setting, by name. */
export const FISCAL_GRANULARITIES: readonly string[] = ['fiscal_year', 'fiscal_quarter'];

type Granularity = { name?: string; offset?: string; [key: string]: unknown };
type Dimension = { granularities?: Granularity[]; [key: string]: unknown };
type CubeDoc = { cubes?: { dimensions?: Dimension[] }[] };

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
) {
  let cached: { identity: string; month: number | undefined } | undefined;

  async function fiscalYearStartMonth(context: object): Promise<number | undefined> {
    const identity = await warehouseIdentity(context);
    if (cached?.identity === identity) return cached.month;
    let month: number | undefined;
    if (identity !== 'missing') {
      try {
        const orchestrator = await core().getOrchestratorApi(context);
        const driver = await orchestrator.driverFactory('default');
        const rows = await driver.query('select fiscal_year_start_month from marts.settings', []);
        const value = Number(rows[0]?.fiscal_year_start_month);
        month = Number.isInteger(value) && value >= 1 && value <= 12 ? value : undefined;
      } catch {
        month = undefined; // a warehouse without settings: the model as written
      }
    }
    cached = { identity, month };
    return month;
  }

  return {
    schemaVersion: async (context: object) => `fiscal-year-start-${(await fiscalYearStartMonth(context)) ?? 'as-written'}`,
    repositoryFactory: (context: object) => ({
      dataSchemaFiles: async () => {
        const files = readModelFiles(config.modelDir);
        const month = await fiscalYearStartMonth(context);
        return month === undefined ? files : withFiscalYearStart(files, month);
      },
    }),
  };
}
