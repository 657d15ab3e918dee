-- One row: the settings every mart and cube reads, typed, with the contract's
-- defaults where a key is absent. as_of is the data's "today": a date means
-- the end of that day in the settings' zone, so "not after as_of" keeps the
-- whole day. as_of_at is UTC like every warehouse time; as_of_date is the
-- local calendar date. The zone is read from `time_zone` (or `timezone`).

with

stg_settings as (

    select * from stg_settings

),

pivoted as (

    select
        max(value) filter (where key = 'currency') as currency,
        max(value) filter (where key = 'fiscal_year_start_month') as fiscal_year_start_month,
        max(value) filter (where key = 'gross_margin') as gross_margin,
        max(value) filter (where key = 'ltv_cac_target') as ltv_cac_target,
        max(value) filter (where key = 'attribution_lookback_days') as attribution_lookback_days,
        max(value) filter (where key = 'time_decay_half_life_days') as time_decay_half_life_days,
        max(value) filter (where key = 'time_zone') as time_zone,
        max(value) filter (where key = 'timezone') as timezone,
        max(value) filter (where key = 'as_of') as as_of,

    from stg_settings

),

typed as (

    select
        coalesce(currency, 'JPY') as currency,
        coalesce(cast(fiscal_year_start_month as integer), 4) as fiscal_year_start_month,
        coalesce(cast(gross_margin as double), 0.75) as gross_margin,
        coalesce(cast(ltv_cac_target as double), 3) as ltv_cac_target,
        coalesce(cast(attribution_lookback_days as integer), 180) as attribution_lookback_days,
        coalesce(cast(time_decay_half_life_days as double), 7) as time_decay_half_life_days,
        coalesce(time_zone, timezone, 'Asia/Tokyo') as time_zone,
        as_of,

    from pivoted

),

final as (

    select
        currency,
        fiscal_year_start_month,
        gross_margin,
        ltv_cac_target,
        attribution_lookback_days,
        time_decay_half_life_days,
        time_zone,
        case
            when length(as_of) = 10
                then timezone('UTC', timezone(time_zone, cast(as_of as date) + interval 1 day))
                    - interval 1 microsecond
            else timezone('UTC', cast(as_of as timestamptz))
        end as as_of_at,
        cast(timezone(time_zone, timezone('UTC', as_of_at)) as date) as as_of_date,

    from typed

)

select * from final
