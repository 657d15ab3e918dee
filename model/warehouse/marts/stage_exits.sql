-- One row per transition out of a stage (from_stage set): the denominator of
-- the recycle rate (contract metric 6: transitions S→recycled in P ÷ all
-- transitions out of S in P). A recycle (is_recycle) has returned when the
-- lead later entered a funnel stage again; returned_at is the first such entry.

with stages as (
    select * from funnel_stages
),

transitions as (
    select * from stg_stage_transitions
),

lead_attributes as (
    select * from leads
),

sequenced as (
    select
        transitions.*,
        row_number() over (partition by lead_id order by transitioned_at, transition_id) as transition_number,
    from transitions
),

funnel_entries as (
    select sequenced.lead_id, sequenced.transition_number, sequenced.transitioned_at, sequenced.to_stage
    from sequenced
    inner join stages on stages.stage = sequenced.to_stage and stages.is_funnel
),

exits as (
    select
        sequenced.*,
        coalesce(to_stages.is_recycle_state, false) as is_recycle,
    from sequenced
    left join stages as to_stages on to_stages.stage = sequenced.to_stage
    where sequenced.from_stage is not null
),

returns as (
    select
        exits.transition_id,
        min(funnel_entries.transitioned_at) as returned_at,
        arg_min(funnel_entries.to_stage, funnel_entries.transition_number) as returned_to_stage,
    from exits
    inner join funnel_entries
        on funnel_entries.lead_id = exits.lead_id
        and funnel_entries.transition_number > exits.transition_number
    where exits.is_recycle
    group by exits.transition_id
),

final as (
    select
        exits.transition_id,
        exits.lead_id,
        lead_attributes.account_id,
        exits.from_stage,
        from_stages.stage_order as from_stage_order,
        coalesce(from_stages.is_funnel, false) as is_from_funnel,
        exits.to_stage,
        exits.transitioned_at as exited_at,
        exits.reason,
        exits.team,
        exits.is_recycle,
        exits.is_recycle and returns.returned_at is not null as is_returned,
        returns.returned_at,
        returns.returned_to_stage,
        {{ days_between(exits.transitioned_at, returns.returned_at) }} as days_to_return,
        lead_attributes.lead_source,
        lead_attributes.persona,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.owner_team,
    from exits
    inner join lead_attributes on lead_attributes.lead_id = exits.lead_id
    left join stages as from_stages on from_stages.stage = exits.from_stage
    left join returns on returns.transition_id = exits.transition_id
)

select * from final
