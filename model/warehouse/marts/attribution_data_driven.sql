-- The data-driven attribution model's weight (contract definition 9) of a
-- channel in a conversion, per chain (markov_stage) and set of channels in
-- the conversion's window (channel_set, as attribution_credit_rows writes
-- it): the channel's Markov share (attribution_markov) over the shares of
-- the set's channels. attribution_credit_weights multiplies it by the row's
-- touches over the channel's (the share split equally over the channel's
-- touches). NULL when every channel of the set has share 0: the
-- conversion's data-driven weights are then linear.
--
-- Kept apart from the credit rows because every lead's path moves the
-- shares: a day's import replaces only its changed conversions' credit
-- rows and rebuilds this small table whole (a few hundred rows: the sets
-- and chains that occur).

with shares as (
    select * from attribution_markov
),

credit_rows as (
    select * from attribution_credit_rows
),

set_channels as (
    select distinct markov_stage, channel_set, channel
    from credit_rows
    where channel_set is not null
),

with_shares as (
    select
        set_channels.markov_stage,
        set_channels.channel_set,
        set_channels.channel,
        coalesce(shares.share, 0) as share,
    from set_channels
    left join shares
        on shares.markov_stage = set_channels.markov_stage
        and shares.channel = set_channels.channel
),

set_totals as (
    select markov_stage, channel_set, sum(share) as share_total
    from with_shares
    group by all
),

final as (
    select
        with_shares.markov_stage,
        with_shares.channel_set,
        with_shares.channel,
        case when set_totals.share_total > 0 then with_shares.share / set_totals.share_total end as channel_weight,
    from with_shares
    inner join set_totals
        on set_totals.markov_stage = with_shares.markov_stage
        and set_totals.channel_set = with_shares.channel_set
)

select * from final
