-- Channel paths for the data-driven (Markov) model, aggregated: one row per
-- chain (markov_stage = the funnel stage whose reach is the conversion) and
-- distinct path, with how many leads converted on it and how many did not.
-- The contract's chain is `opportunity`; the other stages give the chains of
-- the stage conversions (which channels drive a lead to mql, to sql, ...).
--
-- A lead's path is its own touchpoints (lead grain, as the contract says:
-- "channel paths of all leads") in time order, inside the lookback window
-- that ends at the conversion (reached(stage)) for a converter and at the
-- lead's last touch (up to as_of) for a lead that has not converted; so
-- every path covers at most attribution_lookback_days of activity. A lead
-- without a touch in its window has the empty path, which markov.ts reads as
-- the channel `(none)`. Repeated channels are kept (self-loops do not change
-- absorption probabilities).

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

touches as (
    select touchpoints.*
    from stg_touchpoints as touchpoints
    cross join settings
    where touchpoints.occurred_at <= settings.as_of_at
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
    select distinct lead_id, path_end_at from lead_chains
),

walked_paths as (
    select
        path_ends.lead_id,
        path_ends.path_end_at,
        coalesce(
            list(touches.channel order by touches.occurred_at, touches.touchpoint_id)
                filter (where touches.touchpoint_id is not null),
            []
        ) as path,
    from path_ends
    cross join settings
    left join touches
        on touches.lead_id = path_ends.lead_id
        and touches.occurred_at <= path_ends.path_end_at
        and touches.occurred_at >= path_ends.path_end_at - to_days(settings.attribution_lookback_days)
    group by all
),

lead_channel_paths as (
    select
        lead_chains.markov_stage,
        lead_chains.lead_id,
        lead_chains.is_converted,
        coalesce(walked_paths.path, []) as path,
    from lead_chains
    left join walked_paths
        on walked_paths.lead_id = lead_chains.lead_id
        and walked_paths.path_end_at is not distinct from lead_chains.path_end_at
),

final as (
    select
        markov_stage,
        path,
        case when len(path) = 0 then '(none)' else array_to_string(path, ' > ') end as path_label,
        count(*) filter (where is_converted) as conversions,
        count(*) filter (where not is_converted) as non_conversions,
    from lead_channel_paths
    group by all
)

select * from final
order by markov_stage, conversions + non_conversions desc, path_label
