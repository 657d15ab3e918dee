-- One row per stage with its agreed definition, entry criteria and hand-off
-- condition in Japanese and English (seeds/stage_definitions.csv, the bundled
-- document when a seed directory has none). The owning team and SLA are the
-- stage's own (stages.csv), not repeated here.

{{ staging_model('stage_definitions') }}
