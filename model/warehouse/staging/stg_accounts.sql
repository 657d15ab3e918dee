-- One row per account (a buying company). Times are stored as UTC without a
-- zone: a seed time with an offset keeps its instant, one without is read in
-- the settings' zone (the build sets the session time zone to it).

with

source as (

    select * from raw.accounts

),

final as (

    select
        nullif(trim(account_id), '') as account_id,
        nullif(trim(account_name), '') as account_name,
        nullif(trim(industry), '') as industry,
        nullif(trim(employee_band), '') as employee_band,
        nullif(trim(region), '') as region,
        cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as created_at,
        cast(nullif(trim(churned_at), '') as timestamptz) at time zone 'UTC' as churned_at,

    from source

)

select * from final
