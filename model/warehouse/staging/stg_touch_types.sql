-- One row per kind of touch (page view, download, sales call, ...) with its
-- names, as listed in seeds/touch_types.csv (the bundled list when a seed
-- directory has none).

{{ staging_model('touch_types') }}
