-- One row per account and funnel stage it reached: the account (a buying
-- group) reached S when its first lead did. is_skipped: none of its leads had
-- itself entered S by that time (the account's reach is a back-fill).

with lead_reach as (
    select * from lead_stage_reach where account_id is not null
),

accounts as (
    select * from stg_accounts
),

account_owner as (
    select account_id, mode(owner_team) as owner_team
    from leads
    where account_id is not null
    group by account_id
),

by_account as (
    select
        account_id,
        stage,
        stage_order,
        funnel_position,
        min(reached_at) as reached_at,
        min(entered_at) as entered_at,
        any_value(lead_id) filter (where is_account_first) as first_lead_id,
        count(*) as leads_reached,
    from lead_reach
    group by all
),

final as (
    select
        by_account.account_id || '|' || by_account.stage as account_stage_id,
        by_account.account_id,
        by_account.stage,
        by_account.stage_order,
        by_account.funnel_position,
        by_account.reached_at,
        by_account.entered_at,
        by_account.entered_at is null or by_account.entered_at > by_account.reached_at as is_skipped,
        by_account.first_lead_id,
        by_account.leads_reached,
        first_lead.lead_source,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
        coalesce(accounts.region, '(unknown)') as region,
        coalesce(account_owner.owner_team, '(unassigned)') as owner_team,
    from by_account
    left join accounts on accounts.account_id = by_account.account_id
    left join account_owner on account_owner.account_id = by_account.account_id
    left join leads as first_lead on first_lead.lead_id = by_account.first_lead_id
)

select * from final
