{{ config(materialized='view') }}
-- A lead's journey: one row per thing that happened to one lead, in time
-- order — its touchpoints (channel, campaign, touch type), its stage
-- transitions (with reason and team) and its opportunities as primary
-- contact (created, and closed when closed). Personal data: served only
-- through the journey API route (server/api/journey.ts), which checks the
-- caller's role; no Cube view reads it.
-- occurred_local is the time in the settings' zone, for display.
--
-- A view, computed when read: it is only ever read for one lead (or a few),
-- and a filter on lead_id reaches the sources' scans through the union and
-- the window (partitioned by lead_id), so reading one lead's journey costs
-- a filtered scan (measured 79 ms at 200 k leads) where the table cost
-- 7-8 s and 2.2 M rows at each build. Names are schema-qualified: DuckDB
-- resolves a view's names when it is read, on the reader's search path.

with settings as (
    select * from marts.settings
),

touches as (
    select
        touchpoints.lead_id,
        'touch' as event_type,
        touchpoints.occurred_at,
        touchpoints.touchpoint_id as event_id,
        touchpoints.channel,
        touchpoints.campaign_id,
        campaigns.campaign_name,
        touchpoints.touch_type,
    from staging.stg_touchpoints as touchpoints
    left join marts.campaigns as campaigns on campaigns.campaign_id = touchpoints.campaign_id
),

transitions as (
    select
        lead_id,
        'transition' as event_type,
        transitioned_at as occurred_at,
        transition_id as event_id,
        from_stage,
        to_stage,
        reason,
        team,
    from staging.stg_stage_transitions
),

opportunity_events as (
    select
        deals.lead_id,
        events.event_type,
        case when events.event_type = 'opportunity_created' then deals.created_at else deals.closed_at end as occurred_at,
        deals.opportunity_id || ':' || events.event_type as event_id,
        case when events.event_type = 'opportunity_closed' then deals.lost_reason end as reason,
        deals.owner_team as team,
        deals.opportunity_id,
        deals.amount,
        deals.status,
        deals.deal_type,
    from marts.deals as deals
    cross join (values ('opportunity_created'), ('opportunity_closed')) as events(event_type)
    where deals.lead_id is not null
        and (events.event_type = 'opportunity_created' or deals.closed_at is not null)
),

-- each kind of event has only its own columns; the others read null
-- (spelled out rather than `union all by name`, which PostgreSQL lacks)
unioned as (
    select
        lead_id, event_type, occurred_at, event_id,
        channel, campaign_id, campaign_name, touch_type,
        cast(null as varchar) as from_stage, cast(null as varchar) as to_stage,
        cast(null as varchar) as reason, cast(null as varchar) as team,
        cast(null as varchar) as opportunity_id, cast(null as bigint) as amount,
        cast(null as varchar) as status, cast(null as varchar) as deal_type,
    from touches
    union all
    select
        lead_id, event_type, occurred_at, event_id,
        null, null, null, null,
        from_stage, to_stage, reason, team,
        null, null, null, null,
    from transitions
    union all
    select
        lead_id, event_type, occurred_at, event_id,
        null, null, null, null,
        null, null, reason, team,
        opportunity_id, amount, status, deal_type,
    from opportunity_events
),

final as (
    select
        unioned.lead_id,
        row_number() over (
            partition by unioned.lead_id
            -- at the same instant: the touch, then the stage change it caused, then the deal
            order by unioned.occurred_at, case unioned.event_type when 'touch' then 1 when 'transition' then 2 else 3 end, unioned.event_id
        ) as event_number,
        unioned.event_type,
        unioned.occurred_at,
        unioned.event_id,
        unioned.channel,
        unioned.campaign_id,
        unioned.campaign_name,
        unioned.touch_type,
        unioned.from_stage,
        unioned.to_stage,
        unioned.reason,
        unioned.team,
        unioned.opportunity_id,
        unioned.amount,
        unioned.status,
        unioned.deal_type,
        {{ local_time(unioned.occurred_at) }} as occurred_local,
    from unioned
    cross join settings
)

select * from final
