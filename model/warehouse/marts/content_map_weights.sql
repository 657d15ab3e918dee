-- The content map (docs/metrics.md, definition 15), the wide table:
-- attributed credit of each adjacent funnel stage conversion per campaign and
-- per touch type. One row per stage conversion, channel, campaign and touch
-- type, the seven models' weights as columns; content_map is the long form
-- (a view, one row per model with a weight > 0) that the cube reads.
-- 200 k leads (seed 7): 1.2 M rows here, 8.6 M in the long form, whose
-- build as a table took 17 s.
--
-- Built on attribution_credit_weights (the one place where the seven models' weights
-- are computed): its credit per conversion, model, channel and campaign is
-- split over the touch types of that channel's and campaign's touches in the
-- conversion's window, in proportion to their count. Exact for linear; for a
-- position-based model it spreads a campaign's share evenly over its touches
-- (a first touch that was a webinar shares its campaign's credit with the
-- same campaign's later downloads). When attribution_credits carries
-- touch_type itself, this file is the one to change.
-- A conversion without a touch keeps its `(none)` credit, with touch type
-- `(none)`. has_content: the credit sits on a campaign's touch (content),
-- not on an untracked touch or none.

with conversions as (
    select * from attribution_conversions
),

credits as (
    select * from attribution_credit_weights
),

stages as (
    select * from funnel_stages where is_funnel and previous_funnel_stage is not null
),

lead_attributes as (
    select * from leads
),

touches as (
    select
        touchpoints.channel,
        touchpoints.campaign_id,
        coalesce(touchpoints.touch_type, '(unknown)') as touch_type,
        touchpoints.occurred_at,
        coalesce(lead_attributes.account_id, '(lead) ' || touchpoints.lead_id) as touch_group,
    from stg_touchpoints as touchpoints
    left join lead_attributes on lead_attributes.lead_id = touchpoints.lead_id
),

stage_conversions as (
    select
        conversions.*,
        stages.previous_funnel_stage as from_stage,
        stages.stage as to_stage,
        stages.funnel_position - 1 as pair_position,
    from conversions
    inner join stages on conversions.conversion_type = stages.previous_funnel_stage || '->' || stages.stage
),

window_touch_types as (
    select
        stage_conversions.conversion_number,
        touches.channel,
        touches.campaign_id,
        touches.touch_type,
        count(*) as touches,
    from stage_conversions
    inner join touches
        on touches.touch_group = stage_conversions.touch_group
        and touches.occurred_at <= stage_conversions.window_end_at
        and touches.occurred_at >= stage_conversions.window_start_at
    group by all
),

split_credits as (
    select
        credits.conversion_number,
        credits.channel,
        credits.campaign_id,
        coalesce(window_touch_types.touch_type, '(none)') as touch_type,
        coalesce(window_touch_types.touches, 0) as touches,
        coalesce(window_touch_types.touches / credits.touches, 1) as share,
        credits.first_touch,
        credits.last_touch,
        credits.linear,
        credits.u_shaped,
        credits.w_shaped,
        credits.time_decay,
        credits.data_driven,
    from credits
    inner join stage_conversions on stage_conversions.conversion_number = credits.conversion_number
    left join window_touch_types
        on window_touch_types.conversion_number = credits.conversion_number
        and window_touch_types.channel = credits.channel
        and window_touch_types.campaign_id is not distinct from credits.campaign_id
)

select
    row_number() over (order by conversion_number, channel, campaign_id, touch_type) as content_row,
    conversion_number,
    channel,
    campaign_id,
    touch_type,
    touches,
    first_touch * share as first_touch,
    last_touch * share as last_touch,
    linear * share as linear,
    u_shaped * share as u_shaped,
    w_shaped * share as w_shaped,
    time_decay * share as time_decay,
    data_driven * share as data_driven,
from split_credits
