-- Backlog inventory (contract metric 4) as changes, so that it answers the
-- inventory at ANY instant without one row per lead per snapshot: each row
-- is the net change, on one local day, of the number of leads in one state
-- (stage × aging bucket × stuck × segment). The inventory at the end of day
-- D is the sum of all changes on days <= D (the backlog cube's `leads` is
-- that running sum, a rolling window with no start); with no time dimension
-- the sum of all rows is the inventory at as_of.
--
-- A stint (backlog_stints) is cut at the ages where its state changes
-- (aging buckets start at 0, 8, 15, 31, 61, 91, 181 days; an SLA stage's
-- lead becomes stuck at sla_days) into segments; each segment adds +1 on the
-- day it starts and −1 on the day it ends (the next segment's start or the
-- stint's left_at). Segments start only up to as_of, so the running sum never
-- ages a lead past as_of. Stuck here starts at age = sla_days exactly (the
-- strict "aging > sla" differs only at that one instant).
--
-- Days are cut in the settings' zone and stored as the UTC instant of the
-- local day's start (a change during day D counts for every instant from the
-- start of D — exact for day-end instants, which is what the views ask).
-- Rows: one per day, state and segment with a net change. Measured at 200 k
-- leads: 3,329,802 rows in 57 s on a loaded 2-core machine, against
-- 23,957,560 rows (349 s) for the former per-lead daily and month-end
-- snapshots; ~16 M at 1 M leads by the same ratio (the snapshots: 119.8 M).
-- The segments (lead source, persona, industry, band, owner team) keep the
-- rows from merging; they are what the views filter on.
--
-- How it is computed (the same rows as the first version, which grouped the
-- changes by all fifteen columns and found the next cut with a window: 16 s
-- at 200 k leads): each stint's next cut age comes from the bucket ranges
-- and its SLA age (no window), and the changes are summed per day, state
-- and an integer key of the stint's stage and segment, whose columns are
-- joined back once per summed row.

-- settings and the stints read without their schema: a day's import, which moves as_of, updates this mart by the
-- changed leads' and the crossing leads' sums (backlog_inventory.yml, as_of) before and after, and the sums before
-- read the previous warehouse's settings through the same names
with settings as (
    select time_zone, as_of_at as as_of from settings
),

-- the stints as backlog_stints has them (cut at as_of), from the stored rows
stints as (
    select
        stint_rows.stage, stint_rows.stage_order, stint_rows.is_funnel, stint_rows.team, stint_rows.sla_days,
        stint_rows.is_sla_stage, stint_rows.lead_source, stint_rows.persona, stint_rows.industry,
        stint_rows.employee_band, stint_rows.owner_team, stint_rows.entered_at,
        case when stint_rows.left_at <= settings.as_of then stint_rows.left_at end as left_at,
    from backlog_stint_rows as stint_rows
    cross join settings
    where stint_rows.entered_at <= settings.as_of
),

-- each bucket as a range [age_days, next_age_days) (the last one open)
bucket_ranges as (
    select age_days, next_age_days, aging_bucket, aging_bucket_order from aging_buckets
),

-- one key per stage and segment: the columns a change is summed by, besides its day and aging state (a rank,
-- not a join on eleven nullable columns, which PostgreSQL can only run as a nested loop)
keyed_stints as (
    select
        dense_rank() over (
            order by stage, stage_order, is_funnel, team, sla_days, is_sla_stage,
                lead_source, persona, industry, employee_band, owner_team
        ) as segment_key,
        stints.*,
    from stints
),

segment_keys as (
    select distinct
        segment_key, stage, stage_order, is_funnel, team, sla_days, is_sla_stage,
        lead_source, persona, industry, employee_band, owner_team,
    from keyed_stints
),

-- the ages where a stint's state changes: every bucket start, and the SLA age where it is not one
cuts as (
    select
        keyed_stints.segment_key, keyed_stints.entered_at, keyed_stints.left_at, keyed_stints.sla_days,
        bucket_ranges.age_days, bucket_ranges.next_age_days, bucket_ranges.aging_bucket_order,
    from keyed_stints
    cross join bucket_ranges
    union all
    select
        keyed_stints.segment_key, keyed_stints.entered_at, keyed_stints.left_at, keyed_stints.sla_days,
        keyed_stints.sla_days, bucket_ranges.next_age_days, bucket_ranges.aging_bucket_order,
    from keyed_stints
    inner join bucket_ranges
        on keyed_stints.sla_days > bucket_ranges.age_days
        and (keyed_stints.sla_days < bucket_ranges.next_age_days or bucket_ranges.next_age_days is null)
),

