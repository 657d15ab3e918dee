-- One row per month, team and cost type: what the sales-and-marketing teams
-- cost beside program spend (docs/metrics.md definition 10). team is
-- marketing, inside_sales, sales or customer_success; cost_type people
-- (loaded personnel cost) or overhead (office, tools, recruiting, travel).
-- month is the month's first day, a calendar date (no time, no zone).

with

source as (

    select * from raw.team_costs

),

final as (

    select
        cast(nullif(trim(month), '') as date) as month,
        lower(nullif(trim(team), '')) as team,
        lower(nullif(trim(cost_type), '')) as cost_type,
        cast(nullif(trim(cost), '') as bigint) as cost,

    from source

)

select * from final
