-- One row per month, team and cost type: what the sales-and-marketing teams
-- cost beside program spend (docs/metrics.md definition 10). team is
-- marketing, inside_sales, sales or customer_success; cost_type people
-- (loaded personnel cost) or overhead (office, tools, recruiting, travel).
-- month is the month's first day, a calendar date (no time, no zone).

{{ staging_model('team_costs') }}
