-- One row per opportunity (商談). closed_at is null while open; amount is an
-- integer in the settings' currency.

with

source as (

    select * from raw.opportunities

),

final as (

    select
        nullif(trim(opportunity_id), '') as opportunity_id,
        nullif(trim(account_id), '') as account_id,
        nullif(trim(lead_id), '') as lead_id,
        cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as created_at,
        cast(nullif(trim(closed_at), '') as timestamptz) at time zone 'UTC' as closed_at,
        lower(nullif(trim(status), '')) as status,
        cast(nullif(trim(amount), '') as bigint) as amount,
        lower(nullif(trim(deal_type), '')) as deal_type,
        nullif(trim(lost_reason), '') as lost_reason,
        lower(nullif(trim(owner_team), '')) as owner_team,

    from source

)

select * from final
