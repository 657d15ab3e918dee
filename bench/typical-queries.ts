/*
 * One typical query per public view, of the kind docs/metrics.md shows for
 * it (a fiscal year by month where the view has a period), used for the
 * latency check on the bundled seeds.
 */
export const TYPICAL_QUERIES: Record<string, Record<string, unknown>> = {
  stage_reach: {
    measures: ['stage_reach.leads', 'stage_reach.accounts'],
    dimensions: ['stage_reach.stage', 'stage_reach.stage_order'],
    timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
  },
  conversions: {
    measures: [
      'conversions.entered',
      'conversions.converted',
      'conversions.conversion_rate',
      'conversions.conversion_rate_90d',
      'conversions.median_days_to_convert',
      'conversions.immature_90d',
    ],
    dimensions: ['conversions.from_stage', 'conversions.to_stage'],
    timeDimensions: [{ dimension: 'conversions.cohort_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
    filters: [{ member: 'conversions.is_adjacent', operator: 'equals', values: ['true'] }],
  },
  flow: {
    measures: ['flow.from_volume', 'flow.to_volume', 'flow.flow_conversion_rate'],
    dimensions: ['flow.from_stage', 'flow.to_stage'],
    timeDimensions: [{ dimension: 'flow.reached_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
    filters: [{ member: 'flow.is_adjacent', operator: 'equals', values: ['true'] }],
  },
  backlog: {
    measures: ['backlog.leads', 'backlog.stuck_leads'],
    dimensions: ['backlog.stage'],
    timeDimensions: [{ dimension: 'backlog.snapshot_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
    filters: [{ member: 'backlog.is_month_end', operator: 'equals', values: ['true'] }],
  },
  paths: {
    measures: [
      'paths.leads',
      'paths.success_path_leads',
      'paths.fast_path_leads',
      'paths.detour_path_leads',
      'paths.recycle_return_rate',
    ],
    dimensions: ['paths.lead_source'],
  },
  deals: {
    measures: ['deals.won', 'deals.win_rate', 'deals.won_amount', 'deals.avg_deal_size', 'deals.avg_sales_cycle_days'],
    timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
  },
  targets: {
    measures: ['targets.target', 'targets.actual', 'targets.achievement_rate'],
    timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: ['2025-04-01', '2026-03-31'] }],
    filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue'] }],
  },
};
