-- One row per stage transition of a lead. from_stage is null on a lead's
-- first entry into the cycle.

with

source as (

    select * from raw.stage_transitions

),

final as (

    select
        nullif(trim(transition_id), '') as transition_id,
        nullif(trim(lead_id), '') as lead_id,
        lower(nullif(trim(from_stage), '')) as from_stage,
        lower(nullif(trim(to_stage), '')) as to_stage,
        cast(nullif(trim(transitioned_at), '') as timestamptz) at time zone 'UTC' as transitioned_at,
        nullif(trim(reason), '') as reason,
        lower(nullif(trim(team), '')) as team,

    from source

)

select * from final
