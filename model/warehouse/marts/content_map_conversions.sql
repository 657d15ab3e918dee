{{ config(materialized='view') }}
-- The content map's conversions (docs/metrics.md, definition 15): one row per
-- stage conversion and attribution model, the rows content_map credits. Its
-- cube counts them with a plain count, which adds up over months, teams and
-- segments and so is served from any rollup that holds the grouping, where
-- content_map's distinct count of conversion_number was served only at its
-- exact grouping and built with a count distinct DuckDB does not spill.
-- Every stage conversion has content_map rows under every model (its weights
-- add up to 1 over its credit rows, `(none)` when it has no touch: the data
-- tests weights_sum_to_one_per_conversion_and_model, every_conversion_credited
-- and splits_each_stage_credit_row_whole), so the rows here are content_map's
-- distinct (conversion_number, model);
-- content_conversion_number = conversion_number × 7 + the model's index.

with stages as (
    select * from marts.funnel_stages where is_funnel and previous_funnel_stage is not null
)

select
    conversions.conversion_number * 7 + models.model_index as content_conversion_number,
    conversions.conversion_number,
    models.model,
    conversions.conversion_type as stage_pair,
    stages.funnel_position - 1 as pair_position,
    conversions.conversion_id as lead_id,
    conversions.converted_at,
    -- the same instant as the cube's time dimension reads it (sql-macros.ts, utc_instant)
    {{ utc_instant(conversions.converted_at) }} as converted_at_utc,
    conversions.owner_team,
from marts.attribution_conversions as conversions
inner join stages on conversions.conversion_type = stages.previous_funnel_stage || '->' || stages.stage
cross join marts.attribution_models as models
