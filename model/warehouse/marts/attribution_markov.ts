/*
 * Data-driven attribution (docs/metrics.md, definition 9): one first-order Markov
 * chain per conversion stage over the channel paths of all leads, counted as
 * transitions (attribution_transitions), solved beside it (attribution_markov/markov.ts);
 * credit ∝ removal effect. Builds marts.attribution_markov, one row per chain
 * and channel, whose `share` the SQL mart attribution_credits spreads over
 * each conversion's touches (data_driven weights).
 *
 * Limits: a chain without any conversion gives every channel share 0; the
 * SQL mart then falls back to linear weights for that chain's conversions.
 */
import { type TransitionCount, markovFromTransitions } from './attribution_markov/markov.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';
import type { RowOf } from '../../../server/warehouse/write-table.js';

export const dependsOn = ['attribution_transitions'];

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
  const stepRows = await ctx.query(
    'select markov_stage, from_state, to_state, transitions from marts.attribution_transitions order by markov_stage, from_state, to_state',
  );
  const chains = new Map<string, TransitionCount[]>();
  for (const r of stepRows) {
    const stage = String(r.markov_stage);
    const steps = chains.get(stage) ?? [];
    steps.push({ from: String(r.from_state), to: String(r.to_state), count: Number(r.transitions) });
    chains.set(stage, steps);
  }
  const rows: RowOf<typeof columns>[] = [];
  for (const [stage, steps] of [...chains.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const m = markovFromTransitions(steps);
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
