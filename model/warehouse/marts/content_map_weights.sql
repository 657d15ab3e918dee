-- The content map (docs/metrics.md, definition 15), its stored part: how
-- each attribution credit row of an adjacent funnel stage conversion (a
-- row of attribution_credit_weights: conversion, channel, campaign) splits
-- over touch types. One row per credit row and touch type, with the touch
-- type's count of touches in the conversion's window; content_map is the
-- long form (a view, one row per model with a weight > 0) that the cube
-- reads, and it computes the weights from this split.
--
-- Rule: the credit of a conversion, model, channel and campaign (from
-- attribution_credit_weights, the one place where the seven models'
-- weights are computed) is split over the touch types of that channel's
-- and campaign's touches in the window, in proportion to their count:
-- weight = credit × touches ÷ the credit row's touches. Exact for linear;
-- for a position-based model it spreads a campaign's share evenly over its
-- touches (a first touch that was a webinar shares its campaign's credit
-- with the same campaign's later downloads). When attribution_credits
-- carries touch_type itself, this file is the one to change. A conversion
-- without a touch keeps its `(none)` credit whole, with touch type
-- `(none)` and 0 touches.
--
-- Size: the seven weights are not stored here (they are the credit row's
-- times the share): at 100 k leads they were three quarters of this
-- table's 30 MB. The rows (812 k at 100 k leads) are the credit rows'
-- (790 k) plus the extra touch types.
-- Cost: per window touch only integers are hashed: channel, campaign and
-- touch type travel as one number (type_cell_number, numbered in (channel,
-- campaign, touch type) order, so content_row numbers the rows as the
-- names order them).

with conversions as (
    select * from attribution_conversions
),

-- the stored credit rows: only their keys are read here, and the view attribution_credit_weights would join the
-- data-driven weights to every row for nothing
credits as (
    select * from attribution_credit_rows
),

stages as (
    select * from funnel_stages where is_funnel and previous_funnel_stage is not null
),

lead_attributes as (
    select * from leads
),

-- Every channel, campaign and touch type a touch names; campaign_id is never '' after staging (empty cells
-- are NULL), so '' stands for "none" in the join key.
type_cells as (
    select
        channel,
        campaign_id,
        coalesce(campaign_id, '') as campaign_key,
        touch_type,
        row_number() over (order by channel, campaign_id, touch_type) as type_cell_number,
        dense_rank() over (order by channel, campaign_id) as cell_number,
    from (
        select distinct channel, campaign_id, coalesce(touch_type, '(unknown)') as touch_type from stg_touchpoints
    ) as named
),

cells as (
    select distinct channel, campaign_key, cell_number from type_cells
),

touches as (
    select
        type_cells.type_cell_number,
        touchpoints.occurred_at,
        coalesce(lead_attributes.account_id, '(lead) ' || touchpoints.lead_id) as touch_group,
    from stg_touchpoints as touchpoints
    inner join type_cells
        on type_cells.channel = touchpoints.channel
        and type_cells.campaign_key = coalesce(touchpoints.campaign_id, '')
        and type_cells.touch_type = coalesce(touchpoints.touch_type, '(unknown)')
    left join lead_attributes on lead_attributes.lead_id = touchpoints.lead_id
),

stage_conversions as (
    select conversions.*
    from conversions
    inner join stages on conversions.conversion_type = stages.previous_funnel_stage || '->' || stages.stage
),

window_touch_types as (
    select
        counted.conversion_number,
        type_cells.cell_number,
        type_cells.type_cell_number,
        type_cells.touch_type,
        counted.touches,
    from (
        select stage_conversions.conversion_number, touches.type_cell_number, count(*) as touches,
        from stage_conversions
        inner join touches
            on touches.touch_group = stage_conversions.touch_group
            and touches.occurred_at <= stage_conversions.window_end_at
            and touches.occurred_at >= stage_conversions.window_start_at
        group by all
    ) as counted
    inner join type_cells on type_cells.type_cell_number = counted.type_cell_number
),

stage_credits as (
    select
        credits.credit_row,
        credits.conversion_number,
        -- null for `(none)`, which no touch names
        cells.cell_number,
    from credits
    inner join stage_conversions on stage_conversions.conversion_number = credits.conversion_number
    left join cells on cells.channel = credits.channel and cells.campaign_key = coalesce(credits.campaign_id, '')
),

final as (
    select
        -- credit_row follows (conversion, channel, campaign) and type_cell_number (channel, campaign, touch type):
        -- the rows numbered as the names order them; a `(none)` row (no number) is its conversion's only row
        row_number() over (order by stage_credits.credit_row, window_touch_types.type_cell_number) as content_row,
        stage_credits.credit_row,
        coalesce(window_touch_types.touch_type, '(none)') as touch_type,
        coalesce(window_touch_types.touches, 0) as touches,
    from stage_credits
    left join window_touch_types
        on window_touch_types.conversion_number = stage_credits.conversion_number
        and window_touch_types.cell_number = stage_credits.cell_number
)

select * from final
