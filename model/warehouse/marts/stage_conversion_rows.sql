-- The rows of stage_conversions (docs/metrics.md, metric 2; the header of
-- stage_conversions.sql says what they mean) without the two columns that
-- read the median velocity over all leads (stage_conversion_velocity): a
-- lead's rows here depend only on its own and its account's reach, so an
-- import rebuilds only the changed leads' rows (docs/import.md, "Incremental
-- builds"). cohort_month_end_at is kept for the view to judge immaturity.
--
-- Size: what a row's own columns give is not stored but computed by the
-- view when read: conversion_id (lead|from|to), days_to_convert and
-- account_days_to_convert (days_between of the stored times): 7.6 MB less
-- at 100 k leads (752 k rows).

with settings as (
    select time_zone, as_of_at as as_of, fiscal_year_start_month from marts.settings
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
        lead_reach.*,
        {{ local_month(lead_reach.reached_at) }} as cohort_month,
    from lead_reach
    cross join settings
),

-- the last instant of each cohort month in the settings' zone, back in UTC, and the windowed immaturity it
-- implies: computed once per month rather than once per pair
month_ends as (
    select
        cohort_month,
        cohort_month_end_at,
        cohort_month_end_at + interval 30 day > as_of as is_immature_30d,
        cohort_month_end_at + interval 60 day > as_of as is_immature_60d,
        cohort_month_end_at + interval 90 day > as_of as is_immature_90d,
        cohort_month_end_at + interval 180 day > as_of as is_immature_180d,
    from (
        select
            months.cohort_month,
            {{ utc_time(months.cohort_month + interval 1 month) }} as cohort_month_end_at,
            settings.as_of,
        from (select distinct cohort_month from cohorts) as months
        cross join settings
    ) as month_bounds
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
        month_ends.is_immature_30d,
        month_ends.is_immature_60d,
        month_ends.is_immature_90d,
        month_ends.is_immature_180d,
    from conversions
    inner join cohorts as from_reach
        on from_reach.lead_id = conversions.lead_id
        and from_reach.stage = conversions.from_stage
    left join month_ends on month_ends.cohort_month = from_reach.cohort_month
),

measured as (
    select
        pairs.*,
        {{ days_between(cohort_at, converted_at) }} as days_to_convert,
        {{ days_between(cohort_at, account_converted_at) }} as account_days_to_convert,
    from pairs
),

final as (
    select
        measured.lead_id,
        measured.account_id,
        measured.from_stage,
        measured.from_stage_order,
        measured.to_stage,
        measured.to_stage_order,
        measured.is_adjacent,
        measured.cohort_at,
        measured.converted_at,
        measured.converted_at is not null as is_converted,
        coalesce(measured.days_to_convert <= 30, false) as is_converted_30d,
        coalesce(measured.days_to_convert <= 60, false) as is_converted_60d,
        coalesce(measured.days_to_convert <= 90, false) as is_converted_90d,
        coalesce(measured.days_to_convert <= 180, false) as is_converted_180d,
        measured.is_immature_30d,
        measured.is_immature_60d,
        measured.is_immature_90d,
        measured.is_immature_180d,
        measured.cohort_month_end_at,
        measured.is_account_cohort,
        case when measured.is_account_cohort then measured.account_converted_at end as account_converted_at,
        measured.is_account_cohort and measured.account_converted_at is not null as is_account_converted,
        measured.is_account_cohort and coalesce(measured.account_days_to_convert <= 30, false) as is_account_converted_30d,
        measured.is_account_cohort and coalesce(measured.account_days_to_convert <= 60, false) as is_account_converted_60d,
        measured.is_account_cohort and coalesce(measured.account_days_to_convert <= 90, false) as is_account_converted_90d,
        measured.is_account_cohort and coalesce(measured.account_days_to_convert <= 180, false) as is_account_converted_180d,
        measured.lead_source,
        measured.persona,
        measured.industry,
        measured.employee_band,
        measured.region,
        measured.owner_team,
    from measured
)

-- Not sorted for size: ordering these wide rows ran out of the build's memory limit at 1 M leads (1.8 GiB).
select * from final
