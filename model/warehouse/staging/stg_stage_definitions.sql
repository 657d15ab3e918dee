-- One row per stage with its agreed definition, entry criteria and hand-off
-- condition in Japanese and English (seeds/stage_definitions.csv, the bundled
-- document when a seed directory has none). The owning team and SLA are the
-- stage's own (stages.csv), not repeated here.

with

source as (

    select * from raw.stage_definitions

),

final as (

    select
        lower(nullif(trim(stage), '')) as stage,
        nullif(trim(definition_ja), '') as definition_ja,
        nullif(trim(definition_en), '') as definition_en,
        nullif(trim(entry_criteria_ja), '') as entry_criteria_ja,
        nullif(trim(entry_criteria_en), '') as entry_criteria_en,
        nullif(trim(handoff_condition_ja), '') as handoff_condition_ja,
        nullif(trim(handoff_condition_en), '') as handoff_condition_en,

    from source

)

select * from final
