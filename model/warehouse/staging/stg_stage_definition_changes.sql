-- The stage definitions' change log (seeds/stage_definition_changes.csv): one
-- row per agreed change, with the day, the stage it concerns (null: the whole
-- document), the change in Japanese and English, and who agreed it.

with

source as (

    select * from raw.stage_definition_changes

),

final as (

    select
        cast(nullif(trim(date), '') as date) as changed_on,
        lower(nullif(trim(stage), '')) as stage,
        nullif(trim(change_ja), '') as change_ja,
        nullif(trim(change_en), '') as change_en,
        nullif(trim(agreed_by), '') as agreed_by,

    from source

)

select * from final
