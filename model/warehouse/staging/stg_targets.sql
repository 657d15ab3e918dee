-- One row per fiscal month and metric: the plan. target is a double because
-- metrics mix money (revenue) with counts and rates.

{{ staging_model('targets') }}
