-- One row per opportunity and contact the source names on it (Salesforce
-- OpportunityContactRole, HubSpot deal–contact associations): the role as
-- the source spells it (Decision Maker, Economic Buyer, …), lower-cased.
-- Optional input: empty when the source has no contact roles, and then a
-- deal's buying group is its engaged contacts only (docs/metrics.md
-- definition 19).

with

source as (

    select * from raw.opportunity_contact_roles

),

final as (

    select
        nullif(trim(opportunity_id), '') as opportunity_id,
        nullif(trim(lead_id), '') as lead_id,
        lower(nullif(trim(role), '')) as role,
        coalesce(cast(lower(nullif(trim(is_primary), '')) as boolean), false) as is_primary,

    from source

)

select * from final
