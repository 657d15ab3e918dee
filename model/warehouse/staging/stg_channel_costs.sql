-- One row per month, channel and (optional) campaign: what was spent.
-- month is the month's first day, a calendar date (no time, no zone).

{{ staging_model('channel_costs') }}
