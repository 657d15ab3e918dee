-- One row per setting as text, with the contract's defaults applied: the
-- table behind the public `settings` view, from which clients (the
-- dashboard) read the fiscal year start, currency, LTV:CAC target, time zone
-- and as_of (the local date), so that their fiscal periods are the
-- warehouse's.

with settings as (
    select * from marts.settings
),

final as (
    select 'currency' as key, currency as value from settings
    union all
    select 'fiscal_year_start_month', cast(fiscal_year_start_month as varchar) from settings
    union all
    select 'gross_margin', cast(gross_margin as varchar) from settings
    union all
    select 'ltv_cac_target', cast(ltv_cac_target as varchar) from settings
    union all
    select 'attribution_lookback_days', cast(attribution_lookback_days as varchar) from settings
    union all
    select 'time_decay_half_life_days', cast(time_decay_half_life_days as varchar) from settings
    union all
    select 'time_zone', time_zone from settings
    union all
    select 'as_of', strftime(as_of_date, '%Y-%m-%d') from settings
)

select * from final
