-- What actually arrived, for the plan's `actual` and `gap`: stage volumes
-- (contract definition 1, lead grain: leads whose reached(stage) falls in
-- the local month) and, for the lead stage, first-touch leads per channel.
-- One row per month up to the month of as_of, funnel stage and channel
-- (channel = '(all)' on stage totals); months without arrivals hold 0, so a
-- shortfall shows as a gap and not as a missing row.

with settings as (
    select * from settings
),

stages as (
    select * from funnel_stages where is_funnel
),

as_of as (
    select {{ local_month(settings.as_of_at) }} as as_of_month
    from settings
),

-- from the first month a lead arrived (the calendar also spans older account history)
months as (
    select distinct cast(fiscal_calendar.month_start as timestamp) as month
    from fiscal_calendar
    cross join as_of
    where cast(fiscal_calendar.month_start as timestamp) <= as_of.as_of_month
        and cast(fiscal_calendar.month_start as timestamp) >= (select min(lead_month) from attribution_lead_channels)
),

stage_volumes as (
    select
        cast({{ local_month(reach.reached_at) }} as timestamp) as month,
        reach.stage,
        count(*) as volume,
    from lead_stage_reach as reach
    cross join settings
    group by all
),

channel_volumes as (
    select lead_month as month, channel, count(*) as volume
    from attribution_lead_channels
    group by all
),

lead_stage as (
    select stage from stages where funnel_position = 1
),

channels as (
    select distinct channel from attribution_lead_channels
),

final as (
    select
        strftime(months.month, '%Y-%m') || '|' || stages.stage || '|(all)' as plan_actual_id,
        months.month,
        stages.stage,
        stages.funnel_position,
        '(all)' as channel,
        coalesce(stage_volumes.volume, 0) as value,
    from months
    cross join stages
    left join stage_volumes
        on stage_volumes.month = months.month
        and stage_volumes.stage = stages.stage
    union all
    select
        strftime(months.month, '%Y-%m') || '|' || lead_stage.stage || '|' || channels.channel,
        months.month,
        lead_stage.stage,
        1,
        channels.channel,
        coalesce(channel_volumes.volume, 0),
    from months
    cross join lead_stage
    cross join channels
    left join channel_volumes
        on channel_volumes.month = months.month
        and channel_volumes.channel = channels.channel
)

select * from final
order by month, funnel_position, channel
