-- The conversions that attribution credits (contract definition 9), one row
-- each, with the instant whose lookback window holds the credited touches:
--   opportunity    an opportunity, at its creation: pipeline = amount,
--                  revenue = amount when won (sourced revenue)
--   won            a won opportunity, dated at its close (revenue = amount);
--                  its touches are the opportunity's (window before creation),
--                  so its weights equal the opportunity's
--   <from>-><to>   a lead reaching funnel stage `to` from the funnel stage
--                  before it, at reached(to) (lead grain; back-filled reaches
--                  included, so a fast-path lead converts at its skip)
-- Touches are those of every lead of the conversion's account (account-based
-- lookback), or of the lead alone when it has no account. lead_id is
-- the lead whose creation touch the U- and W-shaped models weight (the
-- credit lead): the opportunity's primary contact, or the converting lead.
-- markov_stage picks the data-driven chain: `opportunity` for deals (the
-- contract's conversion), `to` for a stage conversion.
--
-- conversion_number, the integer key the credit marts join on and Cube
-- counts, is a hash of the conversion's key (type and id, stable_number),
-- not a numbering of all conversions: a conversion keeps its number when
-- others come or go, so a day's import replaces the rows of its changed
-- leads' and accounts' conversions (incremental: [lead_id, account_id])
-- and keeps the others'. 53 bits (a JavaScript integer, exact in JSON):
-- two of 100 k conversions share one with a chance of about 1 in 2
-- million, of 1 M about 1 in 18,000, and the unique test then fails the
-- build.

with settings as (
    select * from settings
),

deals as (
    select * from deals
),

lead_attributes as (
    select * from leads
),

accounts as (
    select * from stg_accounts
),

stages as (
    select * from funnel_stages where is_funnel
),

reach as (
    select * from lead_stage_reach
),

opportunity_conversions as (
    select
        'opportunity' as conversion_type,
        deals.opportunity_id as conversion_id,
        deals.opportunity_id,
        deals.account_id,
        deals.lead_id,
        deals.created_at as converted_at,
        deals.created_at as window_end_at,
        'opportunity' as markov_stage,
        deals.amount as pipeline_amount,
        case when deals.is_won then deals.amount else 0 end as revenue_amount,
        deals.deal_type,
        deals.owner_team,
    from deals
),

won_conversions as (
    select
        'won' as conversion_type,
        deals.opportunity_id as conversion_id,
        deals.opportunity_id,
        deals.account_id,
        deals.lead_id,
        deals.closed_at as converted_at,
        deals.created_at as window_end_at,
        'opportunity' as markov_stage,
        cast(null as bigint) as pipeline_amount,
        deals.amount as revenue_amount,
        deals.deal_type,
        deals.owner_team,
    from deals
    where deals.is_won and deals.closed_at is not null
),

stage_conversions as (
    select
        stages.previous_funnel_stage || '->' || reach.stage as conversion_type,
        reach.lead_id as conversion_id,
        cast(null as varchar) as opportunity_id,
        reach.account_id,
        reach.lead_id,
        reach.reached_at as converted_at,
        reach.reached_at as window_end_at,
        reach.stage as markov_stage,
        cast(null as bigint) as pipeline_amount,
        cast(null as bigint) as revenue_amount,
        cast(null as varchar) as deal_type,
        reach.owner_team,
    from reach
    inner join stages on stages.stage = reach.stage
    where stages.previous_funnel_stage is not null
),

unioned as (
    select * from opportunity_conversions
    union all
    select * from won_conversions
    union all
    select * from stage_conversions
),

final as (
    select
        -- an integer key: the credit marts join on it (fast), and Cube counts it; the header says why a hash
        {{ stable_number(unioned.conversion_type || '|' || unioned.conversion_id, 53) }} as conversion_number,
        unioned.conversion_type || '|' || unioned.conversion_id as conversion_key,
        unioned.conversion_type,
        unioned.conversion_id,
        unioned.opportunity_id,
        unioned.account_id,
        coalesce(unioned.account_id, '(lead) ' || unioned.lead_id) as touch_group,
        unioned.lead_id,
        credit_lead.created_at as credit_lead_created_at,
        unioned.converted_at,
        unioned.window_end_at,
        unioned.window_end_at - to_days(settings.attribution_lookback_days) as window_start_at,
        unioned.markov_stage,
        unioned.pipeline_amount,
        unioned.revenue_amount,
        unioned.deal_type,
        coalesce(unioned.owner_team, '(unassigned)') as owner_team,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
    from unioned
    cross join settings
    left join lead_attributes as credit_lead on credit_lead.lead_id = unioned.lead_id
    left join accounts on accounts.account_id = unioned.account_id
)

select * from final
