-- Hand-off quality (docs/metrics.md, definition 16): one row per hand-off,
-- that is per entry of a lead into a funnel stage whose next funnel stage
-- belongs to another team (marketing → inside sales at mql → sal, inside
-- sales → sales at sql → opportunity with the default stages.csv). A lead
-- handed over twice (recycled, then back) counts twice.
--
-- The hand-off's outcome is where the lead's next transition took it:
--   accepted   into a later funnel stage (the receiving stage, or past it)
--   recycled   into the recycle state (back to nurturing)
--   rejected   anywhere else (disqualified, lost, an earlier funnel stage)
--   pending    no transition yet
-- is_converted says, for an accepted hand-off, whether the lead later
-- reached (entered, or skipped past) the stage after the receiving one: the
-- accepted ones' next-stage conversion. Null when the receiving stage is the
-- last funnel stage or the hand-off was not accepted.
-- Transitions are ordered by (transitioned_at, transition_id), as in
-- stage_exits.

with stages as (
    select * from stage_definitions
),

funnel as (
    select * from funnel_stages where is_funnel
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
        lead(to_stage) over (partition by lead_id order by transitioned_at, transition_id) as next_to_stage,
        lead(transitioned_at) over (partition by lead_id order by transitioned_at, transition_id) as next_transitioned_at,
        lead(reason) over (partition by lead_id order by transitioned_at, transition_id) as next_reason,
        lead(team) over (partition by lead_id order by transitioned_at, transition_id) as next_team,
    from transitions
),

funnel_entries as (
    select sequenced.lead_id, sequenced.transitioned_at, funnel.funnel_position
    from sequenced
    inner join funnel on funnel.stage = sequenced.to_stage
),

handoffs as (
    select
        sequenced.transition_id,
        sequenced.lead_id,
        stages.stage as from_stage,
        stages.team as from_team,
        stages.next_funnel_stage as to_stage,
        stages.next_team as to_team,
        receiving.next_funnel_stage as following_stage,
        receiving.funnel_position as to_position,
        sequenced.transitioned_at as handed_over_at,
        sequenced.next_to_stage as outcome_stage,
        sequenced.next_transitioned_at as decided_at,
        sequenced.next_reason as decision_reason,
        sequenced.next_team as decision_team,
        case
            when sequenced.next_to_stage is null then 'pending'
            when next_stages.is_funnel and next_stages.funnel_position > stages.funnel_position then 'accepted'
            when next_stages.is_recycle_state then 'recycled'
            else 'rejected'
        end as outcome,
    from sequenced
    inner join stages on stages.stage = sequenced.to_stage and stages.is_handoff
    inner join funnel as receiving on receiving.stage = stages.next_funnel_stage
    left join funnel_stages as next_stages on next_stages.stage = sequenced.next_to_stage
),

conversions as (
    select
        handoffs.transition_id,
        bool_or(funnel_entries.funnel_position > handoffs.to_position) as is_converted,
    from handoffs
    inner join funnel_entries
        on funnel_entries.lead_id = handoffs.lead_id
        and funnel_entries.transitioned_at >= handoffs.decided_at
    where handoffs.outcome = 'accepted'
    group by all
),

final as (
    select
        handoffs.transition_id as handoff_id,
        handoffs.lead_id,
        lead_attributes.account_id,
        handoffs.from_stage,
        handoffs.to_stage,
        handoffs.from_stage || '->' || handoffs.to_stage as boundary,
        handoffs.from_team,
        handoffs.to_team,
        handoffs.following_stage,
        handoffs.handed_over_at,
        handoffs.decided_at,
        {{ days_between(handoffs.handed_over_at, handoffs.decided_at) }} as days_to_decision,
        handoffs.outcome,
        handoffs.outcome_stage,
        handoffs.decision_reason,
        handoffs.decision_team,
        handoffs.outcome = 'accepted' as is_accepted,
        handoffs.outcome = 'rejected' as is_rejected,
        handoffs.outcome = 'recycled' as is_recycled,
        handoffs.outcome = 'pending' as is_pending,
        case
            when handoffs.outcome = 'accepted' and handoffs.following_stage is not null
                then coalesce(conversions.is_converted, false)
        end as is_converted,
        lead_attributes.lead_source,
        lead_attributes.industry,
        lead_attributes.employee_band,
        lead_attributes.owner_team,
    from handoffs
    inner join lead_attributes on lead_attributes.lead_id = handoffs.lead_id
    left join conversions on conversions.transition_id = handoffs.transition_id
)

select * from final
