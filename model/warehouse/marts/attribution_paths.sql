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
--
-- Leads are counted per chain and path label (channels joined by ' > '; a data
-- test keeps ' > ' out of channel keys, so the label names one path) and the list is
-- joined back once per distinct path: grouping 5 M lead rows by a list
-- column did not fit DuckDB's memory limit at 1 M leads. The ordered list
-- aggregate per lead and path end (walked_paths) is what needs the memory
-- here: about 4 GB of DuckDB's limit at 1 M leads (config.ts).

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
    select touchpoints.lead_id, touchpoints.occurred_at, touchpoints.channel, touchpoints.touchpoint_id
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

labelled_paths as (
    select
        lead_id,
        path_end_at,
        path,
        case when len(path) = 0 then '(none)' else array_to_string(path, ' > ') end as path_label,
    from walked_paths
),

-- the list once per distinct path: the lead rows below carry only its label
distinct_paths as (
    select path_label, any_value(path) as path
    from labelled_paths
    group by path_label
),

lead_channel_paths as (
    select
        lead_chains.markov_stage,
        lead_chains.is_converted,
        coalesce(labelled_paths.path_label, '(none)') as path_label,
    from lead_chains
    left join labelled_paths
        on labelled_paths.lead_id = lead_chains.lead_id
        and labelled_paths.path_end_at is not distinct from lead_chains.path_end_at
),

path_counts as (
    select
        markov_stage,
        path_label,
        count(*) filter (where is_converted) as conversions,
        count(*) filter (where not is_converted) as non_conversions,
    from lead_channel_paths
    group by markov_stage, path_label
),

final as (
    select
        path_counts.markov_stage,
        coalesce(distinct_paths.path, []) as path,
        path_counts.path_label,
        path_counts.conversions,
        path_counts.non_conversions,
    from path_counts
    left join distinct_paths on distinct_paths.path_label = path_counts.path_label
)

select * from final
order by markov_stage, conversions + non_conversions desc, path_label
