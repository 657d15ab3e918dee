-- One row per marketing or sales touch of a lead (page view, download,
-- webinar, sales call, ...).

{{ staging_model('touchpoints') }}
