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

-- the first touch of each lead: an aggregate (a hash table of the leads) rather than numbering every touch in
-- a sort; (occurred_at, touchpoint_id) is unique, touchpoint_id being the touches' key. arg_min skips a NULL
-- value, so the channel and campaign go in as the non-NULL stand-ins final reads them as ('(none)', '', which
-- staging never leaves in campaign_id) and come back out.
first_touches as (
    select
        touchpoints.lead_id,
        min(touchpoints.occurred_at) as occurred_at,
        arg_min(coalesce(touchpoints.channel, '(none)'), (touchpoints.occurred_at, touchpoints.touchpoint_id))
            as channel,
        nullif(arg_min(coalesce(touchpoints.campaign_id, ''), (touchpoints.occurred_at, touchpoints.touchpoint_id)), '')
            as campaign_id,
    from stg_touchpoints as touchpoints
    cross join settings
    where touchpoints.occurred_at <= settings.as_of_at
    group by touchpoints.lead_id
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
    left join first_touches on first_touches.lead_id = lead_attributes.lead_id
    left join reach on reach.lead_id = lead_attributes.lead_id
)

select * from final
