-- One row per channel with its names (seeds/channels.csv): the table behind
-- the public `channels` view, from which clients label any channel the data
-- uses, a company's own (podcast, …) included.

with channels as (
    select * from stg_channels
),

final as (
    select
        channel,
        coalesce(label_ja, channel) as label_ja,
        coalesce(label_en, channel) as label_en,
        is_paid,
    from channels
)

select * from final
