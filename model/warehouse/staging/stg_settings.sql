-- One row per setting (key, value) as text. The typed, defaulted view of
-- these is the settings mart.

{{ staging_model('settings') }}
