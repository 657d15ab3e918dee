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
-- Every model's raw weights are divided by their sum per conversion: first
-- and last touch 1, U-shaped 0.8 plus the 0.2 when another touch takes it,
-- W-shaped 0.9 plus the 0.1 likewise, time decay summed.
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
-- each account's touches), the positions and the cells holding them are a min
-- or max of it per conversion (no numbering of each window's touches), and
-- channel and campaign travel as one integer (cell_number) until the names
-- are put back on the result. Per window touch only the count and the time
-- decay are summed (per conversion and cell); the position models' weights
-- follow per cell from its touch count and the positions it holds (at 200 k
-- leads, 2.78 M window touches, 1.59 M cells: summing five weights per touch
-- took a third of this model).
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
        date_diff('millisecond', touches.occurred_at, conversions.window_end_at) / 86400000.0 as days_before,
    from conversions
    inner join touches
        on touches.touch_group = conversions.touch_group
        and touches.occurred_at <= conversions.window_end_at
        and touches.occurred_at >= conversions.window_start_at
),

-- per conversion: its touches, the touch_order of the first, last and lead-creation touches and the cells
-- (channel and campaign) they are in
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
        arg_min(cell_number, touch_order) as first_cell,
        arg_max(cell_number, touch_order) as last_cell,
        -- not `filter`: the PostgreSQL dialect writes arg_max as an expression over array_agg
        coalesce(
            arg_max(
                case when touch_lead_id = credit_lead_id and occurred_at <= credit_lead_created_at then cell_number end,
                case when touch_lead_id = credit_lead_id and occurred_at <= credit_lead_created_at then touch_order end
            ),
            arg_min(cell_number, touch_order)
        ) as creation_cell,
        min(days_before) as nearest_days_before,
    from window_touches
    group by all
),

-- the positions held by distinct touches (positions that coincide add their shares on one touch)
position_counts as (
    select
        *,
        creation_order <> first_order as is_creation_own,
        last_order <> first_order and last_order <> creation_order as is_last_own,
        1 + (creation_order <> first_order)::int as u_positions,
        1 + (creation_order <> first_order)::int + (last_order <> first_order and last_order <> creation_order)::int
            as w_positions,
    from positions
),

-- summed per channel and campaign before anything else (far fewer rows than touches): the touches and their
-- time-decay weights; the position-based models follow from the cell's touch count and the cells of the
-- positions (below)
channel_raw_weights as (
    select
        window_touches.conversion_number,
        window_touches.cell_number,
        count(*) as touches,
        sum(
            pow(2.0, -(window_touches.days_before - position_counts.nearest_days_before) / settings.time_decay_half_life_days)
        ) as time_decay,
    from window_touches
    inner join position_counts on position_counts.conversion_number = window_touches.conversion_number
    cross join settings
    group by all
),

-- the cell's names, once per summed row
named_weights as (
    select
        channel_raw_weights.conversion_number,
        channel_raw_weights.cell_number,
        channel_raw_weights.touches,
        channel_raw_weights.time_decay,
        touch_cells.channel,
        touch_cells.campaign_id,
        touch_cells.channel_number,
    from channel_raw_weights
    inner join touch_cells on touch_cells.cell_number = channel_raw_weights.cell_number
),

channel_touch_counts as (
    select conversion_number, channel_number, sum(touches) as channel_touches
    from named_weights
    group by all
),

-- the conversion's channels, for the data-driven weight (attribution_data_driven): as a bit per channel
-- (channel_number) while there are at most 63, so that each distinct set's names are put in order once
-- rather than once per conversion (an ordered string_agg over every conversion's channels took a sixth of
-- this model); with more channels, named per conversion. channel_touch_counts has one row per channel already.
channel_names as (
    select distinct channel, channel_number from touch_cells
),

channel_masks as (
    select
        channel_touch_counts.conversion_number,
        bit_or(cast(1 as bigint) << cast(channel_touch_counts.channel_number - 1 as integer)) as channel_mask,
    from channel_touch_counts
    where (select max(channel_number) from channel_names) <= 63
    group by channel_touch_counts.conversion_number
),

mask_sets as (
    select masks.channel_mask, string_agg(channel_names.channel, '|' order by channel_names.channel) as channel_set,
    from (select distinct channel_mask from channel_masks) as masks
    inner join channel_names on (masks.channel_mask >> cast(channel_names.channel_number - 1 as integer)) & 1 = 1
    group by masks.channel_mask
),

channel_sets as (
    select channel_masks.conversion_number, mask_sets.channel_set,
    from channel_masks
    inner join mask_sets on mask_sets.channel_mask = channel_masks.channel_mask
    union all
    select channel_touch_counts.conversion_number, string_agg(channel_names.channel, '|' order by channel_names.channel),
    from channel_touch_counts
    inner join channel_names on channel_names.channel_number = channel_touch_counts.channel_number
    where (select max(channel_number) from channel_names) > 63
    group by channel_touch_counts.conversion_number
),

