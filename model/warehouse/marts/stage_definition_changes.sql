-- The stage definitions' change log as the page shows it: one row per agreed
-- change, newest first by changed_on, with the stage's names (null stage = a
-- change of the whole document).

with changes as (
    select * from stg_stage_definition_changes
),

stages as (
    select * from funnel_stages
),

final as (
    select
        row_number() over (order by changes.changed_on, changes.stage nulls first) as change_number,
        changes.changed_on,
        changes.stage,
        stages.label_ja as stage_label_ja,
        stages.label_en as stage_label_en,
        changes.change_ja,
        changes.change_en,
        changes.agreed_by,
    from changes
    left join stages on stages.stage = changes.stage
)

select * from final
