-- One row per lead with the channel that brought it: its first touchpoint
-- (the lead's own, at any time up to as_of, ties broken by touchpoint_id),
-- or `(none)` when it has none. This is the "leads (first touch)" of
-- contract definition 9: the lead count behind CPL, the channel mix of the
-- reverse plan and the leads-per-channel nodes of the KPI tree.
-- lead_month is the local month of reached(lead) (stage volume, contract
-- definition 1), or of created_at for a lead without transitions.

with settings as (
    select * from settings
),

lead_attributes as (
    select * from leads
),

reach as (
    select * from lead_stage_reach where funnel_position = 1
),

ranked_touches as (
    select
        touchpoints.lead_id,
        touchpoints.channel,
        touchpoints.campaign_id,
        touchpoints.occurred_at,
        row_number() over (
            partition by touchpoints.lead_id
            order by touchpoints.occurred_at, touchpoints.touchpoint_id
        ) as touch_rank,
    from stg_touchpoints as touchpoints
    cross join settings
    where touchpoints.occurred_at <= settings.as_of_at
),

final as (
    select
        lead_attributes.lead_id,
        lead_attributes.account_id,
        coalesce(first_touches.channel, '(none)') as channel,
        first_touches.campaign_id,
        first_touches.occurred_at as first_touch_at,
        lead_attributes.created_at,
        coalesce(reach.reached_at, lead_attributes.created_at) as lead_at,
        cast(
            {{ local_month(coalesce(reach.reached_at, lead_attributes.created_at)) }}
            as timestamp
        ) as lead_month,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.owner_team,
    from lead_attributes
    cross join settings
    left join ranked_touches as first_touches
        on first_touches.lead_id = lead_attributes.lead_id
        and first_touches.touch_rank = 1
    left join reach on reach.lead_id = lead_attributes.lead_id
)

select * from final
