-- One row per marketing or sales channel the data may use, with its names,
-- as listed in seeds/channels.csv (the bundled list when a seed directory
-- has none). Touchpoints, campaigns, costs and lead sources are tested
-- against it, so a channel outside the list fails the build by name.

with

source as (

    select * from raw.channels

),

final as (

    select
        lower(nullif(trim(channel), '')) as channel,
        nullif(trim(label_ja), '') as label_ja,
        nullif(trim(label_en), '') as label_en,
        coalesce(cast(lower(nullif(trim(is_paid), '')) as boolean), false) as is_paid,

    from source

)

select * from final
