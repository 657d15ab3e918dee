{{ config(materialized='view') }}

-- The aging buckets of the backlog (contract metric 4): each bucket as a
-- range of a stint's age in days [age_days, next_age_days), the last one
-- open. backlog_inventory cuts stints at these ages, and its incremental
-- update (backlog_inventory.yml, as_of) finds the stints that cross one
-- when as_of moves: the one place the ages are written. A plain range join
-- reads it (no ASOF join, which PostgreSQL lacks).

select
    age_days,
    lead(age_days) over (order by age_days) as next_age_days,
    aging_bucket,
    aging_bucket_order,
from (values
    (0, '0-7', 1), (8, '8-14', 2), (15, '15-30', 3), (31, '31-60', 4),
    (61, '61-90', 5), (91, '91-180', 6), (181, '181+', 7)
) as buckets (age_days, aging_bucket, aging_bucket_order)
