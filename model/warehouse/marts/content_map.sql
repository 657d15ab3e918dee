{{ config(materialized='view') }}
-- The content map (docs/metrics.md, definition 15), the long form the cube
-- reads: one row per stage conversion, attribution model, channel, campaign
-- and touch type with a weight > 0. A view over content_map_weights, which
-- holds how each attribution credit row splits over touch types (the rule
-- is in that file's header): weight = the credit row's weight × the touch
-- type's touches ÷ the credit row's touches (all of it for `(none)`, which
-- has none); content_credit_number = content_row × 7 + the model's index.
-- Its cube (content_credits) is joined to content_map_conversions, one row
-- per stage conversion and model, which counts the conversions, on
-- content_conversion_number (conversion_number × 7 + the model's index, that
-- mart's key): one integer rather than the pair (conversion, model), which
-- cost the content rollup's build a third of its time.
--
-- The conversion's attributes and the campaign's name are joined to the
-- split rows before they are crossed with the seven models (a left join
-- keeps the planner from crossing first), so those joins read each split
-- row once instead of once per model. campaign_name is the campaigns mart's
-- name as the base_campaigns cube reads it (`(none)` without a campaign or
-- for a campaign missing from campaigns.csv), held here so the content
-- rollup's build joins no campaign to its millions of credit rows.

with stages as (
    select * from marts.funnel_stages where is_funnel and previous_funnel_stage is not null
),

credit_splits as (
    select
        split.content_row,
        split.touch_type,
        split.touches,
        case when weights.touches = 0 then 1 else split.touches / weights.touches end as touch_share,
        weights.conversion_number,
        weights.channel,
        weights.campaign_id,
        {{ model_weight_columns }},
        conversions.conversion_type as stage_pair,
        stages.previous_funnel_stage as from_stage,
        stages.stage as to_stage,
        stages.funnel_position - 1 as pair_position,
        conversions.conversion_id as lead_id,
        conversions.account_id,
        conversions.converted_at,
        conversions.owner_team,
        coalesce(campaigns.campaign_name, '(none)') as campaign_name,
    from marts.content_map_weights as split
    inner join marts.attribution_credit_weights as weights on weights.credit_row = split.credit_row
    inner join marts.attribution_conversions as conversions on conversions.conversion_number = weights.conversion_number
    inner join stages on conversions.conversion_type = stages.previous_funnel_stage || '->' || stages.stage
    left join marts.campaigns as campaigns on campaigns.campaign_id = weights.campaign_id
),

long_weights as (
    select
        weights.content_row * 7 + models.model_index as content_credit_number,
        weights.conversion_number * 7 + models.model_index as content_conversion_number,
        models.model,
        {{ model_weight }} * weights.touch_share as weight,
        weights.*,
    from credit_splits as weights
    cross join marts.attribution_models as models
)

select
    content_credit_number,
    content_conversion_number,
    conversion_number,
    stage_pair,
    from_stage,
    to_stage,
    pair_position,
    lead_id,
    account_id,
    converted_at,
    model,
    channel,
    campaign_id,
    campaign_name,
    touch_type,
    campaign_id is not null as has_content,
    weight,
    touches,
    owner_team,
from long_weights
where weight > 0
