-- The median from→to velocity over every lead that converted (days from
-- reaching `from` to reaching `to`), per ordered funnel stage pair of
-- stage_conversion_rows: what stage_conversions' is_immature (no window)
-- adds to the end of the cohort month. The one part of stage_conversions
-- that reads all leads at once, kept in its own small table.

select from_stage, to_stage, median({{ days_between(cohort_at, converted_at) }}) as median_days_to_convert
from stage_conversion_rows
group by all
