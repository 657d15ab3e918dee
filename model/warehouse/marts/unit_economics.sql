-- Unit economics (contract definition 10): one row per segment and period.
-- A period is a local month m and stands for the 12 months that end with it,
-- [start of m − 11 months, start of m + 1 month) in the settings' zone,
-- cut at as_of for the month of as_of (is_partial). Segments: `all`, each
-- industry and each employee band of the customer account.
--   customer account     an account with a won opportunity; a customer from
--                        its first win until churned_at (from the start of
--                        the data when its first win is not a `new` deal)
--   active_customers     customers at any time inside the window
--   customers_at_start   customers at the window's start
--   churned_customers    customer accounts whose churned_at is in the window
--   new_customers        accounts whose first win is in the window
--   revenue              won amount (every deal type) closed in the window
--   program_cost         channel_costs of the window's months (marketing and
--                        sales channels alike: inside_sales is a channel).
--                        A segment gets each channel's cost in proportion to
--                        its share of the channel's first-touch leads in the
--                        window (costs are not recorded per segment), or
--                        of all first-touch leads for a channel that brought
--                        none; so the segments of a type add up to `all`.
--   team_cost            people and overhead (team_costs) of the teams that
--                        acquire customers, marketing, inside_sales and
--                        sales, in the window's months; customer_success
--                        keeps customers and is left out. A segment gets
--                        its share of all first-touch leads in the window.
--   cost                 program_cost + team_cost, the fully loaded
--                        acquisition cost of definition 10.
-- Derived (the cube recomputes them from the sums, so that they aggregate):
--   arpa = revenue ÷ active_customers; churn_rate = churned ÷ at start;
--   ltv = arpa × gross_margin × lifetime, lifetime = 1 ÷ churn_rate capped at
--   {{ max_lifetime_years }} years (and that cap when nothing churned), the
--   engine's rule (MAX_LIFETIME_YEARS in server/contract/unit-economics.ts);
--   cac = cost ÷ new_customers (fully loaded); program_cac = program_cost ÷
--   new_customers, shown beside it; ltv_to_cac = ltv ÷ cac and
--   cac_payback_months = cac ÷ (arpa × gross_margin ÷ 12), both fully loaded.

with settings as (
    select * from settings
),

deals as (
    select * from deals
),

accounts as (
    select * from stg_accounts
),

lead_channels as (
    select * from attribution_lead_channels
),

calendar as (
    select distinct month_start from fiscal_calendar
),

periods as (
    select
        cast(calendar.month_start as timestamp) as period,
        {{ utc_time(cast(calendar.month_start as timestamp) - interval 11 month) }} as window_start_at,
        least(
            {{ utc_time(cast(calendar.month_start as timestamp) + interval 1 month) }},
            settings.as_of_at
        ) as window_end_at,
        {{ utc_time(cast(calendar.month_start as timestamp) + interval 1 month) }} > settings.as_of_at
            as is_partial,
    from calendar
    cross join settings
    where cast(calendar.month_start as timestamp)
        <= {{ local_month(settings.as_of_at) }}
        -- from the month of the first win (the calendar also spans older account history)
        and cast(calendar.month_start as timestamp) >= (
            select {{ local_month(min(deals.closed_at)) }}
            from deals
            where deals.is_won
        )
),

-- An account whose first recorded win is not a `new` deal (a renewal, an
-- upsell) was a customer before the data begins: it counts as a customer
-- from the start and never as a new one (otherwise the installed base would
-- look like a burst of acquisitions and deflate CAC).
customers as (
    select
        deals.account_id,
        case
            when arg_min(deals.deal_type, deals.closed_at) = 'new' then min(deals.closed_at)
            else timestamp '1900-01-01'
        end as first_won_at,
    from deals
    where deals.is_won and deals.account_id is not null
    group by all
),

customer_accounts as (
    select
        customers.account_id,
        customers.first_won_at,
        accounts.churned_at,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
    from customers
    left join accounts on accounts.account_id = customers.account_id
),

