-- One row per lead that has transitions, with its path flags (contract
-- "Paths"; a lead can be fast and detour at once, so these are flags, not
-- one label):
--   success: skip_count = 0, never recycled, and every funnel entry at or
--            above the furthest funnel stage entered before it;
--   fast:    skipped at least one funnel stage (skip_count = back-filled
--            reaches, see lead_stage_reach);
--   detour:  recycled at least once and entered a funnel stage after that.

with stages as (
    select * from funnel_stages
),

transitions as (
    select * from stg_stage_transitions
),

lead_attributes as (
    select * from leads
),

lead_reach as (
    select * from lead_stage_reach
),

sequenced as (
    select
        transitions.lead_id,
        transitions.transition_id,
        transitions.to_stage,
        transitions.transitioned_at,
        stages.is_funnel,
        stages.is_recycle_state,
        stages.stage_order,
        row_number() over (partition by transitions.lead_id order by transitions.transitioned_at, transitions.transition_id) as transition_number,
    from transitions
    left join stages on stages.stage = transitions.to_stage
),

with_running as (
    select
        *,
        max(case when is_funnel then stage_order end) over (
            partition by lead_id order by transition_number
            rows between unbounded preceding and 1 preceding
        ) as prior_furthest_order,
        min(case when is_recycle_state then transition_number end) over (partition by lead_id) as first_recycle_number,
        coalesce(lag(is_recycle_state) over (partition by lead_id order by transition_number), false) as follows_recycle,
    from sequenced
),

per_lead as (
    select
        lead_id,
        count(*) as transition_count,
        count(*) filter (where is_recycle_state) as recycle_count,
        count(*) filter (where is_funnel and follows_recycle) as return_count,
        count(*) filter (where is_funnel and transition_number > first_recycle_number) as funnel_entries_after_recycle,
        count(*) filter (where is_funnel and stage_order < prior_furthest_order) as backward_count,
        min(transitioned_at) as first_transition_at,
        arg_max(to_stage, transition_number) as current_stage,
        max(transitioned_at) as current_stage_at,
    from with_running
    group by lead_id
),

reach_summary as (
    select
        lead_id,
        count(*) filter (where is_skipped) as skip_count,
        arg_max(stage, funnel_position) as furthest_stage,
        max(stage_order) as furthest_stage_order,
        max(reached_at) as furthest_stage_at,
    from lead_reach
    group by lead_id
),

final as (
    select
        per_lead.lead_id,
        lead_attributes.account_id,
        lead_attributes.created_at,
        per_lead.first_transition_at,
        per_lead.transition_count,
        per_lead.current_stage,
        per_lead.current_stage_at,
        reach_summary.furthest_stage,
        reach_summary.furthest_stage_order,
        reach_summary.furthest_stage_at,
        coalesce(reach_summary.skip_count, 0) as skip_count,
        per_lead.recycle_count,
        per_lead.return_count,
        per_lead.backward_count,
        coalesce(reach_summary.skip_count, 0) = 0
            and per_lead.recycle_count = 0
            and per_lead.backward_count = 0
            and reach_summary.lead_id is not null
            as is_success_path,
        coalesce(reach_summary.skip_count, 0) > 0 as is_fast_path,
        per_lead.recycle_count > 0 as is_recycled,
        per_lead.funnel_entries_after_recycle > 0 as is_detour_path,
        lead_attributes.lead_source,
        lead_attributes.persona,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.region,
        lead_attributes.owner_team,
    from per_lead
    inner join lead_attributes on lead_attributes.lead_id = per_lead.lead_id
    left join reach_summary on reach_summary.lead_id = per_lead.lead_id
)

select * from final
