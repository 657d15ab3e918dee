-- Attribution credit (contract definition 9), the wide table: one row per
-- conversion (attribution_conversions), channel and campaign, with the
-- summed weight of that channel's and campaign's touches under each of the
-- seven models as a column. Per conversion the weights of each model sum to
-- 1; a conversion without a touch in its window is credited to channel
-- `(none)` with weight 1 under every model, never dropped.
--
-- Grain and size: the seven models share the conversion, channel, campaign
-- and touch count, so they are columns here rather than rows;
-- attribution_credits is the long form (a view: one row per model with a
-- weight > 0), which the cubes and the tests read. Generated sample, seed 7:
-- 200 k leads → 1.59 M rows here (the long form: 8.42 M); 1 M leads →
-- ~8 M rows here (long: ~42 M). Building the long form as a table took 18 s
-- at 200 k leads, this table 3.6 s.
--
-- Touches: every touchpoint of every lead of the conversion's account with
-- window_start_at <= occurred_at <= window_end_at (lookback from settings),
-- ordered by (occurred_at, touchpoint_id); ties are broken by id so that
-- "first" and "last" are always one touch. Positions:
--   first          rank 1
--   last           rank n (the last touch at or before the conversion)
--   lead creation  the last touch of credit_lead_id at or before that lead's
--                  created_at; when it has none in the window, the first
--                  touch stands in (as in attribution_lead_weights/attribution-weights.ts)
-- Models (the same rules as the engine's reference implementation, which the
-- tests compare this mart with):
--   first_touch, last_touch  100 % on the position
--   linear                   1 / n
--   u_shaped                 40 % first + 40 % lead creation, 20 % split
--                            equally over the other touches
--   w_shaped                 30 % first + 30 % lead creation + 30 % last,
--                            10 % split equally over the other touches
--                            Positions that coincide add their shares; with
--                            no other touch the remainder is spread in
--                            proportion to the merged shares (= dividing by
--                            their sum), so the weights always sum to 1.
--   time_decay               2^(−days before the conversion ÷ half-life),
--                            taken relative to the nearest touch (no
--                            underflow), normalised
--   data_driven              the chain's Markov share of the touch's channel
--                            (attribution_markov), split equally over that
--                            channel's touches in the window, normalised;
--                            linear when every present channel has share 0
-- Every model's raw weights are divided by their sum per conversion.

with settings as (
    select * from settings
),

conversions as (
    select * from attribution_conversions
),

lead_attributes as (
    select * from leads
),

markov_shares as (
    select * from attribution_markov
),

touches as (
    select
        touchpoints.touchpoint_id,
        touchpoints.lead_id,
        touchpoints.occurred_at,
        touchpoints.channel,
        touchpoints.campaign_id,
        coalesce(lead_attributes.account_id, '(lead) ' || touchpoints.lead_id) as touch_group,
    from stg_touchpoints as touchpoints
    left join lead_attributes on lead_attributes.lead_id = touchpoints.lead_id
),

window_touches as (
    select
        conversions.conversion_number,
        conversions.credit_lead_id,
        conversions.credit_lead_created_at,
        touches.touchpoint_id,
        touches.lead_id as touch_lead_id,
        touches.occurred_at,
        touches.channel,
        touches.campaign_id,
        date_diff('millisecond', touches.occurred_at, conversions.window_end_at) / 86400000.0 as days_before,
        row_number() over (
            partition by conversions.conversion_number
            order by touches.occurred_at, touches.touchpoint_id
        ) as touch_rank,
    from conversions
    inner join touches
        on touches.touch_group = conversions.touch_group
        and touches.occurred_at <= conversions.window_end_at
        and touches.occurred_at >= conversions.window_start_at
),

positions as (
    select
        conversion_number,
        count(*) as touch_count,
        coalesce(
            max(touch_rank) filter (where touch_lead_id = credit_lead_id and occurred_at <= credit_lead_created_at),
            1
        ) as lead_creation_rank,
        min(days_before) as nearest_days_before,
    from window_touches
    group by all
),

