-- The buying group of each opportunity (docs/metrics.md definition 19): one
-- row per opportunity and contact of its account who engaged in the window
-- before the opportunity was created, plus every contact the source names
-- on the opportunity (opportunity contact roles, optional input).
--
-- Engaged: a touchpoint or a stage entry (any stage_transitions row) of a
-- lead of the opportunity's account at or before the opportunity's
-- created_at and no earlier than attribution_lookback_days before it (the
-- attribution window, settings). The primary contact's entry into the
-- opportunity stage usually falls on created_at, so it is normally a member.
-- A contact named only by a contact role has no engagement in the window:
-- is_engaged is false and its engagement times are null.
-- Persona comes from the lead; role from the contact roles (null without).

with settings as (
    select * from settings
),

opportunities as (
    select opportunity_id, account_id, lead_id, created_at from deals
),

contacts as (
    select lead_id, account_id, persona from leads
),

contact_roles as (
    select * from stg_opportunity_contact_roles
),

engagements as (
    select lead_id, occurred_at as engaged_at, 1 as is_touch from stg_touchpoints
    union all
    select lead_id, transitioned_at as engaged_at, 0 as is_touch from stg_stage_transitions
),

-- each engagement with its contact's account first (an equality join), then
-- matched to that account's opportunities by time: joining the opportunities
-- to the engagements by the time window alone let DuckDB pair every
-- opportunity with every earlier engagement before the account filter
account_engagements as (
    select contacts.account_id, engagements.lead_id, engagements.engaged_at, engagements.is_touch,
    from engagements
    inner join contacts on contacts.lead_id = engagements.lead_id
),

windowed as (
    select
        opportunities.opportunity_id,
        account_engagements.lead_id,
        min(account_engagements.engaged_at) as first_engaged_at,
        max(account_engagements.engaged_at) as last_engaged_at,
        sum(account_engagements.is_touch) as touches,
        sum(1 - account_engagements.is_touch) as stage_entries,
    from opportunities
    cross join settings
    inner join account_engagements
        on account_engagements.account_id = opportunities.account_id
        and account_engagements.engaged_at <= opportunities.created_at
        and account_engagements.engaged_at >= opportunities.created_at - to_days(settings.attribution_lookback_days)
    group by opportunities.opportunity_id, account_engagements.lead_id
),

members as (
    select opportunity_id, lead_id from windowed
    union
    select contact_roles.opportunity_id, contact_roles.lead_id
    from contact_roles
    inner join opportunities on opportunities.opportunity_id = contact_roles.opportunity_id
),

final as (
    select
        members.opportunity_id || ':' || members.lead_id as member_id,
        members.opportunity_id,
        members.lead_id,
        coalesce(contacts.persona, '(unknown)') as persona,
        contact_roles.role as contact_role,
        windowed.first_engaged_at,
        windowed.last_engaged_at,
        coalesce(windowed.touches, 0) as touches,
        coalesce(windowed.stage_entries, 0) as stage_entries,
        windowed.lead_id is not null as is_engaged,
        contact_roles.lead_id is not null as has_contact_role,
        coalesce(contact_roles.is_primary, false) or members.lead_id = opportunities.lead_id as is_primary,
    from members
    inner join opportunities on opportunities.opportunity_id = members.opportunity_id
    left join contacts on contacts.lead_id = members.lead_id
    left join windowed on windowed.opportunity_id = members.opportunity_id and windowed.lead_id = members.lead_id
    left join contact_roles on contact_roles.opportunity_id = members.opportunity_id and contact_roles.lead_id = members.lead_id
)

select * from final
