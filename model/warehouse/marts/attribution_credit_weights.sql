{{ config(materialized='view') }}
-- Attribution credit (contract definition 9), the wide table every reader
-- reads: one row per conversion, channel and campaign, one weight column per
-- model. A view over attribution_credit_rows, where the weights are computed
-- (the rules are in that file's header); it adds linear, which that table
-- leaves out for size: the row's touches ÷ the conversion's touches, and all
-- of the credit for a conversion without a touch (channel `(none)`).

select
    credit_row,
    conversion_number,
    channel,
    campaign_id,
    touches,
    first_touch,
    last_touch,
    case when conversion_touches = 0 then 1.0 else touches / conversion_touches end as linear,
    u_shaped,
    w_shaped,
    time_decay,
    data_driven,
from marts.attribution_credit_rows
