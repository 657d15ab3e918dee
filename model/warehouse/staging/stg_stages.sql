-- One row per stage of the revenue cycle: funnel stages and side states
-- (recycled, disqualified, lost), as configured in seeds/stages.csv.

with

source as (

    select * from raw.stages

),

final as (

    select
        lower(nullif(trim(stage), '')) as stage,
        cast(nullif(trim(stage_order), '') as integer) as stage_order,
        nullif(trim(label_ja), '') as label_ja,
        nullif(trim(label_en), '') as label_en,
        lower(nullif(trim(team), '')) as team,
        cast(nullif(trim(sla_days), '') as integer) as sla_days,
        cast(lower(nullif(trim(is_funnel), '')) as boolean) as is_funnel,

    from source

)

select * from final
