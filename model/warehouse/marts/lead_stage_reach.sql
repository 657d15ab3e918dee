-- One row per lead and funnel stage it reached. reached(S) is the first time
-- the lead entered S or any later funnel stage (the contract's back-fill), so
-- reach is monotonic in stage order; is_skipped marks a reach that was
-- back-filled (the lead had not itself entered S by then).
-- is_account_first marks the lead through which its account reached the
-- stage (the account reached S when its first lead did; ties go to the lower
-- lead_id), so account-grain counts are counts of these rows.

with stages as (
    select * from funnel_stages where is_funnel
),

transitions as (
    select * from stg_stage_transitions
),

lead_attributes as (
    select * from leads
),

first_entries as (
    select
        transitions.lead_id,
        stages.funnel_position,
        min(transitions.transitioned_at) as entered_at,
    from transitions
    inner join stages on stages.stage = transitions.to_stage
    group by all
),

-- each first entry counted into the reach of its stage and of every earlier one: one aggregate over the
-- entries rather than a grid of every lead and stage with a window over each lead's
back_filled as (
    select
        first_entries.lead_id,
        stages.stage,
        stages.stage_order,
        stages.funnel_position,
        min(first_entries.entered_at) filter (where first_entries.funnel_position = stages.funnel_position)
            as entered_at,
        min(first_entries.entered_at) as reached_at,
    from first_entries
    inner join stages on stages.funnel_position <= first_entries.funnel_position
    group by all
),

reached as (
    select
        back_filled.lead_id,
        lead_attributes.account_id,
        back_filled.stage,
        back_filled.stage_order,
        back_filled.funnel_position,
        back_filled.reached_at,
        back_filled.entered_at,
        back_filled.entered_at is null or back_filled.entered_at > back_filled.reached_at as is_skipped,
        lead_attributes.lead_source,
        lead_attributes.persona,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.region,
        lead_attributes.owner_team,
    from back_filled
    inner join lead_attributes on lead_attributes.lead_id = back_filled.lead_id
),

final as (
    select
        lead_id || '|' || stage as lead_stage_id,
        *,
        account_id is not null
            and row_number() over (partition by account_id, stage order by reached_at, lead_id) = 1
            as is_account_first,
    from reached
)

select * from final
