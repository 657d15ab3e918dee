-- One row per fiscal month and metric: the plan. target is a double because
-- metrics mix money (revenue) with counts and rates.

with

source as (

    select * from raw.targets

),

final as (

    select
        cast(nullif(trim(fiscal_month), '') as date) as fiscal_month,
        lower(nullif(trim(metric), '')) as metric,
        cast(nullif(trim(target), '') as double) as target,

    from source

)

select * from final
