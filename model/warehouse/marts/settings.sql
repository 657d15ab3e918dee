-- One row: the settings every mart and cube reads, typed, with the contract's
-- defaults where a key is absent (SETTING_DEFAULTS, server/contract/vocabulary.ts). as_of is the data's "today": a date means
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
        coalesce(currency, {{ default_currency }}) as currency,
        coalesce(cast(fiscal_year_start_month as integer), {{ default_fiscal_year_start_month }}) as fiscal_year_start_month,
        coalesce(cast(gross_margin as double), {{ default_gross_margin }}) as gross_margin,
        coalesce(cast(ltv_cac_target as double), {{ default_ltv_cac_target }}) as ltv_cac_target,
        coalesce(cast(attribution_lookback_days as integer), {{ default_attribution_lookback_days }}) as attribution_lookback_days,
        coalesce(cast(time_decay_half_life_days as double), {{ default_time_decay_half_life_days }}) as time_decay_half_life_days,
        coalesce(time_zone, timezone, {{ default_time_zone }}) as time_zone,
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
                then {{ utc_time(cast(as_of as date) + interval 1 day, time_zone) }}
                    - interval 1 microsecond
            else timezone('UTC', cast(as_of as timestamptz))
        end as as_of_at,
        {{ local_date(as_of_at, time_zone) }} as as_of_date,

    from typed

)

select * from final
