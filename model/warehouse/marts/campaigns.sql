-- One row per campaign with its name and channel: the table the semantic
-- layer's `campaigns` cube reads. A campaign without a name is shown by its
-- id.

with campaigns as (
    select * from stg_campaigns
),

final as (
    select
        campaign_id,
        coalesce(campaign_name, campaign_id) as campaign_name,
        channel,
        started_at,
        ended_at,
    from campaigns
)

select * from final
