/*
 * Unit-economics constants shared by the reference LTV (test/reference/unit-economics.ts)
 * and the SQL mart (model/warehouse/marts/unit_economics.sql, through the
 * runner's `{{ max_lifetime_years }}` variable). Browser-safe.
 */

/**
 * Cap on the customer lifetime 1 ÷ annual churn, in years (docs/metrics.md,
 * definition 10): zero or very low churn gives a finite LTV.
 */
export const MAX_LIFETIME_YEARS = 10;
