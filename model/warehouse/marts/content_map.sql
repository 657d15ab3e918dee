{{ config(materialized='view') }}
-- The content map (docs/metrics.md, definition 15), the long form the cube
-- reads: one row per stage conversion, attribution model, channel, campaign
-- and touch type with a weight > 0. A view over content_map_weights, which
-- holds how each attribution credit row splits over touch types (the rule
-- is in that file's header): weight = the credit row's weight × the touch
-- type's touches ÷ the credit row's touches (all of it for `(none)`, which
-- has none); content_credit_number = content_row × 7 + the model's index.
-- Its cube (content_credits) is joined to content_map_conversions, one row
-- per stage conversion and model, which counts the conversions.

with long_weights as (
    select
        split.content_row * 7 + models.model_index as content_credit_number,
        weights.conversion_number,
        models.model,
        weights.channel,
        weights.campaign_id,
        split.touch_type,
        split.touches,
        {{ model_weight }}
            * case when weights.touches = 0 then 1 else split.touches / weights.touches end as weight,
    from marts.content_map_weights as split
    inner join marts.attribution_credit_weights as weights on weights.credit_row = split.credit_row
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
