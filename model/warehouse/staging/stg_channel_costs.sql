-- One row per month, channel and (optional) campaign: what was spent.
-- month is the month's first day, a calendar date (no time, no zone).

with

source as (

    select * from raw.channel_costs

),

final as (

    select
        cast(nullif(trim(month), '') as date) as month,
        lower(nullif(trim(channel), '')) as channel,
        nullif(trim(campaign_id), '') as campaign_id,
        cast(nullif(trim(cost), '') as bigint) as cost,

    from source

)

select * from final
