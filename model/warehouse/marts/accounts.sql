-- One row per account (buying group) with its segment attributes: the table
-- the semantic layer's `accounts` cube reads, so industry, employee band and
-- region are declared once and every fact reaches them through a join.
-- A missing attribute reads '(unknown)', as in the lead and deal marts.

with accounts as (
    select * from stg_accounts
),

final as (
    select
        account_id,
        account_name,
        coalesce(industry, '(unknown)') as industry,
        coalesce(employee_band, '(unknown)') as employee_band,
        coalesce(region, '(unknown)') as region,
        created_at,
        churned_at,
    from accounts
)

select * from final
