/*
 * The attribution models (docs/metrics.md, definition 9; docs/attribution.md
 * for the weights). The SQL marts receive the list through the runner's
 * `{{ attribution_models }}` variable (server/warehouse/run-models.ts), the
 * engine, the plan and the dashboard import it from here. Browser-safe.
 */

export const RULE_BASED_MODELS = ['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'time_decay'] as const;
export type RuleBasedModel = (typeof RULE_BASED_MODELS)[number];

export const ATTRIBUTION_MODELS = [...RULE_BASED_MODELS, 'data_driven'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

/** The channel of a lead with no touchpoint: its conversions are credited here, never dropped (docs/attribution.md). */
export const NONE_CHANNEL = '(none)';

/** The model behind CAC in the reverse plan: W-shaped credits first touch, lead and opportunity creation alike. */
export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'w_shaped';

export function isAttributionModel(x: unknown): x is AttributionModel {
  return typeof x === 'string' && (ATTRIBUTION_MODELS as readonly string[]).includes(x);
}
