-- One row per opportunity with the shape of its buying group (docs/metrics.md
-- definition 19): engaged contacts, the personas they cover, the first and
-- last persona to engage, and the days from the first engagement to the
-- opportunity; beside them the deal's outcome (deals), so win rate, deal
-- size and cycle can be read by the group's shape.
-- personas_engaged counts the distinct known personas of the engaged
-- contacts ('(unknown)' is not a persona); personas_covered lists them in
-- alphabetical order, '(none)' for a deal without an engaged contact.
-- first_persona / last_persona: the persona of the contact whose first /
-- last engagement in the window is earliest / latest (ties by lead_id).

with opportunities as (
    select * from deals
),

account_names as (
    select account_id, account_name from stg_accounts
),

members as (
    select * from buying_group_members
),

engaged as (
    select
        members.*,
        row_number() over (partition by opportunity_id order by first_engaged_at, lead_id) as first_rank,
        row_number() over (partition by opportunity_id order by last_engaged_at desc, lead_id desc) as last_rank,
    from members
    where is_engaged
),

per_opportunity as (
    select
        opportunity_id,
        count(*) as engaged_contacts,
        count(distinct persona) filter (where persona <> '(unknown)') as personas_engaged,
        string_agg(distinct persona, ',' order by persona) filter (where persona <> '(unknown)') as personas_covered,
        min(first_engaged_at) as first_engaged_at,
        max(persona) filter (where first_rank = 1) as first_persona,
        max(persona) filter (where last_rank = 1) as last_persona,
    from engaged
    group by opportunity_id
),

named as (
    select opportunity_id, count(*) as named_contacts
    from members
    where has_contact_role
    group by opportunity_id
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        account_names.account_name,
        opportunities.owner_team,
        opportunities.industry,
        opportunities.employee_band,
        opportunities.deal_type,
        opportunities.status,
        opportunities.amount,
        opportunities.created_at,
        opportunities.closed_at,
        opportunities.sales_cycle_days,
        opportunities.is_won,
        opportunities.is_lost,
        not opportunities.is_open as is_closed,
        coalesce(per_opportunity.engaged_contacts, 0) as engaged_contacts,
        coalesce(named.named_contacts, 0) as named_contacts,
        coalesce(per_opportunity.personas_engaged, 0) as personas_engaged,
        coalesce(per_opportunity.personas_covered, '(none)') as personas_covered,
        coalesce(per_opportunity.first_persona, '(none)') as first_persona,
        coalesce(per_opportunity.last_persona, '(none)') as last_persona,
        per_opportunity.first_engaged_at,
        {{ days_between(per_opportunity.first_engaged_at, opportunities.created_at) }}
            as days_first_engagement_to_opportunity,
    from opportunities
    left join account_names on account_names.account_id = opportunities.account_id
    left join per_opportunity on per_opportunity.opportunity_id = opportunities.opportunity_id
    left join named on named.opportunity_id = opportunities.opportunity_id
)

select * from final