segment_types as (
    select unnest(['all', 'industry', 'employee_band']) as segment_type
),

customer_periods as (
    select
        periods.period,
        segment_types.segment_type,
        case segment_types.segment_type
            when 'industry' then customer_accounts.industry
            when 'employee_band' then customer_accounts.employee_band
            else 'all'
        end as segment,
        customer_accounts.first_won_at < periods.window_end_at
            and (customer_accounts.churned_at is null or customer_accounts.churned_at >= periods.window_start_at)
            as is_active,
        customer_accounts.first_won_at < periods.window_start_at
            and (customer_accounts.churned_at is null or customer_accounts.churned_at >= periods.window_start_at)
            as is_at_start,
        customer_accounts.churned_at >= periods.window_start_at
            and customer_accounts.churned_at < periods.window_end_at
            and customer_accounts.first_won_at <= customer_accounts.churned_at
            as is_churned,
        customer_accounts.first_won_at >= periods.window_start_at
            and customer_accounts.first_won_at < periods.window_end_at
            as is_new,
    from periods
    cross join customer_accounts
    cross join segment_types
),

customer_counts as (
    select
        period,
        segment_type,
        segment,
        count(*) filter (where is_active) as active_customers,
        count(*) filter (where is_at_start) as customers_at_start,
        count(*) filter (where is_churned) as churned_customers,
        count(*) filter (where is_new) as new_customers,
    from customer_periods
    group by all
),

won_deals as (
    select
        deals.closed_at,
        deals.amount,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
    from deals
    left join accounts on accounts.account_id = deals.account_id
    where deals.is_won
),

revenues as (
    select
        periods.period,
        segment_types.segment_type,
        case segment_types.segment_type
            when 'industry' then won_deals.industry
            when 'employee_band' then won_deals.employee_band
            else 'all'
        end as segment,
        sum(won_deals.amount) as revenue,
    from periods
    inner join won_deals
        on won_deals.closed_at >= periods.window_start_at
        and won_deals.closed_at < periods.window_end_at
    cross join segment_types
    group by all
),

window_costs as (
    select
        periods.period,
        costs.channel,
        sum(costs.cost) as cost,
    from periods
    inner join stg_channel_costs as costs
        on cast(costs.month as timestamp) between periods.period - interval 11 month and periods.period
    group by all
),

window_leads as (
    select
        periods.period,
        lead_channels.channel,
        segment_types.segment_type,
        case segment_types.segment_type
            when 'industry' then lead_channels.industry
            when 'employee_band' then lead_channels.employee_band
            else 'all'
        end as segment,
        count(*) as first_touch_leads,
    from periods
    inner join lead_channels
        on lead_channels.lead_month between periods.period - interval 11 month and periods.period
    cross join segment_types
    where segment_types.segment_type <> 'all'
    group by all
),

channel_lead_totals as (
    select period, segment_type, channel, sum(first_touch_leads) as channel_leads
    from window_leads
    group by all
),

segment_lead_shares as (
    select
        period,
        segment_type,
        segment,
        sum(first_touch_leads) / sum(sum(first_touch_leads)) over (partition by period, segment_type) as lead_share,
    from window_leads
    group by period, segment_type, segment
),

-- each segment's share of each channel's cost: its share of the channel's
-- first-touch leads, or of all first-touch leads for a channel that brought
-- none in the window, so that the segments' costs add up to `all`
cost_shares as (
    select
        segment_lead_shares.period,
        segment_lead_shares.segment_type,
        segment_lead_shares.segment,
        window_costs.channel,
        window_costs.cost,
        case
            when channel_lead_totals.channel_leads > 0
                then coalesce(window_leads.first_touch_leads, 0) / channel_lead_totals.channel_leads
            else segment_lead_shares.lead_share
        end as cost_share,
    from segment_lead_shares
    inner join window_costs on window_costs.period = segment_lead_shares.period
    left join channel_lead_totals
        on channel_lead_totals.period = segment_lead_shares.period
        and channel_lead_totals.segment_type = segment_lead_shares.segment_type
        and channel_lead_totals.channel = window_costs.channel
    left join window_leads
        on window_leads.period = segment_lead_shares.period
        and window_leads.segment_type = segment_lead_shares.segment_type
        and window_leads.segment = segment_lead_shares.segment
        and window_leads.channel = window_costs.channel
),

