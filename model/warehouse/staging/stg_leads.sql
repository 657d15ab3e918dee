-- One row per lead (a person), as imported. The email is the MA key, so it
-- is lower-cased here: the same person typed twice must not become two leads.

{{ staging_model('leads') }}
