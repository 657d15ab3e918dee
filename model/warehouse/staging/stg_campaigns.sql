-- One row per campaign. ended_at is null while a campaign runs; buyer_journey_step
-- is null when the source leaves it out (the column is optional).

with

source as (

    select * from raw.campaigns

),

final as (

    select
        nullif(trim(campaign_id), '') as campaign_id,
        nullif(trim(campaign_name), '') as campaign_name,
        lower(nullif(trim(channel), '')) as channel,
        cast(nullif(trim(started_at), '') as timestamptz) at time zone 'UTC' as started_at,
        cast(nullif(trim(ended_at), '') as timestamptz) at time zone 'UTC' as ended_at,
        lower(nullif(trim(buyer_journey_step), '')) as buyer_journey_step,

    from source

)

select * from final
