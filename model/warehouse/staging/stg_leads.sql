-- One row per lead (a person), as imported. The email is the MA key, so it
-- is lower-cased here: the same person typed twice must not become two leads.

with

source as (

    select * from raw.leads

),

final as (

    select
        nullif(trim(lead_id), '') as lead_id,
        lower(nullif(trim(email), '')) as email,
        nullif(trim(account_id), '') as account_id,
        cast(nullif(trim(created_at), '') as timestamptz) at time zone 'UTC' as created_at,
        lower(nullif(trim(lead_source), '')) as lead_source,
        nullif(trim(persona), '') as persona,
        lower(nullif(trim(owner_team), '')) as owner_team,

    from source

)

select * from final
