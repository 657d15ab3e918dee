-- One row per opportunity and contact the source names on it (Salesforce
-- OpportunityContactRole, HubSpot deal–contact associations): the role as
-- the source spells it (Decision Maker, Economic Buyer, …), lower-cased.
-- Optional input: empty when the source has no contact roles, and then a
-- deal's buying group is its engaged contacts only (docs/metrics.md
-- definition 19).

{{ staging_model('opportunity_contact_roles') }}
