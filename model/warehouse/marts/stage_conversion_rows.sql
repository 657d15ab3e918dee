-- The rows of stage_conversions (docs/metrics.md, metric 2; the header of
-- stage_conversions.sql says what they mean) without the two columns that
-- read the median velocity over all leads (stage_conversion_velocity), and
-- without the windowed immaturity flags, which read as_of: a lead's rows here
-- depend only on its own and its account's reach, not on as_of, so an import
-- (even a day's, which moves as_of) rebuilds only the changed leads' rows
-- (docs/import.md, "Incremental builds"). cohort_month_end_at is kept for the
-- view to judge immaturity, all five flags, when read.
--
-- Size: what a row's own columns give is not stored but computed by the
-- view when read: conversion_id (lead|from|to), days_to_convert and
-- account_days_to_convert (days_between of the stored times): 7.6 MB less
-- at 100 k leads (752 k rows).

with settings as (
    select time_zone from marts.settings
),

stages as (
    select * from funnel_stages where is_funnel
),

lead_reach as (
    select * from lead_stage_reach
),

account_reach as (
    select * from account_stage_reach
),

-- each reach as a cohort: its local month, cut here once per reach rather than once per pair. Not through
-- marts.zone_hours: that table reads every lead's times, so an incremental build would rebuild this
-- lead-grain mart whole (docs/import.md, "Incremental builds").
cohorts as (
    select
        lead_reach.lead_id,
        lead_reach.stage,
        {{ local_month(lead_reach.reached_at) }} as cohort_month,
    from lead_reach
    cross join settings
),

-- the last instant of each cohort month in the settings' zone, back in UTC: computed once per month rather than
-- once per pair
month_ends as (
    select
        months.cohort_month,
        {{ utc_time(months.cohort_month + interval 1 month) }} as cohort_month_end_at,
    from (select distinct cohort_month from cohorts) as months
    cross join settings
),

-- each reach with each stage after it and when the lead and its account reached that stage, narrow: the
-- joins to the reaches hold these rows, not the cohort's attributes (added below, once per reach)
conversions as (
    select
        from_reach.lead_id,
        from_reach.stage as from_stage,
        to_stages.stage as to_stage,
        to_stages.stage_order as to_stage_order,
        to_stages.funnel_position = from_reach.funnel_position + 1 as is_adjacent,
        to_reach.reached_at as converted_at,
        account_to_reach.reached_at as account_converted_at,
    from lead_reach as from_reach
    inner join stages as to_stages on to_stages.funnel_position > from_reach.funnel_position
    left join lead_reach as to_reach
        on to_reach.lead_id = from_reach.lead_id
        and to_reach.stage = to_stages.stage
    left join account_reach as account_to_reach
        on account_to_reach.account_id = from_reach.account_id
        and account_to_reach.stage = to_stages.stage
),

-- (lead_id, stage) is lead_stage_reach's key: one cohort per conversion row
pairs as (
    select
        from_reach.lead_id,
        from_reach.account_id,
        from_reach.stage as from_stage,
        from_reach.stage_order as from_stage_order,
        conversions.to_stage,
        conversions.to_stage_order,
        conversions.is_adjacent,
        from_reach.reached_at as cohort_at,
        conversions.converted_at,
        from_reach.is_account_first as is_account_cohort,
        conversions.account_converted_at,
        from_reach.lead_source,
        from_reach.persona,
        from_reach.industry,
        from_reach.employee_band,
        from_reach.region,
        from_reach.owner_team,
        month_ends.cohort_month_end_at,
        {{ days_between(from_reach.reached_at, conversions.converted_at) }} as days_to_convert,
        {{ days_between(from_reach.reached_at, conversions.account_converted_at) }} as account_days_to_convert,
    from conversions
    inner join lead_reach as from_reach
        on from_reach.lead_id = conversions.lead_id
        and from_reach.stage = conversions.from_stage
    inner join cohorts
        on cohorts.lead_id = conversions.lead_id
        and cohorts.stage = conversions.from_stage
    left join month_ends on month_ends.cohort_month = cohorts.cohort_month
),

final as (
    select
        pairs.lead_id,
        pairs.account_id,
        pairs.from_stage,
        pairs.from_stage_order,
        pairs.to_stage,
        pairs.to_stage_order,
        pairs.is_adjacent,
        pairs.cohort_at,
        pairs.converted_at,
        pairs.converted_at is not null as is_converted,
        coalesce(pairs.days_to_convert <= 30, false) as is_converted_30d,
        coalesce(pairs.days_to_convert <= 60, false) as is_converted_60d,
        coalesce(pairs.days_to_convert <= 90, false) as is_converted_90d,
        coalesce(pairs.days_to_convert <= 180, false) as is_converted_180d,
        pairs.cohort_month_end_at,
        pairs.is_account_cohort,
        case when pairs.is_account_cohort then pairs.account_converted_at end as account_converted_at,
        pairs.is_account_cohort and pairs.account_converted_at is not null as is_account_converted,
        pairs.is_account_cohort and coalesce(pairs.account_days_to_convert <= 30, false) as is_account_converted_30d,
        pairs.is_account_cohort and coalesce(pairs.account_days_to_convert <= 60, false) as is_account_converted_60d,
        pairs.is_account_cohort and coalesce(pairs.account_days_to_convert <= 90, false) as is_account_converted_90d,
        pairs.is_account_cohort and coalesce(pairs.account_days_to_convert <= 180, false) as is_account_converted_180d,
        pairs.lead_source,
        pairs.persona,
        pairs.industry,
        pairs.employee_band,
        pairs.region,
        pairs.owner_team,
    from pairs
)

-- Not sorted for size: ordering these wide rows ran out of the build's memory limit at 1 M leads (1.8 GiB).
select * from final