segments as (
    select
        segment_key,
        left_at,
        aging_bucket_order,
        coalesce(age_days >= sla_days, false) as is_stuck,
        entered_at + to_days(age_days) as starts_at,
        entered_at + to_days(least(next_age_days, case when sla_days > age_days then sla_days end)) as next_starts_at,
    from cuts
),

live_segments as (
    select
        segments.*,
        case
            when segments.next_starts_at <= settings.as_of
                and (segments.left_at is null or segments.next_starts_at < segments.left_at)
                then segments.next_starts_at
            else segments.left_at
        end as ends_at,
    from segments
    cross join settings
    where segments.starts_at <= settings.as_of
        and (segments.left_at is null or segments.starts_at < segments.left_at)
),

changes as (
    select starts_at as changed_at, 1 as delta, segment_key, aging_bucket_order, is_stuck from live_segments
    union all
    select ends_at as changed_at, -1 as delta, segment_key, aging_bucket_order, is_stuck from live_segments where ends_at is not null
),

-- the UTC start of the local day of every hour a change can fall in: the
-- hours and their offsets from zone_hours (the hours of the data), the zone
-- conversion back to UTC once per local day rather than once per hour or
-- per change, where it cost more than the rest of this mart together (the
-- former per-hour conversion: 1.2 s of 2.2 s at 20 k leads). An hour in
-- which the local day turns (a zone whose offset is not whole hours) has two
-- day starts, and an hour zone_hours leaves out (its offset changes) none;
-- their changes are converted one by one.
local_hours as (
    select
        hour_at as hour,
        date_trunc('day', hour_at + utc_offset) as local_day,
        date_trunc('day', hour_at + utc_offset + interval '1 hour' - interval '1 microsecond') as last_local_day,
    from zone_hours
),

day_starts as (
    select local_day, {{ utc_time(local_day) }} as day_start,
    from (select local_day from local_hours union select last_local_day from local_hours) as days
    cross join settings
),

change_hours as (
    select local_hours.hour, firsts.day_start, lasts.day_start as last_day_start,
    from local_hours
    inner join day_starts as firsts on firsts.local_day = local_hours.local_day
    inner join day_starts as lasts on lasts.local_day = local_hours.last_local_day
),

daily_changes as (
    select
        case
            when change_hours.day_start = change_hours.last_day_start then change_hours.day_start
            else {{ utc_time({{ local_day(changes.changed_at) }}) }}
        end as changed_on,
        changes.segment_key,
        changes.aging_bucket_order,
        changes.is_stuck,
        -- an integer, not sum()'s HUGEINT: DuckDB reads a bit-packed HUGEINT column about a hundred times slower
        -- (1.3 s for these 354 k rows at 20 k leads, against 0.01 s for an INTEGER), and every reader sums it
        cast(sum(changes.delta) as integer) as lead_change,
    from changes
    cross join settings
    left join change_hours on change_hours.hour = date_trunc('hour', changes.changed_at)
    group by all
    having sum(changes.delta) <> 0
),

final as (
    select
        daily_changes.changed_on,
        segment_keys.stage,
        segment_keys.stage_order,
        segment_keys.is_funnel,
        segment_keys.team,
        segment_keys.sla_days,
        segment_keys.is_sla_stage,
        bucket_ranges.aging_bucket,
        bucket_ranges.aging_bucket_order,
        daily_changes.is_stuck,
        segment_keys.lead_source,
        segment_keys.persona,
        segment_keys.industry,
        segment_keys.employee_band,
        segment_keys.owner_team,
        daily_changes.lead_change,
    from daily_changes
    inner join segment_keys on segment_keys.segment_key = daily_changes.segment_key
    inner join bucket_ranges on bucket_ranges.aging_bucket_order = daily_changes.aging_bucket_order
)

-- Stored in state order, then by day: DuckDB compresses each column per row group, and in this order the
-- state columns and changed_on run in long repeats (at 100 k leads 18.6 MB in the file, 6.6 MB sorted).
-- The order means nothing to a reader.
select * from final
order by stage_order, aging_bucket_order, is_stuck, changed_on
