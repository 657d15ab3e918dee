-- One row per campaign. ended_at is null while a campaign runs; buyer_journey_step
-- is null when the source leaves it out (the column is optional).

{{ staging_model('campaigns') }}
