{{ config(materialized='view') }}

-- Cohort conversion (contract metric 2): one row per lead and ordered pair of
-- funnel stages (from, to) with the lead having reached `from`; cohort_at =
-- reached(from), converted_at = reached(to). Windowed flags say whether the
-- lead converted within W days (W = 30, 60, 90, 180).
--
-- Immaturity is judged per cohort month (cut in the settings' zone), the
-- period of the monthly cohort report: a window-W row is immature when the
-- end of its cohort month + W lies past as_of; with no window, when that
-- month's end + the median from→to velocity (over all leads that converted)
-- lies past as_of. For a quarter or a year the measure that ORs these flags
-- is exact whenever the period's last month has a cohort.
--
-- Account grain rides on the same rows: the row of the lead through which the
-- account reached `from` (is_account_cohort) carries the account's own
-- conversion (reached(to) of any lead of the account).

-- Built in two parts so that an import rebuilds only the changed leads' rows
-- (docs/import.md, "Incremental builds"): stage_conversion_rows (lead by
-- lead) and stage_conversion_velocity (the medians, over all leads). This
-- view joins them: the immaturity flags (they read as_of, which a day's
-- import moves) and pair_median_days_to_convert are computed when it is read, and so are the columns a row's stored ones give
-- (conversion_id, the days to convert), which the table leaves out for size.

select
    conversion_rows.lead_id || '|' || conversion_rows.from_stage || '|' || conversion_rows.to_stage as conversion_id,
    conversion_rows.lead_id,
    conversion_rows.account_id,
    conversion_rows.from_stage,
    conversion_rows.from_stage_order,
    conversion_rows.to_stage,
    conversion_rows.to_stage_order,
    conversion_rows.is_adjacent,
    conversion_rows.cohort_at,
    conversion_rows.converted_at,
    conversion_rows.is_converted,
    {{ days_between(conversion_rows.cohort_at, conversion_rows.converted_at) }} as days_to_convert,
    conversion_rows.is_converted_30d,
    conversion_rows.is_converted_60d,
    conversion_rows.is_converted_90d,
    conversion_rows.is_converted_180d,
    conversion_rows.cohort_month_end_at + interval 30 day > settings.as_of_at as is_immature_30d,
    conversion_rows.cohort_month_end_at + interval 60 day > settings.as_of_at as is_immature_60d,
    conversion_rows.cohort_month_end_at + interval 90 day > settings.as_of_at as is_immature_90d,
    conversion_rows.cohort_month_end_at + interval 180 day > settings.as_of_at as is_immature_180d,
    coalesce(
        conversion_rows.cohort_month_end_at + to_microseconds(cast(velocity.median_days_to_convert * 86400000000 as bigint))
        > settings.as_of_at,
        false
    ) as is_immature,
    velocity.median_days_to_convert as pair_median_days_to_convert,
    conversion_rows.is_account_cohort,
    conversion_rows.account_converted_at,
    conversion_rows.is_account_converted,
    -- account_converted_at is stored on account cohort rows only
    {{ days_between(conversion_rows.cohort_at, conversion_rows.account_converted_at) }} as account_days_to_convert,
    conversion_rows.is_account_converted_30d,
    conversion_rows.is_account_converted_60d,
    conversion_rows.is_account_converted_90d,
    conversion_rows.is_account_converted_180d,
    conversion_rows.lead_source,
    conversion_rows.persona,
    conversion_rows.industry,
    conversion_rows.employee_band,
    conversion_rows.region,
    conversion_rows.owner_team,
from marts.stage_conversion_rows as conversion_rows
cross join marts.settings
inner join marts.stage_conversion_velocity as velocity
    on velocity.from_stage = conversion_rows.from_stage
    and velocity.to_stage = conversion_rows.to_stage