program_costs as (
    select period, 'all' as segment_type, 'all' as segment, sum(cost) as program_cost
    from window_costs
    group by all
    union all
    select period, segment_type, segment, sum(cost * cost_share) as program_cost
    from cost_shares
    group by all
),

window_team_costs as (
    select
        periods.period,
        sum(team_costs.cost) as team_cost,
    from periods
    inner join stg_team_costs as team_costs
        on cast(team_costs.month as timestamp) between periods.period - interval 11 month and periods.period
    where team_costs.team in ('marketing', 'inside_sales', 'sales')
    group by all
),

team_costs as (
    select period, 'all' as segment_type, 'all' as segment, team_cost
    from window_team_costs
    union all
    select segment_lead_shares.period, segment_lead_shares.segment_type, segment_lead_shares.segment,
        window_team_costs.team_cost * segment_lead_shares.lead_share as team_cost,
    from segment_lead_shares
    inner join window_team_costs on window_team_costs.period = segment_lead_shares.period
),

segments as (
    select period, segment_type, segment from customer_counts
    union
    select period, segment_type, segment from revenues
    union
    select period, segment_type, segment from program_costs
    union
    select period, segment_type, segment from team_costs
),

combined as (
    select
        segments.period,
        segments.segment_type,
        segments.segment,
        periods.window_start_at,
        periods.window_end_at,
        periods.is_partial,
        coalesce(revenues.revenue, 0) as revenue,
        coalesce(customer_counts.active_customers, 0) as active_customers,
        coalesce(customer_counts.customers_at_start, 0) as customers_at_start,
        coalesce(customer_counts.churned_customers, 0) as churned_customers,
        coalesce(customer_counts.new_customers, 0) as new_customers,
        coalesce(program_costs.program_cost, 0) as program_cost,
        coalesce(team_costs.team_cost, 0) as team_cost,
        coalesce(program_costs.program_cost, 0) + coalesce(team_costs.team_cost, 0) as cost,
        settings.gross_margin,
    from segments
    cross join settings
    inner join periods on periods.period = segments.period
    left join customer_counts
        on customer_counts.period = segments.period
        and customer_counts.segment_type = segments.segment_type
        and customer_counts.segment = segments.segment
    left join revenues
        on revenues.period = segments.period
        and revenues.segment_type = segments.segment_type
        and revenues.segment = segments.segment
    left join program_costs
        on program_costs.period = segments.period
        and program_costs.segment_type = segments.segment_type
        and program_costs.segment = segments.segment
    left join team_costs
        on team_costs.period = segments.period
        and team_costs.segment_type = segments.segment_type
        and team_costs.segment = segments.segment
),

derived as (
    select
        combined.*,
        revenue / nullif(active_customers, 0) as arpa,
        churned_customers / nullif(customers_at_start, 0) as churn_rate,
    from combined
),

with_lifetime as (
    select
        derived.*,
        case
            when churn_rate > 0 then least(1 / churn_rate, {{ max_lifetime_years }})
            else {{ max_lifetime_years }}
        end as lifetime_years,
        cost / nullif(new_customers, 0) as cac,
        program_cost / nullif(new_customers, 0) as program_cac,
    from derived
),

final as (
    select
        segment_type || '|' || segment || '|' || strftime(period, '%Y-%m') as unit_economics_id,
        with_lifetime.*,
        arpa * gross_margin * lifetime_years as ltv,
        arpa * gross_margin * lifetime_years / nullif(cac, 0) as ltv_to_cac,
        cac / nullif(arpa * gross_margin / 12, 0) as cac_payback_months,
    from with_lifetime
)

select * from final
order by segment_type, segment, period
