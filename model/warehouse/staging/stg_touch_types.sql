-- One row per kind of touch (page view, download, sales call, ...) with its
-- names, as listed in seeds/touch_types.csv (the bundled list when a seed
-- directory has none).

with

source as (

    select * from raw.touch_types

),

final as (

    select
        lower(nullif(trim(touch_type), '')) as touch_type,
        nullif(trim(label_ja), '') as label_ja,
        nullif(trim(label_en), '') as label_en,

    from source

)

select * from final
