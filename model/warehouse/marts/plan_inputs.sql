-- The observed inputs of the reverse plan (contract definition 11), one row
-- per input and key; the plan_requirements mart and POST /api/plan both read
-- this table (server/plan/observed.ts turns it into the engine's PlanInput), so
-- the view and the API start from the same figures.
--   conversion_rate / velocity_days   per ordered pair of funnel stages
--       `from->to` (every pair, so that the engine's links lead->mql, ...,
--       opportunity->won are there even when a user inserted a stage
--       between two of them; plan_requirements.ts takes the engine's):
--       cohort conversion and median days among converters, over the
--       trailing 12 matured cohort months: the 12 local months ending with
--       the last month m whose end + the link's median velocity (all leads)
--       is not past as_of (contract definition 2's maturity rule); when that
--       window holds no conversion, all cohorts (basis = 'all_cohorts')
--   average_deal_size     mean amount of won `new` opportunities closed in
--       the trailing 12 months (definition 7)
--   channel_mix           share of first-touch leads per channel, trailing
--       12 months (channel `(none)` included: leads without a touch)
--   channel_cpl           channel cost ÷ first-touch leads, trailing 12
--       months (no row for a channel without leads)
--   channel_cac           per attribution model: cost ÷ attributed wins,
--       trailing 12 months; value null with is_unbounded when the channel
--       spent money and earned no attributed win
--   ltv                   unit_economics, segment all, period = the last of
--       the trailing 12 months
--   team_cost_per_customer  unit_economics, same row: people and overhead of
--       marketing, inside sales and sales ÷ new customers (definition 10);
--       the allowable CAC (fully loaded) less this is what a channel's
--       program CAC may be
--   ltv_cac_target        settings
--   revenue_target        targets with metric revenue, key = 'YYYY-MM-01'
--   new_revenue_target    targets with metric new_revenue (the new-business
--       part of the revenue target), key = 'YYYY-MM-01'
--   renewals_due          per month with a revenue target, key = 'YYYY-MM-01':
--       the amount of contracts coming up for renewal, i.e. the won `new` and
--       `renewal` amount closed 12 months earlier (annual contracts); no row
--       when that month is after the month of as_of
--   renewal_rate          renewal revenue won in the trailing 12 months ÷
--       the renewals due in those months (same rule): an amount-based rate,
--       so it carries churn, down-sell and price rises together
--   expansion_per_month   upsell + cross_sell revenue won in the trailing 12
--       months ÷ 12
--   known_channel         every channel in touchpoints, campaigns or costs,
--       and `(none)`: what POST /api/plan accepts as a channel
-- "Trailing 12 months" = the 12 complete local months before the month of
-- as_of.

with settings as (
    select * from settings
),

bounds as (
    select
        {{ local_month(settings.as_of_at) }} as as_of_month,
        {{ local_month(settings.as_of_at) }} - interval 12 month as window_first_month,
        {{ local_month(settings.as_of_at) }} - interval 1 month as window_last_month,
        settings.as_of_at,
        settings.time_zone,
        settings.ltv_cac_target,
    from settings
),

-- stage_conversions' rows (its view's two velocity columns read here from stage_conversion_velocity, once
-- per link): each row's local cohort month is the month its cohort_month_end_at closes, converted once per
-- month, and each link's last matured cohort month is converted once per link
cohort_months as (
    select
        months.cohort_month_end_at,
        date_trunc('month', {{ local_time(months.cohort_month_end_at, bounds.time_zone) }}) - interval 1 month as cohort_month,
    from (select distinct cohort_month_end_at from stage_conversion_rows) as months
    cross join bounds
),

link_maturity as (
    select
        velocity.from_stage,
        velocity.to_stage,
        -- the last matured cohort month of the link
        date_trunc(
            'month',
            {{ local_time(bounds.as_of_at - to_microseconds(cast(coalesce(velocity.median_days_to_convert, 0) * 86400000000 as bigint)), bounds.time_zone) }}
        ) - interval 1 month as last_mature_month,
    from stage_conversion_velocity as velocity
    cross join bounds
),

link_rows as (
    select
        conversion_rows.from_stage,
        conversion_rows.to_stage,
        conversion_rows.from_stage_order,
        conversion_rows.is_converted,
        {{ days_between(conversion_rows.cohort_at, conversion_rows.converted_at) }} as days_to_convert,
        cohort_months.cohort_month,
        link_maturity.last_mature_month,
    from stage_conversion_rows as conversion_rows
    inner join link_maturity
        on link_maturity.from_stage = conversion_rows.from_stage
        and link_maturity.to_stage = conversion_rows.to_stage
    left join cohort_months on cohort_months.cohort_month_end_at = conversion_rows.cohort_month_end_at
),

link_windows as (
    select
        from_stage || '->' || to_stage as link,
        min(from_stage_order) as from_stage_order,
        count(*) filter (where cohort_month between last_mature_month - interval 11 month and last_mature_month) as entered,
        count(*) filter (
            where cohort_month between last_mature_month - interval 11 month and last_mature_month and is_converted
        ) as converted,
        median(days_to_convert) filter (
            where cohort_month between last_mature_month - interval 11 month and last_mature_month and is_converted
        ) as window_velocity_days,
        count(*) as all_entered,
        count(*) filter (where is_converted) as all_converted,
        median(days_to_convert) filter (where is_converted) as all_velocity_days,
        min(last_mature_month) - interval 11 month as first_cohort_month,
        min(last_mature_month) as last_cohort_month,
    from link_rows
    group by from_stage, to_stage
),

link_inputs as (
    select
        'conversion_rate' as input,
        link as key,
        case when converted > 0 then converted / entered else all_converted / nullif(all_entered, 0) end as value,
        case when converted > 0 then 'trailing_matured_cohorts' else 'all_cohorts' end as basis,
        case when converted > 0 then converted else all_converted end as numerator,
        case when converted > 0 then entered else all_entered end as denominator,
        first_cohort_month as window_first_month,
        last_cohort_month as window_last_month,
        from_stage_order as sort_order,
    from link_windows
    union all
    select
        'velocity_days',
        link,
        case when converted > 0 then window_velocity_days else all_velocity_days end,
        case when converted > 0 then 'trailing_matured_cohorts' else 'all_cohorts' end,
        null,
        case when converted > 0 then converted else all_converted end,
        first_cohort_month,
        last_cohort_month,
        from_stage_order,
    from link_windows
),

new_wins as (
    select
        avg(deals.amount) as value,
        count(*) as wins,
        sum(deals.amount) as amount,
    from deals
    cross join bounds
    where deals.is_won
        and deals.deal_type = 'new'
        and {{ local_month(deals.closed_at, bounds.time_zone) }}
            between bounds.window_first_month and bounds.window_last_month
),

window_leads as (
    select attribution_lead_channels.channel, count(*) as first_touch_leads
    from attribution_lead_channels
    cross join bounds
    where attribution_lead_channels.lead_month between bounds.window_first_month and bounds.window_last_month
    group by all
),

window_costs as (
    select costs.channel, sum(costs.cost) as cost
    from stg_channel_costs as costs
    cross join bounds
    where cast(costs.month as timestamp) between bounds.window_first_month and bounds.window_last_month
    group by all
),

channel_inputs as (
    select
        'channel_mix' as input,
        window_leads.channel as key,
        window_leads.first_touch_leads / sum(window_leads.first_touch_leads) over () as value,
        window_leads.first_touch_leads as numerator,
        sum(window_leads.first_touch_leads) over () as denominator,
    from window_leads
    union all
    select
        'channel_cpl',
        window_leads.channel,
        coalesce(window_costs.cost, 0) / window_leads.first_touch_leads,
        coalesce(window_costs.cost, 0),
        window_leads.first_touch_leads,
    from window_leads
    left join window_costs on window_costs.channel = window_leads.channel
),

channel_cac as (
    select
        channel_performance.model,
        channel_performance.channel,
        sum(channel_performance.cost) as cost,
        sum(channel_performance.attributed_wins) as attributed_wins,
    from channel_performance
    cross join bounds
    where channel_performance.month between bounds.window_first_month and bounds.window_last_month
    group by all
    having sum(channel_performance.cost) > 0 or sum(channel_performance.attributed_wins) > 0
),

unit_economics_all as (
    select
        unit_economics.ltv,
        unit_economics.arpa,
        unit_economics.churn_rate,
        unit_economics.team_cost,
        unit_economics.new_customers,
    from unit_economics
    cross join bounds
    where unit_economics.segment_type = 'all'
        and unit_economics.period = bounds.window_last_month
),

-- the revenue and new-revenue targets per month, key = 'YYYY-MM-01'
revenue_targets as (
    select
        metric,
        strftime(cast(date_trunc('month', fiscal_month) as date), '%Y-%m-%d') as key,
        sum(target) as value,
    from stg_targets
    where metric in ('revenue', 'new_revenue')
    group by all
),

-- won amounts per local close month and kind: the base of renewals due 12 months later, renewals, expansion
won_by_month as (
    select
        {{ local_month(deals.closed_at, bounds.time_zone) }} as closed_month,
        sum(deals.amount) filter (where deals.deal_type in ('new', 'renewal')) as contract_amount,
        sum(deals.amount) filter (where deals.deal_type = 'renewal') as renewal_amount,
        sum(deals.amount) filter (where deals.deal_type in ('upsell', 'cross_sell')) as expansion_amount,
    from deals
    cross join bounds
    where deals.is_won
    group by all
),

renewals_due as (
    select
        revenue_targets.key,
        coalesce(won_by_month.contract_amount, 0) as value,
    from revenue_targets
    cross join bounds
    left join won_by_month on won_by_month.closed_month = cast(revenue_targets.key as timestamp) - interval 12 month
    where revenue_targets.metric = 'revenue'
        and cast(revenue_targets.key as timestamp) - interval 12 month <= bounds.as_of_month
),

recurring as (
    select
        coalesce(sum(won_by_month.renewal_amount) filter (
            where won_by_month.closed_month between bounds.window_first_month and bounds.window_last_month
        ), 0) as renewals_won,
        coalesce(sum(won_by_month.contract_amount) filter (
            where won_by_month.closed_month between bounds.window_first_month - interval 12 month
                and bounds.window_last_month - interval 12 month
        ), 0) as renewals_due,
        coalesce(sum(won_by_month.expansion_amount) filter (
            where won_by_month.closed_month between bounds.window_first_month and bounds.window_last_month
        ), 0) as expansion_won,
    from bounds
    left join won_by_month on true
),

known_channels as (
    select channel from stg_touchpoints
    union
    select channel from stg_campaigns
    union
    select channel from stg_channel_costs
    union
    select '(none)'
),

unioned as (
    select
        input, cast(null as varchar) as model, key, value, basis, numerator, denominator,
        window_first_month, window_last_month, false as is_unbounded, sort_order,
    from link_inputs
    union all
    select
        'average_deal_size', null, null, new_wins.value, 'trailing_12_months', new_wins.amount, new_wins.wins,
        bounds.window_first_month, bounds.window_last_month, false, null,
    from new_wins
    cross join bounds
    union all
    select
        channel_inputs.input, null, channel_inputs.key, channel_inputs.value, 'trailing_12_months',
        channel_inputs.numerator, channel_inputs.denominator,
        bounds.window_first_month, bounds.window_last_month, false, null,
    from channel_inputs
    cross join bounds
    union all
    select
        'channel_cac', channel_cac.model, channel_cac.channel,
        case when channel_cac.attributed_wins > 0 then channel_cac.cost / channel_cac.attributed_wins end,
        'trailing_12_months', channel_cac.cost, channel_cac.attributed_wins,
        bounds.window_first_month, bounds.window_last_month, channel_cac.attributed_wins = 0, null,
    from channel_cac
    cross join bounds
    union all
    select
        'ltv', null, null, unit_economics_all.ltv, 'trailing_12_months', null, null,
        bounds.window_first_month, bounds.window_last_month, false, null,
    from unit_economics_all
    cross join bounds
    union all
    select
        'team_cost_per_customer', null, null, unit_economics_all.team_cost / unit_economics_all.new_customers,
        'trailing_12_months', unit_economics_all.team_cost, unit_economics_all.new_customers,
        bounds.window_first_month, bounds.window_last_month, false, null,
    from unit_economics_all
    cross join bounds
    where unit_economics_all.new_customers > 0
    union all
    select
        'ltv_cac_target', null, null, bounds.ltv_cac_target, 'settings', null, null, null, null, false, null,
    from bounds
    union all
    select
        revenue_targets.metric || '_target', null, revenue_targets.key, revenue_targets.value, 'targets',
        null, null, null, null, false, null,
    from revenue_targets
    union all
    select
        'renewals_due', null, renewals_due.key, renewals_due.value, 'won_12_months_before', null, null, null, null, false, null,
    from renewals_due
    union all
    select
        'renewal_rate', null, null, recurring.renewals_won / recurring.renewals_due, 'trailing_12_months',
        recurring.renewals_won, recurring.renewals_due, bounds.window_first_month, bounds.window_last_month, false, null,
    from recurring
    cross join bounds
    where recurring.renewals_due > 0
    union all
    select
        'expansion_per_month', null, null, recurring.expansion_won / 12, 'trailing_12_months',
        recurring.expansion_won, 12, bounds.window_first_month, bounds.window_last_month, false, null,
    from recurring
    cross join bounds
    union all
    select
        'known_channel', null, known_channels.channel, null, 'data', null, null, null, null, false, null,
    from known_channels
    where known_channels.channel is not null
),

final as (
    select
        input || '|' || coalesce(model, '') || '|' || coalesce(key, '') as plan_input_id,
        input,
        model,
        key,
        cast(value as double) as value,
        basis,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(window_first_month as timestamp) as window_first_month,
        cast(window_last_month as timestamp) as window_last_month,
        is_unbounded,
        sort_order,
    from unioned
)

select * from final
order by input, model, sort_order, key
