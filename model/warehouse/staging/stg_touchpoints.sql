-- One row per marketing or sales touch of a lead (page view, download,
-- webinar, sales call, ...).

with

source as (

    select * from raw.touchpoints

),

final as (

    select
        nullif(trim(touchpoint_id), '') as touchpoint_id,
        nullif(trim(lead_id), '') as lead_id,
        cast(nullif(trim(occurred_at), '') as timestamptz) at time zone 'UTC' as occurred_at,
        lower(nullif(trim(channel), '')) as channel,
        nullif(trim(campaign_id), '') as campaign_id,
        lower(nullif(trim(touch_type), '')) as touch_type,

    from source

)

select * from final
