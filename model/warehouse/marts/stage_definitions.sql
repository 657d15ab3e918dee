-- The stage definitions document (ステージ定義書, docs/metrics.md, definition
-- 16 and "Stage definitions document"): one row per stage of stages.csv with
-- its agreed texts (stg_stage_definitions; null where the teams have written
-- none yet), owning team, SLA (null = inventory stage, or the last stage), the next funnel stage
-- and its team, whether the step to it crosses a team boundary (a hand-off),
-- and the day its definition last changed (the change log's latest entry for
-- the stage or for the whole document).

with stages as (
    select * from funnel_stages
),

definitions as (
    select * from stg_stage_definitions
),

changes as (
    select * from stg_stage_definition_changes
),

last_changes as (
    select
        stages.stage,
        max(changes.changed_on) as last_changed_on,
    from stages
    inner join changes on changes.stage = stages.stage or changes.stage is null
    group by all
),

final as (
    select
        stages.stage,
        stages.stage_order,
        stages.funnel_position,
        stages.label_ja,
        stages.label_en,
        stages.team,
        stages.sla_days,
        stages.is_funnel,
        -- the last funnel stage (won) has no SLA either, but is where leads end, not a pool
        stages.is_funnel and stages.sla_days is null and stages.next_funnel_stage is not null as is_inventory_stage,
        stages.next_funnel_stage,
        next_stages.team as next_team,
        coalesce(stages.team <> next_stages.team, false) as is_handoff,
        definitions.definition_ja,
        definitions.definition_en,
        definitions.entry_criteria_ja,
        definitions.entry_criteria_en,
        definitions.handoff_condition_ja,
        definitions.handoff_condition_en,
        definitions.stage is not null as has_definition,
        last_changes.last_changed_on,
    from stages
    left join stages as next_stages on next_stages.stage = stages.next_funnel_stage
    left join definitions on definitions.stage = stages.stage
    left join last_changes on last_changes.stage = stages.stage
)

select * from final
