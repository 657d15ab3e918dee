-- One row per lead (a person), with its account's attributes, so that every
-- lead-grain mart takes its segment columns from one place.
-- A lead without an account keeps null account columns; it counts at lead
-- grain and is left out of account-grain measures.

with source_leads as (
    select * from stg_leads
),

accounts as (
    select * from stg_accounts
),

final as (
    select
        source_leads.lead_id,
        source_leads.email,
        source_leads.account_id,
        source_leads.created_at,
        coalesce(source_leads.lead_source, '(unknown)') as lead_source,
        coalesce(source_leads.persona, '(unknown)') as persona,
        coalesce(source_leads.owner_team, '(unassigned)') as owner_team,
        accounts.account_name,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
        coalesce(accounts.region, '(unknown)') as region,
        accounts.churned_at as account_churned_at,
    from source_leads
    left join accounts on accounts.account_id = source_leads.account_id
)

select * from final
