/*
 * Data-driven attribution (docs/metrics.md, definition 9): one first-order Markov
 * chain per conversion stage over the aggregated channel paths of all leads
 * (attribution_paths), solved by the engine (server/engine/markov.ts);
 * credit ∝ removal effect. Builds marts.attribution_markov, one row per chain
 * and channel, whose `share` the SQL mart attribution_credits spreads over
 * each conversion's touches (data_driven weights).
 *
 * Limits: a chain without any conversion gives every channel share 0; the
 * SQL mart then falls back to linear weights for that chain's conversions.
 */
import { type ChannelPath, markovAttribution } from '../../../server/engine/markov.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';
import type { RowOf } from '../../../server/warehouse/write-table.js';

export const dependsOn = ['attribution_paths'];

export const columns = {
  markov_stage: 'varchar',
  channel: 'varchar',
  removal_effect: 'double',
  share: 'double',
  attributed_conversions: 'double',
  conversion_probability: 'double',
  conversion_probability_without: 'double',
  total_conversions: 'double',
  total_paths: 'double',
} as const;

export async function model(ctx: ModelContext): Promise<RowOf<typeof columns>[]> {
  const pathRows = await ctx.query(
    'select markov_stage, path, conversions, non_conversions from marts.attribution_paths order by markov_stage, path_label',
  );
  const chains = new Map<string, ChannelPath[]>();
  for (const r of pathRows) {
    const stage = String(r.markov_stage);
    const paths = chains.get(stage) ?? [];
    paths.push({
      path: (r.path as unknown[]).map(String),
      conversions: Number(r.conversions),
      nonConversions: Number(r.non_conversions),
    });
    chains.set(stage, paths);
  }
  const rows: RowOf<typeof columns>[] = [];
  for (const [stage, paths] of [...chains.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const m = markovAttribution(paths);
    for (const channel of m.channels) {
      rows.push({
        markov_stage: stage,
        channel,
        removal_effect: m.removalEffects[channel] ?? null,
        share: m.shares[channel] ?? null,
        attributed_conversions: m.attributedConversions[channel] ?? null,
        conversion_probability: m.conversionProbability,
        conversion_probability_without: m.conversionProbabilityWithout[channel] ?? null,
        total_conversions: m.totalConversions,
        total_paths: m.totalPaths,
      });
    }
  }
  return rows;
}
