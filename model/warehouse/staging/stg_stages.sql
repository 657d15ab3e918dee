-- One row per stage of the revenue cycle: funnel stages and side states
-- (recycled, disqualified, lost), as configured in seeds/stages.csv.

{{ staging_model('stages') }}
