-- Actual values behind the KPI tree (contract definitions 12 and 14), long:
-- one row per local day, metric and channel (channel only on `leads`).
-- kpi_tree.ts sums days into each node's window (a stage's window is the
-- period moved back by the stage velocity), and a live period is compared
-- to the same elapsed day (definition 17), so the grain is the day.
--   leads              leads by lead_month (reached(lead)), per first-touch
--                      channel (attribution_lead_channels)
--   mql, sal, sql      stage volume, lead grain (definition 1)
--   opportunities      `new` opportunities created: the funnel's deals
--   wins, new_revenue  `new` opportunities won and their amount, by close
--   lost               `new` opportunities lost, by close (win rate = won ÷ closed)
--   won_cycle_days     summed days created → closed of the new wins (mean = ÷ wins)
--   recurring_revenue  won amount of renewal, upsell and cross_sell deals, by
--                      close: the recurring branch, so that revenue (the KGI)
--                      = new_revenue + recurring_revenue
-- Definition 12 compares like with like: the new-business plan against new
-- business, recurring revenue on its own branch.

with settings as (
    select * from settings
),

local_deals as (
    select
        deals.*,
        {{ local_day(deals.created_at) }} as created_day,
        {{ local_day(deals.closed_at) }} as closed_day,
    from deals
    cross join settings
),

events as (
    select
        {{ local_day(lead_channels.lead_at) }} as day,
        'leads' as metric,
        lead_channels.channel,
        1.0 as value,
    from attribution_lead_channels as lead_channels
    cross join settings
    union all
    select
        {{ local_day(reach.reached_at) }},
        reach.stage,
        null,
        1.0,
    from lead_stage_reach as reach
    cross join settings
    where reach.stage in (select unnest({{ middle_funnel_stages }}))
    union all
    select created_day, 'opportunities', null, 1.0,
    from local_deals
    where deal_type = 'new'
    union all
    select closed_day, unnest(['wins', 'new_revenue', 'won_cycle_days']), null, unnest([1.0, cast(amount as double), sales_cycle_days]),
    from local_deals
    where is_won and deal_type = 'new' and closed_at is not null
    union all
    select closed_day, 'lost', null, 1.0,
    from local_deals
    where is_lost and deal_type = 'new' and closed_at is not null
    union all
    select closed_day, 'recurring_revenue', null, cast(amount as double),
    from local_deals
    where is_won and deal_type <> 'new' and closed_at is not null
),

final as (
    select
        cast(day as timestamp) as day,
        cast(date_trunc('month', day) as timestamp) as month,
        metric,
        channel,
        sum(value) as value,
    from events
    group by all
)

select * from final
order by day, metric, channel
