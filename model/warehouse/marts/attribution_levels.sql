{{ config(materialized='view') }}
-- Deal attribution at two credit levels (docs/metrics.md definition 9,
-- "Credit level"), the long form the cube reads: one row per deal conversion
-- (opportunity, won), credit level, model, channel and campaign with a
-- weight > 0.
--   account  every contact of the deal's account in the lookback window
--            (attribution_credit_weights: the `attribution` view's credit)
--   lead     the credit lead's (primary contact's) own touches only
--            (attribution_lead_weights)
-- A view beside attribution_credits rather than a column of it, so every
-- query on the `attribution` view keeps its result. credit_number =
-- (weight row × 2 + level) × 7 + the model's index.

-- `weights`: the name attribution_long_form reads (run-models.ts)
with weights as (
    -- columns named (not `union all by name`, which PostgreSQL lacks)
    select
        0 as level_index, 'account' as credit_level, weights.credit_row as level_row,
        weights.conversion_number, weights.channel, weights.campaign_id, weights.touches, {{ model_weight_columns }}
    from marts.attribution_credit_weights as weights
    inner join marts.attribution_conversions as conversions
        on conversions.conversion_number = weights.conversion_number
    where conversions.conversion_type in ('opportunity', 'won')
    union all
    select
        1 as level_index, 'lead' as credit_level, weights.weight_row as level_row,
        weights.conversion_number, weights.channel, weights.campaign_id, weights.touches, {{ model_weight_columns }}
    from marts.attribution_lead_weights as weights
)

select
    (long_weights.level_row * 2 + long_weights.level_index) * 7 + long_weights.model_index as credit_number,
    long_weights.credit_level,
    -- the conversion's attributes, the joins, the seven models and `weight > 0`: written once, in
    -- server/warehouse/run-models.ts (attribution_long_form)
    {{ attribution_long_form }}
