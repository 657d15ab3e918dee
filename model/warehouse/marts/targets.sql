-- Plan against actual, one row per fiscal month and metric, so that revenue
-- against target is one query (contract: executives' KGI board).
-- Months are cut in the settings' zone; fiscal_month is that month's first
-- day (a naive timestamp at 00:00, so it groups into the same month in UTC
-- and in the settings' zone). Actuals are computed for:
--   revenue        won amount of opportunities closed in the month (every deal type)
--   new_revenue    won amount of `new` opportunities closed in the month (the
--                  new-business part the funnel must win, definition 11)
--   wins           opportunities won (closed) in the month
--   opportunities  opportunities created in the month
--   leads          leads created in the month
--   <stage>        any funnel stage name: its volume, leads with reached(stage) in the month
-- Other metrics carry their target and a null actual. The spine runs from the
-- first month with a target or data to the last month with a target or as_of,
-- so a month without deals shows a zero actual, not a missing row.

with settings as (
    select time_zone, as_of_at as as_of, fiscal_year_start_month from marts.settings
),

plan as (
    select
        cast(date_trunc('month', fiscal_month) as timestamp) as fiscal_month,
        lower(metric) as metric,
        sum(target) as target,
    from stg_targets
    group by all
),

local_deals as (
    select
        deals.*,
        {{ local_month(deals.closed_at) }} as closed_month,
        {{ local_month(deals.created_at) }} as created_month,
    from deals
    cross join settings
),

actuals as (
    select closed_month as fiscal_month, 'revenue' as metric, sum(amount) as actual
    from local_deals where is_won group by all
    union all
    select closed_month, 'new_revenue', sum(amount) from local_deals where is_won and deal_type = 'new' group by all
    union all
    select closed_month, 'wins', count(*) from local_deals where is_won group by all
    union all
    select created_month, 'opportunities', count(*) from local_deals group by all
    union all
    select {{ local_month(leads.created_at) }}, 'leads', count(*)
    from leads cross join settings group by all
    union all
    select {{ local_month(lead_stage_reach.reached_at) }}, lead_stage_reach.stage, count(*)
    from lead_stage_reach cross join settings group by all
),

metrics as (
    select metric from plan
    union
    select unnest(['revenue', 'wins'])
),

month_bounds as (
    select
        least(
            (select min(fiscal_month) from plan),
            (select min(fiscal_month) from actuals where metric in ('revenue', 'wins', 'opportunities', 'leads'))
        ) as first_month,
        greatest(
            (select max(fiscal_month) from plan),
            {{ local_month(settings.as_of) }}
        ) as last_month,
        settings.fiscal_year_start_month,
    from settings
),

spine as (
    select
        cast(month_start as timestamp) as fiscal_month,
        metrics.metric,
        month_bounds.fiscal_year_start_month,
    from month_bounds,
        generate_series(month_bounds.first_month, month_bounds.last_month, interval 1 month) as months(month_start)
    cross join metrics
),

known_metrics as (
    select unnest(['revenue', 'new_revenue', 'wins', 'opportunities', 'leads']) as metric
    union
    select stage from funnel_stages where is_funnel
),

labelled as (
    select
        spine.fiscal_month,
        spine.metric,
        plan.target,
        case
            when known_metrics.metric is not null then coalesce(actuals.actual, 0)
        end as actual,
        {{ fiscal_year(spine.fiscal_month, spine.fiscal_year_start_month) }} as fiscal_year,
        {{ fiscal_month_number(spine.fiscal_month, spine.fiscal_year_start_month) }} as fiscal_month_number,
    from spine
    left join plan on plan.fiscal_month = spine.fiscal_month and plan.metric = spine.metric
    left join actuals on actuals.fiscal_month = spine.fiscal_month and actuals.metric = spine.metric
    left join known_metrics on known_metrics.metric = spine.metric
),

final as (
    select
        strftime(fiscal_month, '%Y-%m') || '|' || metric as target_id,
        fiscal_month,
        metric,
        target,
        actual,
        fiscal_year,
        'FY' || fiscal_year as fiscal_year_label,
        (fiscal_month_number - 1) // 3 + 1 as fiscal_quarter,
        'FY' || fiscal_year || ' Q' || ((fiscal_month_number - 1) // 3 + 1) as fiscal_quarter_label,
        fiscal_month_number,
    from labelled
)

select * from final
