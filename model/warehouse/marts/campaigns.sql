-- One row per campaign with its name, channel and the buyer-journey step it
-- serves: the table the semantic layer's `campaigns` cube reads. A campaign
-- without a name is shown by its id; one without a step reads `unmapped`
-- (docs/metrics.md definition 20). A step outside the bundled five is kept:
-- the steps are a company's own.

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
        coalesce(buyer_journey_step, {{ unmapped_journey_step }}) as buyer_journey_step,
    from campaigns
)

select * from final
