-- One row per opportunity (商談). closed_at is null while open; amount is an
-- integer in the settings' currency.

{{ staging_model('opportunities') }}
