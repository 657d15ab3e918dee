{{ config(materialized='view') }}
-- Attribution credit (contract definition 9), the wide table every reader
-- reads: one row per conversion, channel and campaign, one weight column per
-- model. A view over attribution_credit_rows, where the weights are computed
-- (the rules are in that file's header); it adds linear, which that table
-- leaves out for size: the row's touches ÷ the conversion's touches, and all
-- of the credit for a conversion without a touch (channel `(none)`); and
-- data_driven, which it leaves out because every lead's path moves the
-- Markov shares: the channel's weight in the conversion's chain and set of
-- channels (attribution_data_driven) × the row's touches ÷ the channel's,
-- linear when every channel of the set has share 0.

select
    credit_rows.credit_row,
    credit_rows.conversion_number,
    credit_rows.channel,
    credit_rows.campaign_id,
    credit_rows.touches,
    credit_rows.first_touch,
    credit_rows.last_touch,
    case when credit_rows.conversion_touches = 0 then 1.0 else credit_rows.touches / credit_rows.conversion_touches end
        as linear,
    credit_rows.u_shaped,
    credit_rows.w_shaped,
    credit_rows.time_decay,
    case
        when credit_rows.conversion_touches = 0 then 1.0
        when data_driven.channel_weight is null then credit_rows.touches / credit_rows.conversion_touches
        else data_driven.channel_weight * credit_rows.touches / credit_rows.channel_touches
    end as data_driven,
from marts.attribution_credit_rows as credit_rows
left join marts.attribution_data_driven as data_driven
    on data_driven.markov_stage = credit_rows.markov_stage
    and data_driven.channel_set = credit_rows.channel_set
    and data_driven.channel = credit_rows.channel
