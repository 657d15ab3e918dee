/*
 * Data-driven attribution (contract definition 9): one first-order Markov
 * chain per conversion stage over the aggregated channel paths of all leads
 * (attribution_paths), solved by the engine (server/engine/markov.ts);
 * credit ∝ removal effect. Builds marts.attribution_markov, one row per chain
 * and channel, whose `share` the SQL mart attribution_credits spreads over
 * each conversion's touches (data_driven weights).
 *
 * `writeTable` (exported) is the small appender-based writer the other
 * TypeScript marts (plan, kpi_tree) use too: a TypeScript model must create
 * its table itself, and a helper file beside the models would be taken for a
 * model by the runner.
 *
 * Limits: a chain without any conversion gives every channel share 0; the
 * SQL mart then falls back to linear weights for that chain's conversions.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { markovAttribution, type ChannelPath } from '../../../server/engine/markov.js';

export const dependsOn = ['attribution_paths'];

export type ColumnType = 'varchar' | 'double' | 'bigint' | 'integer' | 'boolean' | 'timestamp';
export interface Column {
  name: string;
  type: ColumnType;
}
export type Row = Record<string, string | number | boolean | null | undefined>;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates `<schema>.<table>` with `columns` and appends `rows` (missing or
 * non-finite numbers become NULL). Timestamps are given as ISO text
 * ('2026-04-01 00:00:00', naive UTC like every warehouse time).
 */
export async function writeTable(
  conn: DuckDBConnection,
  schema: string,
  table: string,
  columns: readonly Column[],
  rows: readonly Row[],
): Promise<void> {
  const scratch = `_scratch_${table}_${process.pid}_${Date.now()}`;
  const scratchType = (t: ColumnType) => (t === 'timestamp' ? 'varchar' : t);
  await conn.run(`create table main.${scratch} (${columns.map((c) => `${quoteIdent(c.name)} ${scratchType(c.type)}`).join(', ')})`);
  try {
    const appender = await conn.createAppender(scratch, 'main');
    for (const row of rows) {
      for (const c of columns) {
        const v = row[c.name];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) {
          appender.appendNull();
          continue;
        }
        switch (c.type) {
          case 'varchar':
          case 'timestamp':
            appender.appendVarchar(String(v));
            break;
          case 'double':
            appender.appendDouble(Number(v));
            break;
          case 'bigint':
            appender.appendBigInt(BigInt(Math.round(Number(v))));
            break;
          case 'integer':
            appender.appendInteger(Math.round(Number(v)));
            break;
          case 'boolean':
            appender.appendBoolean(Boolean(v));
            break;
        }
      }
      appender.endRow();
    }
    appender.closeSync();
    const select = columns
      .map((c) => (c.type === 'timestamp' ? `cast(${quoteIdent(c.name)} as timestamp) as ${quoteIdent(c.name)}` : quoteIdent(c.name)))
      .join(', ');
    await conn.run(`create table ${schema}.${table} as select ${select} from main.${scratch}`);
  } finally {
    await conn.run(`drop table if exists main.${scratch}`);
  }
}

const COLUMNS: Column[] = [
  { name: 'markov_stage', type: 'varchar' },
  { name: 'channel', type: 'varchar' },
  { name: 'removal_effect', type: 'double' },
  { name: 'share', type: 'double' },
  { name: 'attributed_conversions', type: 'double' },
  { name: 'conversion_probability', type: 'double' },
  { name: 'conversion_probability_without', type: 'double' },
  { name: 'total_conversions', type: 'double' },
  { name: 'total_paths', type: 'double' },
];

export async function build(conn: DuckDBConnection): Promise<void> {
  const reader = await conn.runAndReadAll(
    'select markov_stage, path, conversions, non_conversions from marts.attribution_paths order by markov_stage, path_label',
  );
  const chains = new Map<string, ChannelPath[]>();
  for (const r of reader.getRowObjectsJS()) {
    const stage = String(r.markov_stage);
    const paths = chains.get(stage) ?? [];
    paths.push({
      path: (r.path as unknown[]).map(String),
      conversions: Number(r.conversions),
      nonConversions: Number(r.non_conversions),
    });
    chains.set(stage, paths);
  }
  const rows: Row[] = [];
  for (const [stage, paths] of [...chains.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const m = markovAttribution(paths);
    for (const channel of m.channels) {
      rows.push({
        markov_stage: stage,
        channel,
        removal_effect: m.removalEffects[channel],
        share: m.shares[channel],
        attributed_conversions: m.attributedConversions[channel],
        conversion_probability: m.conversionProbability,
        conversion_probability_without: m.conversionProbabilityWithout[channel],
        total_conversions: m.totalConversions,
        total_paths: m.totalPaths,
      });
    }
  }
  await writeTable(conn, 'marts', 'attribution_markov', COLUMNS, rows);
}
