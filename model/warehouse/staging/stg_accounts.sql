-- One row per account (a buying company). Times are stored as UTC without a
-- zone: a seed time with an offset keeps its instant, one without is read in
-- the settings' zone (the build sets the session time zone to it).

{{ staging_model('accounts') }}
