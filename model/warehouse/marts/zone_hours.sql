-- The offset of the settings' zone from UTC in each UTC hour that data can
-- fall in (the first lead, touch, stage change or opportunity to a day past
-- as_of): local time = UTC time + utc_offset. Marts that convert many rows
-- join it on date_trunc('hour', <time>) and convert with the hourly_ macros
-- of server/warehouse/sql-macros.ts, so the zone rules (docs/metrics.md "Time
-- zone and fiscal year") run once per hour of the data rather than once per
-- row. An hour in which the offset changes (a zone whose transitions are not
-- on the UTC hour) is left out; the macros convert its rows one by one, as
-- they do for times outside the range, so the values are the same as a
-- conversion of every row.

with

settings as (

    select * from settings

),

bounds as (

    select min(first_at) as first_at
    from (
        select min(created_at) as first_at from stg_leads
        union all
        select min(occurred_at) from stg_touchpoints
        union all
        select min(transitioned_at) from stg_stage_transitions
        union all
        select min(created_at) from stg_opportunities
    ) as firsts

),

hours as (

    select
        hours.hour_at,
        {{ local_time(hours.hour_at) }} - hours.hour_at as utc_offset,
        {{ local_time(hours.hour_at + interval 1 hour - interval 1 microsecond) }}
            - (hours.hour_at + interval 1 hour - interval 1 microsecond) as last_utc_offset,
    from bounds
    cross join settings
    cross join generate_series(
        date_trunc('hour', coalesce(bounds.first_at, settings.as_of_at)),
        settings.as_of_at + interval 1 day,
        interval 1 hour
    ) as hours (hour_at)

),

final as (

    select hour_at, utc_offset,
    from hours
    where utc_offset = last_utc_offset

)

select * from final
