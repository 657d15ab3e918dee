{{ config(materialized='view') }}

-- Backlog basis (contract metric 4): one row per lead and stay in a stage
-- (a stint): entered_at = the transition into the stage, left_at = the
-- lead's next transition (null while it is still there). Its rows grow with
-- the transitions, not with leads × time: 473,869 rows at 200 k leads
-- (measured), ~2.4 M at 1 M by the same ratio. The inventory
-- at any instant t is the stints with entered_at <= t < left_at; the current
-- inventory (as_of) is the stints with left_at null, from which the stuck
-- list is read (backlog_leads cube).
--
-- SLA stages carry sla_days in stages.csv; a stage with sla_days empty is an
-- inventory stage (the nurture pool, won, side states): aging there is
-- nurture age, never a breach. breach_at = entered_at + sla_days. The nurture
-- pool is the inventory stages at the top of the funnel, before its first SLA
-- stage (lead by default), and the recycle state.

-- The stints are stored in backlog_stint_rows, which does not read as_of
-- (so that a day's import updates them by lead); this view cuts them at
-- as_of when read: a stint that starts after as_of is not known yet, nor a
-- move after it (left_at null), and aging_days is the stint's age at its end
-- or at as_of.

select
    stint_rows.stint_id,
    stint_rows.lead_id,
    stint_rows.account_id,
    stint_rows.stage,
    stint_rows.stage_order,
    stint_rows.is_funnel,
    stint_rows.team,
    stint_rows.sla_days,
    stint_rows.is_sla_stage,
    stint_rows.is_nurture_stage,
    stint_rows.entered_at,
    case when stint_rows.left_at <= settings.as_of_at then stint_rows.left_at end as left_at,
    stint_rows.breach_at,
    {{ days_between(stint_rows.entered_at, least(coalesce(stint_rows.left_at, settings.as_of_at), settings.as_of_at)) }} as aging_days,
    stint_rows.lead_source,
    stint_rows.persona,
    stint_rows.industry,
    stint_rows.employee_band,
    stint_rows.owner_team,
from marts.backlog_stint_rows as stint_rows
cross join marts.settings
where stint_rows.entered_at <= settings.as_of_at
