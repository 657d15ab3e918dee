-- Channel transitions for the data-driven (Markov) model: one row per chain
-- (markov_stage = the funnel stage whose reach is the conversion) and state
-- pair, with how many lead paths took that step. A first-order chain needs
-- nothing else (model/warehouse/marts/attribution_markov/markov.ts), so no
-- lead's path is ever held as a list: one window over the touches (one sort by
-- lead and time) gives every touch its neighbours, and each path's steps
-- follow from those.
--
-- A lead's path is its own touchpoints (lead grain, as the contract says:
-- "channel paths of all leads") in time order, inside the lookback window
-- that ends at the conversion (reached(stage)) for a converter and at the
-- lead's last touch (up to as_of) for a lead that has not converted; so
-- every path covers at most attribution_lookback_days of activity. Each path
-- reads (start) → its channels → (conversion) or (null); a lead without a
-- touch in its window walks (start) → (none) → its outcome. Repeated channels
-- are kept (self-loops do not change absorption probabilities).

with settings as (
    select * from settings
),

stages as (
    select * from funnel_stages where is_funnel
),

lead_attributes as (
    select * from leads
),

reach as (
    select * from lead_stage_reach
),

-- each touch with its neighbours in the lead's time order: one sort of the
-- touches, whatever the number of paths a touch belongs to
touches as (
    select
        touchpoints.lead_id,
        touchpoints.occurred_at,
        touchpoints.channel,
        lag(touchpoints.channel) over lead_order as previous_channel,
        lag(touchpoints.occurred_at) over lead_order as previous_at,
        lead(touchpoints.occurred_at) over lead_order as next_at,
    from stg_touchpoints as touchpoints
    cross join settings
    where touchpoints.occurred_at <= settings.as_of_at
    window lead_order as (partition by touchpoints.lead_id order by touchpoints.occurred_at, touchpoints.touchpoint_id)
),

last_touches as (
    select lead_id, max(occurred_at) as last_touch_at
    from touches
    group by all
),

lead_chains as (
    select
        stages.stage as markov_stage,
        lead_attributes.lead_id,
        reach.reached_at is not null as is_converted,
        coalesce(reach.reached_at, last_touches.last_touch_at) as path_end_at,
    from lead_attributes
    cross join stages
    left join reach
        on reach.lead_id = lead_attributes.lead_id
        and reach.stage = stages.stage
    left join last_touches on last_touches.lead_id = lead_attributes.lead_id
    where stages.previous_funnel_stage is not null
),

-- a lead that converts to no further stage has the same path end in every
-- chain, so each distinct (lead, path end) is walked once
path_ends as (
    select distinct lead_id, path_end_at from lead_chains where path_end_at is not null
),

-- a path is the run of its lead's touches inside [path_end - lookback,
-- path_end]: a touch's step comes from its previous touch when that one is
-- in the window too (it is never after the path end), else from (start);
-- the touch is the path's last when the next one is absent or after the end
path_touches as (
    select
        path_ends.lead_id,
        path_ends.path_end_at,
        touches.channel,
        case
            when touches.previous_at >= path_ends.path_end_at - to_days(settings.attribution_lookback_days)
                then touches.previous_channel
        end as previous_channel,
        touches.next_at is null or touches.next_at > path_ends.path_end_at as is_last,
    from path_ends
    cross join settings
    inner join touches
        on touches.lead_id = path_ends.lead_id
        and touches.occurred_at <= path_ends.path_end_at
        and touches.occurred_at >= path_ends.path_end_at - to_days(settings.attribution_lookback_days)
),

last_channels as (
    select lead_id, path_end_at, channel as last_channel
    from path_touches
    where is_last
),

-- each path's steps counted once per chain that walks it (grouping them per path first kept almost every row:
-- 1.47 of 1.58 M at 200 k leads)
chain_steps as (
    select
        lead_chains.markov_stage,
        coalesce(path_touches.previous_channel, '(start)') as from_state,
        path_touches.channel as to_state,
        count(*) as transitions,
    from lead_chains
    inner join path_touches
        on path_touches.lead_id = lead_chains.lead_id
        and path_touches.path_end_at = lead_chains.path_end_at
    group by all
),

chain_outcomes as (
    select
        lead_chains.markov_stage,
        coalesce(last_channels.last_channel, '(none)') as from_state,
        case when lead_chains.is_converted then '(conversion)' else '(null)' end as to_state,
        count(*) as transitions,
    from lead_chains
    left join last_channels
        on last_channels.lead_id = lead_chains.lead_id
        and last_channels.path_end_at = lead_chains.path_end_at
    group by all
),

-- the empty path's first step
chain_empty_starts as (
    select markov_stage, '(start)' as from_state, '(none)' as to_state, sum(transitions) as transitions,
    from chain_outcomes
    where from_state = '(none)'
    group by all
),

final as (
    select markov_stage, from_state, to_state, sum(transitions)::bigint as transitions,
    from (
        select * from chain_steps
        union all
        select * from chain_outcomes
        union all
        select * from chain_empty_starts
    )
    group by all
)

select * from final
order by markov_stage, from_state, to_state
