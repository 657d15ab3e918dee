-- One row per marketing or sales channel the data may use, with its names,
-- as listed in seeds/channels.csv (the bundled list when a seed directory
-- has none). Touchpoints, campaigns, costs and lead sources are tested
-- against it, so a channel outside the list fails the build by name.

{{ staging_model('channels') }}
