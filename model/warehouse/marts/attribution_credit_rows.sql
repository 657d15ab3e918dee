-- Attribution credit (contract definition 9), the stored wide rows: one row
-- per conversion (attribution_conversions), channel and campaign, with the
-- summed weight of that channel's and campaign's touches under each of the
-- seven models as a column. Per conversion the weights of each model sum to
-- 1; a conversion without a touch in its window is credited to channel
-- `(none)` with weight 1 under every model, never dropped.
--
-- Linear is not stored: it is the row's touches ÷ the conversion's
-- (conversion_touches), which the view attribution_credit_weights, the wide
-- table every reader reads, divides when read. A double that the row's two
-- integers give took a sixth of this table (5.2 of its 30.4 MB at 100 k
-- leads); conversion_touches, an integer repeated along a conversion's rows,
-- takes 0.8 MB (the table: 26.0 MB).
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
--   linear                   1 / n (divided in attribution_credit_weights)
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
--   data_driven              not stored: the chain's Markov share of the
--                            row's channel over the shares of the channels
--                            in the window (attribution_data_driven), split
--                            by the row's touches over the channel's
--                            (channel_touches); the view
--                            attribution_credit_weights applies it
-- Every model's raw weights are divided by their sum per conversion.
--
-- Incremental (a day's import): a conversion's rows read only its own row,
-- its credit lead's and its account's leads' touches and the settings, so
-- the rows of the changed leads' and accounts' conversions are replaced and
-- the others kept (incremental: [lead_id, account_id]). Nothing here is
-- numbered over all rows: credit_row is a hash of the conversion, channel
-- and campaign (stable_number, 59 bits: attribution_credits and
-- attribution_levels multiply it by 7 and 14 within a bigint; 8 M rows, as
-- at 1 M leads, collide with a chance of about 1 in 18,000, and its unique
-- test then fails the build), and the Markov shares, which every lead's
-- path moves, are applied when read.
--
-- Cost: the rows here are few next to the touches in the windows (1.36 M
-- at 100 k leads), so what runs per window touch is kept to hashing on
-- integers: the touches' order is one number (touch_order, numbered within
-- each account's touches), the positions are a min or max of it per conversion (no
-- numbering of each window's touches), and channel and campaign travel as
-- one integer (cell_number) until the names are put back on the result.
-- Both are numbered over the touches read (in a day's import, the changed
-- leads' only) and never leave this model.

with settings as (
    select * from settings
),

conversions as (
    select * from attribution_conversions
),

lead_attributes as (
    select * from leads
),

-- Every channel and campaign a touch names (campaign_id is never '' after
-- staging, which turns empty cells into NULL, so '' stands for "none" in
-- the join key).
touch_cells as (
    select
        channel,
        campaign_id,
        coalesce(campaign_id, '') as campaign_key,
        row_number() over (order by channel, campaign_id) as cell_number,
        dense_rank() over (order by channel) as channel_number,
    from (select distinct channel, campaign_id from stg_touchpoints) as named
),

touches as (
    select
        touchpoints.lead_id,
        touchpoints.occurred_at,
        touch_cells.cell_number,
        touch_cells.channel_number,
        coalesce(lead_attributes.account_id, '(lead) ' || touchpoints.lead_id) as touch_group,
        -- compared only within a conversion, whose touches share one touch_group: numbered per group (many small
        -- sorts instead of one over every touch)
        row_number() over (
            partition by coalesce(lead_attributes.account_id, '(lead) ' || touchpoints.lead_id)
            order by touchpoints.occurred_at, touchpoints.touchpoint_id
        ) as touch_order,
    from stg_touchpoints as touchpoints
    inner join touch_cells
        on touch_cells.channel = touchpoints.channel
        and touch_cells.campaign_key = coalesce(touchpoints.campaign_id, '')
    left join lead_attributes on lead_attributes.lead_id = touchpoints.lead_id
),

window_touches as (
    select
        conversions.conversion_number,
        conversions.lead_id as credit_lead_id,
        conversions.credit_lead_created_at,
        touches.touch_order,
        touches.lead_id as touch_lead_id,
        touches.occurred_at,
        touches.cell_number,
        touches.channel_number,
        date_diff('millisecond', touches.occurred_at, conversions.window_end_at) / 86400000.0 as days_before,
    from conversions
    inner join touches
        on touches.touch_group = conversions.touch_group
        and touches.occurred_at <= conversions.window_end_at
        and touches.occurred_at >= conversions.window_start_at
),

-- the touch_order of the first, last and lead-creation touches
positions as (
    select
        conversion_number,
        count(*) as touch_count,
        min(touch_order) as first_order,
        max(touch_order) as last_order,
        coalesce(
            max(touch_order) filter (where touch_lead_id = credit_lead_id and occurred_at <= credit_lead_created_at),
            min(touch_order)
        ) as creation_order,
        min(days_before) as nearest_days_before,
    from window_touches
    group by all
),

-- the positions held by distinct touches (positions that coincide add their shares on one touch)
position_counts as (
    select
        *,
        1 + (creation_order <> first_order)::int as u_positions,
        1 + (creation_order <> first_order)::int + (last_order <> first_order and last_order <> creation_order)::int
            as w_positions,
    from positions
),

raw_weights as (
    select
        window_touches.conversion_number,
        window_touches.cell_number,
        window_touches.channel_number,
        (touch_order = first_order)::double as first_touch,
        (touch_order = last_order)::double as last_touch,
        0.4 * (touch_order = first_order)::int
            + 0.4 * (touch_order = creation_order)::int
            + case
                when touch_order <> first_order and touch_order <> creation_order
                    then 0.2 / (touch_count - u_positions)
                else 0
            end as u_shaped,
        0.3 * (touch_order = first_order)::int
            + 0.3 * (touch_order = creation_order)::int
            + 0.3 * (touch_order = last_order)::int
            + case
                when touch_order <> first_order and touch_order <> creation_order and touch_order <> last_order
                    then 0.1 / (touch_count - w_positions)
                else 0
            end as w_shaped,
        pow(2.0, -(days_before - nearest_days_before) / settings.time_decay_half_life_days) as time_decay,
    from window_touches
    inner join position_counts on position_counts.conversion_number = window_touches.conversion_number
    cross join settings
),

-- summed per channel and campaign before anything else (far fewer rows than
-- touches), normalised per conversion, then turned long
channel_raw_weights as (
    select
        conversion_number,
        cell_number,
        channel_number,
        count(*) as touches,
        sum(first_touch) as first_touch,
        sum(last_touch) as last_touch,
        sum(u_shaped) as u_shaped,
        sum(w_shaped) as w_shaped,
        sum(time_decay) as time_decay,
    from raw_weights
    group by all
),

channel_touch_counts as (
    select conversion_number, channel_number, sum(touches) as channel_touches
    from channel_raw_weights
    group by all
),

-- the conversion's channels, for the data-driven weight (attribution_data_driven); channel_touch_counts has
-- one row per channel already (no `distinct`)
channel_sets as (
    select
        channel_touch_counts.conversion_number,
        string_agg(channels.channel, '|' order by channels.channel) as channel_set,
    from channel_touch_counts
    inner join (select distinct channel, channel_number from touch_cells) as channels
        on channels.channel_number = channel_touch_counts.channel_number
    group by channel_touch_counts.conversion_number
),

weight_totals as (
    select
        conversion_number,
        sum(touches) as touch_count,
        sum(first_touch) as first_touch,
        sum(last_touch) as last_touch,
        sum(u_shaped) as u_shaped,
        sum(w_shaped) as w_shaped,
        sum(time_decay) as time_decay,
    from channel_raw_weights
    group by all
),

normalised as (
    select
        channel_raw_weights.conversion_number,
        channel_raw_weights.cell_number,
        channel_raw_weights.touches,
        cast(weight_totals.touch_count as integer) as conversion_touches,
        cast(channel_touch_counts.channel_touches as integer) as channel_touches,
        channel_sets.channel_set,
        channel_raw_weights.first_touch / weight_totals.first_touch as first_touch,
        channel_raw_weights.last_touch / weight_totals.last_touch as last_touch,
        channel_raw_weights.u_shaped / weight_totals.u_shaped as u_shaped,
        channel_raw_weights.w_shaped / weight_totals.w_shaped as w_shaped,
        channel_raw_weights.time_decay / weight_totals.time_decay as time_decay,
    from channel_raw_weights
    inner join weight_totals on weight_totals.conversion_number = channel_raw_weights.conversion_number
    inner join channel_touch_counts
        on channel_touch_counts.conversion_number = channel_raw_weights.conversion_number
        and channel_touch_counts.channel_number = channel_raw_weights.channel_number
    inner join channel_sets on channel_sets.conversion_number = channel_raw_weights.conversion_number
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
        normalised.conversion_number,
        touch_cells.channel,
        touch_cells.campaign_id,
        normalised.touches,
        normalised.conversion_touches,
        normalised.channel_touches,
        normalised.channel_set,
        normalised.first_touch,
        normalised.last_touch,
        normalised.u_shaped,
        normalised.w_shaped,
        normalised.time_decay,
    from normalised
    inner join touch_cells on touch_cells.cell_number = normalised.cell_number
    union all
    select
        conversion_number,
        '(none)' as channel,
        cast(null as varchar) as campaign_id,
        0 as touches,
        0 as conversion_touches,
        0 as channel_touches,
        cast(null as varchar) as channel_set,
        1.0 as first_touch,
        1.0 as last_touch,
        1.0 as u_shaped,
        1.0 as w_shaped,
        1.0 as time_decay,
    from untouched
),

final as (
    select
        {{ stable_number(cast(credits.conversion_number as varchar) || '|' || credits.channel || '|' || coalesce(credits.campaign_id, ''), 59) }}
            as credit_row,
        credits.conversion_number,
        conversions.lead_id,
        conversions.account_id,
        conversions.markov_stage,
        credits.channel,
        credits.campaign_id,
        credits.touches,
        credits.conversion_touches,
        credits.channel_touches,
        credits.channel_set,
        credits.first_touch,
        credits.last_touch,
        credits.u_shaped,
        credits.w_shaped,
        credits.time_decay,
    from credits
    inner join conversions on conversions.conversion_number = credits.conversion_number
)

-- stored in conversion order: the conversion's number, lead, account, chain and channel set then repeat along
-- neighbouring rows and compress (at 100 k leads the table took 36.2 MB instead of 42.7)
select * from final
order by conversion_number