-- per conversion: its own columns, its positions, its time-decay total and its channels, for the data-driven
-- weight (attribution_data_driven); channel_touch_counts has one row per channel already (no `distinct`)
conversion_totals as (
    select
        conversions.lead_id,
        conversions.account_id,
        conversions.markov_stage,
        position_counts.conversion_number,
        position_counts.touch_count,
        position_counts.first_cell,
        position_counts.last_cell,
        position_counts.creation_cell,
        position_counts.is_creation_own,
        position_counts.is_last_own,
        position_counts.u_positions,
        position_counts.w_positions,
        decay_totals.time_decay,
        channel_sets.channel_set,
    from position_counts
    inner join (
        select conversion_number, sum(time_decay) as time_decay from channel_raw_weights group by all
    ) as decay_totals on decay_totals.conversion_number = position_counts.conversion_number
    inner join channel_sets on channel_sets.conversion_number = position_counts.conversion_number
    inner join conversions on conversions.conversion_number = position_counts.conversion_number
),

-- each cell with which positions it holds and how many of its touches hold none (u_others: neither first nor
-- lead creation; w_others: nor last)
cell_positions as (
    select
        named_weights.conversion_number,
        named_weights.cell_number,
        named_weights.touches,
        named_weights.time_decay,
        named_weights.channel,
        named_weights.campaign_id,
        named_weights.channel_number,
        conversion_totals.lead_id,
        conversion_totals.account_id,
        conversion_totals.markov_stage,
        conversion_totals.touch_count,
        conversion_totals.u_positions,
        conversion_totals.w_positions,
        conversion_totals.channel_set,
        conversion_totals.time_decay as time_decay_total,
        (named_weights.cell_number = conversion_totals.first_cell)::int as holds_first,
        (named_weights.cell_number = conversion_totals.last_cell)::int as holds_last,
        (named_weights.cell_number = conversion_totals.creation_cell)::int as holds_creation,
        named_weights.touches
            - (named_weights.cell_number = conversion_totals.first_cell)::int
            - (named_weights.cell_number = conversion_totals.creation_cell and conversion_totals.is_creation_own)::int
            as u_others,
        named_weights.touches
            - (named_weights.cell_number = conversion_totals.first_cell)::int
            - (named_weights.cell_number = conversion_totals.creation_cell and conversion_totals.is_creation_own)::int
            - (named_weights.cell_number = conversion_totals.last_cell and conversion_totals.is_last_own)::int
            as w_others,
    from named_weights
    inner join conversion_totals on conversion_totals.conversion_number = named_weights.conversion_number
),

-- the models' weights per touch, summed over the cell's touches and divided by their sums per conversion: first
-- and last touch 1 in total, U-shaped 0.8 plus 0.2 when a touch holds no position, W-shaped 0.9 plus 0.1
credits as (
    select
        cell_positions.conversion_number,
        cell_positions.lead_id,
        cell_positions.account_id,
        cell_positions.markov_stage,
        cell_positions.channel,
        cell_positions.campaign_id,
        cell_positions.touches,
        cast(cell_positions.touch_count as integer) as conversion_touches,
        cast(channel_touch_counts.channel_touches as integer) as channel_touches,
        cell_positions.channel_set,
        cell_positions.holds_first::double as first_touch,
        cell_positions.holds_last::double as last_touch,
        (
            0.4 * cell_positions.holds_first
            + 0.4 * cell_positions.holds_creation
            + case when cell_positions.u_others > 0 then cell_positions.u_others * (0.2 / (touch_count - u_positions)) else 0 end
        ) / (0.8 + case when touch_count > u_positions then 0.2 else 0 end) as u_shaped,
        (
            0.3 * cell_positions.holds_first
            + 0.3 * cell_positions.holds_creation
            + 0.3 * cell_positions.holds_last
            + case when cell_positions.w_others > 0 then cell_positions.w_others * (0.1 / (touch_count - w_positions)) else 0 end
        ) / (0.9 + case when touch_count > w_positions then 0.1 else 0 end) as w_shaped,
        cell_positions.time_decay / cell_positions.time_decay_total as time_decay,
    from cell_positions
    inner join channel_touch_counts
        on channel_touch_counts.conversion_number = cell_positions.conversion_number
        and channel_touch_counts.channel_number = cell_positions.channel_number
    union all
    select
        conversions.conversion_number,
        conversions.lead_id,
        conversions.account_id,
        conversions.markov_stage,
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
    from conversions
    where not exists (
        select 1 from positions where positions.conversion_number = conversions.conversion_number
    )
),

final as (
    select
        {{ stable_number(cast(conversion_number as varchar) || '|' || channel || '|' || coalesce(campaign_id, ''), 59) }}
            as credit_row,
        conversion_number,
        lead_id,
        account_id,
        markov_stage,
        channel,
        campaign_id,
        touches,
        conversion_touches,
        channel_touches,
        channel_set,
        first_touch,
        last_touch,
        u_shaped,
        w_shaped,
        time_decay,
    from credits
)

-- stored in conversion order: the conversion's number, lead, account, chain and channel set then repeat along
-- neighbouring rows and compress (at 100 k leads the table took 36.2 MB instead of 42.7)
select * from final
order by conversion_number
