-- One row per campaign. ended_at is null while a campaign runs.

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

    from source

)

select * from final
