-- One row per opportunity (contract metric 7 and 8), with the segment of its
-- account and the lead source of its primary lead.
-- pipeline_at is closed_at for a closed deal and as_of for an open one: a
-- date range on it that ends at as_of keeps today's open pipeline together
-- with the deals closed in the range, which is what pipeline velocity
-- (open deals × win rate × deal size ÷ cycle) needs in one query.
-- An opportunity without touchpoints or without a lead is kept as is.

with settings as (
    select time_zone, as_of_at as as_of, fiscal_year_start_month from marts.settings
),

opportunities as (
    select * from stg_opportunities
),

accounts as (
    select * from stg_accounts
),

lead_attributes as (
    select * from leads
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.lead_id,
        lower(opportunities.status) as status,
        coalesce(opportunities.deal_type, '(unknown)') as deal_type,
        coalesce(opportunities.amount, 0) as amount,
        opportunities.created_at,
        opportunities.closed_at,
        coalesce(opportunities.closed_at, settings.as_of) as pipeline_at,
        case
            when opportunities.closed_at is not null
                then {{ days_between(opportunities.created_at, opportunities.closed_at) }}
        end as sales_cycle_days,
        coalesce(primary_lead.lead_source, '(none)') as lead_source,
        coalesce(primary_lead.persona, '(none)') as persona,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
        coalesce(accounts.region, '(unknown)') as region,
        coalesce(opportunities.owner_team, primary_lead.owner_team, '(unassigned)') as owner_team,
        opportunities.lost_reason,
        lower(opportunities.status) = 'won' as is_won,
        lower(opportunities.status) = 'lost' as is_lost,
        lower(opportunities.status) = 'open' as is_open,
        coalesce(opportunities.deal_type, '') = 'new' as is_new_business,
    from opportunities
    cross join settings
    left join accounts on accounts.account_id = opportunities.account_id
    left join lead_attributes as primary_lead on primary_lead.lead_id = opportunities.lead_id
)

select * from final
