{{ config(materialized='view') }}
-- The content map (docs/metrics.md, definition 15), the long form the cube
-- reads: one row per stage conversion, attribution model, channel, campaign
-- and touch type with a weight > 0. A view over content_map_weights, where
-- the credit is split over touch types (the rules are in that file's
-- header); content_credit_number = content_row × 7 + the model's index.

with long_weights as (
    select
        weights.content_row * 7 + models.model_index as content_credit_number,
        weights.conversion_number,
        models.model,
        weights.channel,
        weights.campaign_id,
        weights.touch_type,
        weights.touches,
        {{ model_weight }} as weight,
    from marts.content_map_weights as weights
    cross join marts.attribution_models as models
),

stages as (
    select * from marts.funnel_stages where is_funnel and previous_funnel_stage is not null
)

select
    long_weights.content_credit_number,
    long_weights.conversion_number,
    conversions.conversion_type as stage_pair,
    stages.previous_funnel_stage as from_stage,
    stages.stage as to_stage,
    stages.funnel_position - 1 as pair_position,
    conversions.conversion_id as lead_id,
    conversions.account_id,
    conversions.converted_at,
    long_weights.model,
    long_weights.channel,
    long_weights.campaign_id,
    coalesce(campaigns.campaign_name, long_weights.campaign_id, '(none)') as campaign_name,
    long_weights.touch_type,
    long_weights.campaign_id is not null as has_content,
    long_weights.weight,
    long_weights.touches,
    conversions.owner_team,
from long_weights
inner join marts.attribution_conversions as conversions on conversions.conversion_number = long_weights.conversion_number
inner join stages on conversions.conversion_type = stages.previous_funnel_stage || '->' || stages.stage
left join staging.stg_campaigns as campaigns on campaigns.campaign_id = long_weights.campaign_id
where long_weights.weight > 0
