-- Backlog (滞留, contract metric 4): the inventory of every stage at a set of
-- instants: one row per snapshot and lead, in the stage of the lead's latest
-- transition at or before the snapshot. Aging = snapshot − entry into that
-- stage; stuck = aging > the stage's SLA days (never for a stage without SLA).
--
-- Instants, cut in the settings' zone and stored in UTC: the last second of
-- every month from the first transition's month (is_month_end; the current
-- month's is as_of itself) and of each of the last 120 days up to as_of
-- (is_daily). A full daily spine over three years would multiply the rows by
-- 30 for a chart nobody reads at that length; the recent window is what an
-- SLA review looks at. The window's length is the optional setting
-- backlog_daily_days (default 120): the table holds about (months + days) ×
-- open leads rows, ~2.4 M for the bundled 20 k leads, so a much larger data
-- set wants a shorter window. Every stage is kept, side states included (the
-- recycled pool is an inventory marketing works from).

with settings as (
    select time_zone, as_of_at as as_of, fiscal_year_start_month from marts.settings
),

stages as (
    select * from funnel_stages
),

transitions as (
    select * from stg_stage_transitions
),

lead_attributes as (
    select * from leads
),

daily_window as (
    select coalesce(max(try_cast(value as integer)), 120) as days
    from stg_settings
    where key = 'backlog_daily_days'
),

stints as (
    select
        lead_id,
        to_stage as stage,
        transitioned_at as entered_at,
        lead(transitioned_at) over (
            partition by lead_id order by transitioned_at, transition_id
        ) as left_at,
    from transitions
),

local_bounds as (
    select
        date_trunc('month', timezone(settings.time_zone, timezone('UTC', min(transitions.transitioned_at)))) as first_month,
        timezone(settings.time_zone, timezone('UTC', any_value(settings.as_of))) as as_of_local,
        any_value(settings.time_zone) as time_zone,
        any_value(settings.as_of) as as_of,
    from transitions
    cross join settings
    group by settings.time_zone
),

month_ends as (
    select
        cast(month_start as date) as snapshot_period,
        true as is_month_end,
        false as is_daily,
        month_start + interval 1 month as local_end,
    from local_bounds,
        generate_series(first_month, date_trunc('month', as_of_local), interval 1 month) as months(month_start)
),

day_ends as (
    select
        cast(day_start as date) as snapshot_period,
        false as is_month_end,
        true as is_daily,
        day_start + interval 1 day as local_end,
    from local_bounds, daily_window,
        generate_series(
            date_trunc('day', as_of_local) - to_days(greatest(daily_window.days, 1) - 1),
            date_trunc('day', as_of_local),
            interval 1 day
        ) as days(day_start)
),

instants as (
    select
        -- the period's last instant, capped at as_of, in UTC; rows enter
        -- when transitioned before the exclusive end
        least(timezone('UTC', timezone(local_bounds.time_zone, local_end)), local_bounds.as_of + interval 1 second) as snapshot_end,
        bool_or(is_month_end) as is_month_end,
        bool_or(is_daily) as is_daily,
    from (select * from month_ends union all select * from day_ends) as periods
    cross join local_bounds
    group by 1
),

inventory as (
    select
        instants.snapshot_end - interval 1 second as snapshot_at,
        instants.is_month_end,
        instants.is_daily,
        stints.lead_id,
        stints.stage,
        stints.entered_at,
    from instants
    inner join stints
        on stints.entered_at < instants.snapshot_end
        and (stints.left_at is null or stints.left_at >= instants.snapshot_end)
),

aged as (
    select
        inventory.*,
        date_diff('second', inventory.entered_at, inventory.snapshot_at) / 86400.0 as aging_days,
    from inventory
),

final as (
    select
        aged.lead_id || '|' || cast(epoch(aged.snapshot_at) as bigint) as backlog_id,
        aged.snapshot_at,
        aged.is_month_end,
        aged.is_daily,
        aged.lead_id,
        lead_attributes.account_id,
        aged.stage,
        stages.stage_order,
        stages.is_funnel,
        coalesce(stages.team, '(none)') as team,
        aged.entered_at as entered_stage_at,
        aged.aging_days,
        case
            when aged.aging_days < 8 then '0-7'
            when aged.aging_days < 15 then '8-14'
            when aged.aging_days < 31 then '15-30'
            when aged.aging_days < 61 then '31-60'
            when aged.aging_days < 91 then '61-90'
            when aged.aging_days < 181 then '91-180'
            else '181+'
        end as aging_bucket,
        case
            when aged.aging_days < 8 then 1
            when aged.aging_days < 15 then 2
            when aged.aging_days < 31 then 3
            when aged.aging_days < 61 then 4
            when aged.aging_days < 91 then 5
            when aged.aging_days < 181 then 6
            else 7
        end as aging_bucket_order,
        stages.sla_days,
        coalesce(aged.aging_days > stages.sla_days, false) as is_stuck,
        lead_attributes.lead_source,
        lead_attributes.persona,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.owner_team,
    from aged
    inner join lead_attributes on lead_attributes.lead_id = aged.lead_id
    left join stages on stages.stage = aged.stage
)

select * from final
