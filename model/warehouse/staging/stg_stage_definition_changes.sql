-- The stage definitions' change log (seeds/stage_definition_changes.csv): one
-- row per agreed change, with the day, the stage it concerns (null: the whole
-- document), the change in Japanese and English, and who agreed it.

{{ staging_model('stage_definition_changes') }}
