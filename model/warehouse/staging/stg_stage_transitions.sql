-- One row per stage transition of a lead. from_stage is null on a lead's
-- first entry into the cycle.

{{ staging_model('stage_transitions') }}
