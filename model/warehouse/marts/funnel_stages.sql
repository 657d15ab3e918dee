-- The stages table with what the other marts derive from it, so that a user
-- who renames or adds stages in stages.csv changes no SQL: the funnel is the
-- stages with is_funnel, in stage_order.
-- The one stage name the model knows is `recycled`: the contract names it as
-- the side state whose re-entries make a detour path, and the stages table
-- has no column that says which side state is the nurture pool.

with stages as (
    select * from stg_stages
),

funnel as (
    select
        stage,
        row_number() over (order by stage_order, stage) as funnel_position,
        lead(stage) over (order by stage_order, stage) as next_funnel_stage,
        lag(stage) over (order by stage_order, stage) as previous_funnel_stage
    from stages
    where is_funnel
),

final as (
    select
        stages.stage,
        stages.stage_order,
        coalesce(stages.label_ja, stages.stage) as label_ja,
        coalesce(stages.label_en, stages.stage) as label_en,
        stages.team,
        stages.sla_days,
        stages.is_funnel,
        funnel.funnel_position,
        funnel.next_funnel_stage,
        funnel.previous_funnel_stage,
        stages.is_funnel and funnel.next_funnel_stage is null as is_last_funnel_stage,
        not stages.is_funnel and lower(stages.stage) = 'recycled' as is_recycle_state,
    from stages
    left join funnel on funnel.stage = stages.stage
)

select * from final
