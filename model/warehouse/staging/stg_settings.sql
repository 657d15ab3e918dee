-- One row per setting (key, value) as text. The typed, defaulted view of
-- these is the settings mart.

with

source as (

    select * from raw.settings

),

final as (

    select
        lower(nullif(trim(key), '')) as key,
        nullif(trim(value), '') as value,

    from source

)

select * from final
