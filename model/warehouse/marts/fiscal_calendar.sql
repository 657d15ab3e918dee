-- One row per local calendar day, from the first day that holds any data to
-- the end of the fiscal year of as_of (or of the last target month, when the
-- plan reaches further). Fiscal years start in the settings'
-- fiscal_year_start_month and are named for the calendar year they start in
-- (April start: FY2025 = 2025-04-01 … 2026-03-31; the rule is
-- server/contract/vocabulary.ts, here through its fiscal_year macro). Fiscal months are calendar
-- months, so fiscal_month_start equals month_start; it is kept so cubes can
-- say what they mean. Days are local dates in the settings' zone.

with

settings as (

    select * from settings

),

stg_leads as (

    select * from stg_leads

),

stg_accounts as (

    select * from stg_accounts

),

stg_stage_transitions as (

    select * from stg_stage_transitions

),

stg_opportunities as (

    select * from stg_opportunities

),

stg_touchpoints as (

    select * from stg_touchpoints

),

stg_campaigns as (

    select * from stg_campaigns

),

stg_channel_costs as (

    select * from stg_channel_costs

),

stg_targets as (

    select * from stg_targets

),

data_times as (

    select min(created_at) as first_at from stg_leads
    union all
    select min(created_at) from stg_accounts
    union all
    select min(transitioned_at) from stg_stage_transitions
    union all
    select min(created_at) from stg_opportunities
    union all
    select min(occurred_at) from stg_touchpoints
    union all
    select min(started_at) from stg_campaigns

),

first_day as (

    select
        least(
            (
                select min({{ local_date(first_at) }})
                from data_times
            ),
            (select min(month) from stg_channel_costs),
            (select min(fiscal_month) from stg_targets),
            settings.as_of_date
        ) as first_date,
        greatest(settings.as_of_date, (select max(fiscal_month) from stg_targets)) as last_covered_date,
    from settings

),

bounds as (

    select
        first_day.first_date,
        -- the last day of the fiscal year that holds last_covered_date
        cast(
            make_date(
                cast({{ fiscal_year(last_covered_date, settings.fiscal_year_start_month) }} as integer),
                settings.fiscal_year_start_month,
                1
            ) + interval 1 year - interval 1 day
            as date
        ) as last_date,
    from first_day
    cross join settings

),

days as (

    select cast(unnest(generate_series(cast(first_date as timestamp), cast(last_date as timestamp), interval 1 day)) as date) as date
    from bounds

),

fiscal as (

    select
        days.date,
        cast(date_trunc('month', days.date) as date) as month_start,
        cast({{ fiscal_year(days.date, settings.fiscal_year_start_month) }} as integer) as fiscal_year,
        cast({{ fiscal_month_number(days.date, settings.fiscal_year_start_month) }} as integer) as fiscal_month_number,
        settings.fiscal_year_start_month,
        settings.as_of_date,
    from days
    cross join settings

),

final as (

    select
        date,
        month_start,
        'FY' || fiscal_year as fiscal_year_label,
        fiscal_year,
        cast((fiscal_month_number - 1) // 3 + 1 as integer) as fiscal_quarter,
        fiscal_month_number,
        month_start as fiscal_month_start,
        make_date(fiscal_year, fiscal_year_start_month, 1) as fiscal_year_start,
        cast(
            make_date(fiscal_year, fiscal_year_start_month, 1)
                + to_months(((fiscal_month_number - 1) // 3) * 3)
            as date
        ) as fiscal_quarter_start,
        date > as_of_date as is_after_as_of,
    from fiscal

)

select * from final
order by date