raw_weights as (
    select
        window_touches.conversion_number,
        window_touches.channel,
        window_touches.campaign_id,
        positions.touch_count,
        (touch_rank = 1)::double as first_touch,
        (touch_rank = touch_count)::double as last_touch,
        1.0 / touch_count as linear,
        0.4 * (touch_rank = 1)::int
            + 0.4 * (touch_rank = lead_creation_rank)::int
            + case
                when touch_rank <> 1 and touch_rank <> lead_creation_rank
                    then 0.2 / (touch_count - 1 - (lead_creation_rank <> 1)::int)
                else 0
            end as u_shaped,
        0.3 * (touch_rank = 1)::int
            + 0.3 * (touch_rank = lead_creation_rank)::int
            + 0.3 * (touch_rank = touch_count)::int
            + case
                when touch_rank <> 1 and touch_rank <> lead_creation_rank and touch_rank <> touch_count
                    then 0.1 / (
                        touch_count
                        - 1
                        - (lead_creation_rank <> 1)::int
                        - (touch_count <> 1 and touch_count <> lead_creation_rank)::int
                    )
                else 0
            end as w_shaped,
        pow(2.0, -(days_before - nearest_days_before) / settings.time_decay_half_life_days) as time_decay,
    from window_touches
    inner join positions on positions.conversion_number = window_touches.conversion_number
    cross join settings
),

-- summed per channel and campaign before anything else (far fewer rows than
-- touches), normalised per conversion, then turned long
channel_raw_weights as (
    select
        conversion_number,
        channel,
        campaign_id,
        count(*) as touches,
        sum(first_touch) as first_touch,
        sum(last_touch) as last_touch,
        sum(linear) as linear,
        sum(u_shaped) as u_shaped,
        sum(w_shaped) as w_shaped,
        sum(time_decay) as time_decay,
    from raw_weights
    group by all
),

channel_touch_counts as (
    select conversion_number, channel, sum(touches) as channel_touches
    from channel_raw_weights
    group by all
),

with_data_driven as (
    select
        channel_raw_weights.*,
        conversions.markov_stage,
        -- the channel's Markov share, split over its touches in the window
        coalesce(markov_shares.share, 0) * channel_raw_weights.touches / channel_touch_counts.channel_touches
            as data_driven,
    from channel_raw_weights
    inner join channel_touch_counts
        on channel_touch_counts.conversion_number = channel_raw_weights.conversion_number
        and channel_touch_counts.channel = channel_raw_weights.channel
    inner join conversions on conversions.conversion_number = channel_raw_weights.conversion_number
    left join markov_shares
        on markov_shares.markov_stage = conversions.markov_stage
        and markov_shares.channel = channel_raw_weights.channel
),

weight_totals as (
    select
        conversion_number,
        sum(touches) as touch_count,
        sum(first_touch) as first_touch,
        sum(last_touch) as last_touch,
        sum(linear) as linear,
        sum(u_shaped) as u_shaped,
        sum(w_shaped) as w_shaped,
        sum(time_decay) as time_decay,
        sum(data_driven) as data_driven,
    from with_data_driven
    group by all
),

normalised as (
    select
        with_data_driven.conversion_number,
        with_data_driven.channel,
        with_data_driven.campaign_id,
        with_data_driven.touches,
        with_data_driven.first_touch / weight_totals.first_touch as first_touch,
        with_data_driven.last_touch / weight_totals.last_touch as last_touch,
        with_data_driven.linear / weight_totals.linear as linear,
        with_data_driven.u_shaped / weight_totals.u_shaped as u_shaped,
        with_data_driven.w_shaped / weight_totals.w_shaped as w_shaped,
        with_data_driven.time_decay / weight_totals.time_decay as time_decay,
        case
            when weight_totals.data_driven > 0 then with_data_driven.data_driven / weight_totals.data_driven
            -- no channel of the conversion is known to the chain: linear
            else with_data_driven.touches / weight_totals.touch_count
        end as data_driven,
    from with_data_driven
    inner join weight_totals on weight_totals.conversion_number = with_data_driven.conversion_number
),

untouched as (
    select conversions.conversion_number
    from conversions
    where not exists (
        select 1 from positions where positions.conversion_number = conversions.conversion_number
    )
),

credits as (
    select
        conversion_number,
        channel,
        campaign_id,
        touches,
        first_touch,
        last_touch,
        linear,
        u_shaped,
        w_shaped,
        time_decay,
        data_driven,
    from normalised
    union all
    select
        conversion_number,
        '(none)' as channel,
        cast(null as varchar) as campaign_id,
        0 as touches,
        1.0 as first_touch,
        1.0 as last_touch,
        1.0 as linear,
        1.0 as u_shaped,
        1.0 as w_shaped,
        1.0 as time_decay,
        1.0 as data_driven,
    from untouched
)

select
    row_number() over (order by conversion_number, channel, campaign_id) as credit_row,
    *,
from credits
