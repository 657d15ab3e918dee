-- Actual values behind the KPI tree (contract definitions 12 and 14), long:
-- one row per period (local month, fiscal quarter, fiscal year), metric and
-- channel (channel only on `leads`). kpi_tree.ts reads it.
--   leads            leads by lead_month (reached(lead)), per first-touch
--                    channel (attribution_lead_channels)
--   mql, sal, sql    stage volume, lead grain (definition 1)
--   opportunities    opportunities created (every deal type)
--   wins, revenue    opportunities won and their amount, by close; revenue is
--                    the KGI, so every deal type counts
--   lost             opportunities lost, by close (win rate = won ÷ closed)
--   won_cycle_days   summed days created → closed of the wins (mean = ÷ wins)

with settings as (
    select * from settings
),

calendar as (
    select * from fiscal_calendar
),

events as (
    select
        cast(timezone(settings.time_zone, timezone('UTC', lead_channels.lead_at)) as date) as event_date,
        'leads' as metric,
        lead_channels.channel,
        1.0 as value,
    from attribution_lead_channels as lead_channels
    cross join settings
    union all
    select
        cast(timezone(settings.time_zone, timezone('UTC', reach.reached_at)) as date),
        reach.stage,
        null,
        1.0,
    from lead_stage_reach as reach
    cross join settings
    where reach.stage in ('mql', 'sal', 'sql')
    union all
    select
        cast(timezone(settings.time_zone, timezone('UTC', deals.created_at)) as date),
        'opportunities',
        null,
        1.0,
    from deals
    cross join settings
    union all
    select
        cast(timezone(settings.time_zone, timezone('UTC', deals.closed_at)) as date),
        unnest(['wins', 'revenue', 'won_cycle_days']),
        null,
        unnest([1.0, cast(deals.amount as double), deals.sales_cycle_days]),
    from deals
    cross join settings
    where deals.is_won and deals.closed_at is not null
    union all
    select
        cast(timezone(settings.time_zone, timezone('UTC', deals.closed_at)) as date),
        'lost',
        null,
        1.0,
    from deals
    cross join settings
    where deals.is_lost and deals.closed_at is not null
),

dated as (
    select
        events.metric,
        events.channel,
        events.value,
        calendar.month_start,
        calendar.fiscal_quarter_start,
        calendar.fiscal_year_start,
    from events
    inner join calendar on calendar.date = events.event_date
),

periods as (
    select 'month' as period_type, cast(month_start as timestamp) as period_start, metric, channel, value from dated
    union all
    select 'fiscal_quarter', cast(fiscal_quarter_start as timestamp), metric, channel, value from dated
    union all
    select 'fiscal_year', cast(fiscal_year_start as timestamp), metric, channel, value from dated
),

final as (
    select
        period_type,
        period_start,
        metric,
        channel,
        sum(value) as value,
    from periods
    group by all
)

select * from final
order by period_type, period_start, metric, channel
