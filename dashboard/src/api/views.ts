/*
 * The public views the dashboard reads, member by member, as the semantic
 * layer publishes them (model/views/). Cards import their member names
 * from here, so props are typed against the views and a renamed member is
 * changed in one place. Which global filters each view can apply is listed
 * beside it.
 */
import type { FilterMapping } from '../lib/build-filters';

export const STAGE_REACH = {
  stage: 'stage_reach.stage',
  stageOrder: 'stage_reach.stage_order',
  reachedAt: 'stage_reach.reached_at',
  leadSource: 'stage_reach.lead_source',
  persona: 'stage_reach.persona',
  industry: 'stage_reach.industry',
  employeeBand: 'stage_reach.employee_band',
  isSkipped: 'stage_reach.is_skipped',
  leads: 'stage_reach.leads',
  accounts: 'stage_reach.accounts',
} as const;

export const CONVERSIONS = {
  fromStage: 'conversions.from_stage',
  toStage: 'conversions.to_stage',
  cohortAt: 'conversions.cohort_at',
  leadSource: 'conversions.lead_source',
  persona: 'conversions.persona',
  industry: 'conversions.industry',
  employeeBand: 'conversions.employee_band',
  isAdjacent: 'conversions.is_adjacent',
  /** 1 when the row's cohort includes an immature month, else 0 (a measure). */
  immature: 'conversions.immature',
  entered: 'conversions.entered',
  converted: 'conversions.converted',
  conversionRate: 'conversions.conversion_rate',
  medianDays: 'conversions.median_days_to_convert',
  p75Days: 'conversions.p75_days_to_convert',
  enteredAccounts: 'conversions.account_entered',
  convertedAccounts: 'conversions.account_converted',
  accountConversionRate: 'conversions.account_conversion_rate',
  accountMedianDays: 'conversions.account_median_days_to_convert',
} as const;

export const FLOW = {
  fromStage: 'flow.from_stage',
  toStage: 'flow.to_stage',
  isAdjacent: 'flow.is_adjacent',
  reachedAt: 'flow.reached_at',
  leadSource: 'flow.lead_source',
  industry: 'flow.industry',
  employeeBand: 'flow.employee_band',
  fromVolume: 'flow.from_volume',
  toVolume: 'flow.to_volume',
  flowConversion: 'flow.flow_conversion_rate',
  accountFromVolume: 'flow.account_from_volume',
  accountToVolume: 'flow.account_to_volume',
  accountFlowConversion: 'flow.account_flow_conversion_rate',
} as const;

export const BACKLOG = {
  stage: 'backlog.stage',
  snapshotAt: 'backlog.snapshot_at',
  isFunnel: 'backlog.is_funnel',
  isSlaStage: 'backlog.is_sla_stage',
  agingBucket: 'backlog.aging_bucket',
  agingBucketOrder: 'backlog.aging_bucket_order',
  isStuck: 'backlog.is_stuck',
  team: 'backlog.team',
  ownerTeam: 'backlog.owner_team',
  leadSource: 'backlog.lead_source',
  persona: 'backlog.persona',
  industry: 'backlog.industry',
  employeeBand: 'backlog.employee_band',
  leads: 'backlog.leads',
  stuckLeads: 'backlog.stuck_leads',
} as const;

/** The current inventory lead by lead (as_of): the stuck list. */
export const BACKLOG_LEADS = {
  leadId: 'backlog_leads.lead_id',
  stage: 'backlog_leads.stage',
  team: 'backlog_leads.team',
  isStuck: 'backlog_leads.is_stuck',
  isNurtureStage: 'backlog_leads.is_nurture_stage',
  agingDays: 'backlog_leads.aging_days',
  slaDays: 'backlog_leads.sla_days',
  daysOverSla: 'backlog_leads.days_over_sla',
  breachAt: 'backlog_leads.breach_at',
  ownerTeam: 'backlog_leads.owner_team',
  leadSource: 'backlog_leads.lead_source',
  persona: 'backlog_leads.persona',
  industry: 'backlog_leads.industry',
  employeeBand: 'backlog_leads.employee_band',
} as const;

export const PATHS = {
  isSuccess: 'paths.is_success_path',
  isFast: 'paths.is_fast_path',
  isDetour: 'paths.is_detour_path',
  recycleCount: 'paths.recycle_count',
  persona: 'paths.persona',
  employeeBand: 'paths.employee_band',
  createdAt: 'paths.created_at',
  leadSource: 'paths.lead_source',
  industry: 'paths.industry',
  leads: 'paths.leads',
  successLeads: 'paths.success_path_leads',
  fastLeads: 'paths.fast_path_leads',
  detourLeads: 'paths.detour_path_leads',
  recycledLeads: 'paths.recycled_leads',
  recycleReturnRate: 'paths.recycle_return_rate',
  exitFromStage: 'paths.exit_from_stage',
  exitedAt: 'paths.exited_at',
  exits: 'paths.exits',
  recycles: 'paths.recycles',
  /** Recycle rate of the exit's from-stage (stage_exits). */
  recycleRate: 'paths.recycle_rate',
  recycleEventReturnRate: 'paths.recycle_event_return_rate',
} as const;

export const DEALS = {
  status: 'deals.status',
  dealType: 'deals.deal_type',
  createdAt: 'deals.created_at',
  closedAt: 'deals.closed_at',
  leadSource: 'deals.lead_source',
  industry: 'deals.industry',
  employeeBand: 'deals.employee_band',
  opportunities: 'deals.opportunities',
  won: 'deals.won',
  /** Won `new` deals: the wins of the KPI tree (definition 12). */
  newWon: 'deals.new_won',
  lost: 'deals.lost',
  winRate: 'deals.win_rate',
  /** Won ÷ closed `new` deals: the win rate of the KPI tree and the review (definition 12). */
  newWinRate: 'deals.new_win_rate',
  wonAmount: 'deals.won_amount',
  avgDealSize: 'deals.avg_deal_size',
  avgSalesCycleDays: 'deals.avg_sales_cycle_days',
  /** Mean days created → closed of won `new` deals: the sales cycle of the KPI tree (definition 12). */
  newAvgSalesCycleDays: 'deals.new_avg_sales_cycle_days',
  openPipeline: 'deals.open_pipeline',
  openOpportunities: 'deals.open_opportunities',
  pipelineVelocity: 'deals.pipeline_velocity',
} as const;

export const TARGETS = {
  fiscalMonth: 'targets.fiscal_month',
  metric: 'targets.metric',
  target: 'targets.target',
  actual: 'targets.actual',
  achievementRate: 'targets.achievement_rate',
  gap: 'targets.gap',
} as const;

export const STAGES = {
  stage: 'stages.stage',
  stageOrder: 'stages.stage_order',
  labelJa: 'stages.label_ja',
  labelEn: 'stages.label_en',
  team: 'stages.team',
  slaDays: 'stages.sla_days',
  isFunnel: 'stages.is_funnel',
  funnelPosition: 'stages.funnel_position',
} as const;

export const ATTRIBUTION = {
  model: 'attribution.model',
  channel: 'attribution.channel',
  campaign: 'attribution.campaign',
  campaignName: 'attribution.campaign_name',
  /** opportunity (pipeline), won (revenue) or a stage pair 'lead->mql', … */
  conversion: 'attribution.conversion',
  convertedAt: 'attribution.converted_at',
  dealType: 'attribution.deal_type',
  industry: 'attribution.industry',
  employeeBand: 'attribution.employee_band',
  credit: 'attribution.credit',
  attributedPipeline: 'attribution.attributed_pipeline',
  attributedRevenue: 'attribution.attributed_revenue',
  conversions: 'attribution.conversions',
} as const;

export const CHANNEL_PERFORMANCE = {
  model: 'channel_performance.model',
  channel: 'channel_performance.channel',
  month: 'channel_performance.month',
  cost: 'channel_performance.cost',
  leads: 'channel_performance.leads',
  cpl: 'channel_performance.cpl',
  attributedOpportunities: 'channel_performance.attributed_opportunities',
  attributedPipeline: 'channel_performance.attributed_pipeline',
  attributedWins: 'channel_performance.attributed_wins',
  attributedRevenue: 'channel_performance.attributed_revenue',
  cac: 'channel_performance.cac',
  roi: 'channel_performance.roi',
  roas: 'channel_performance.roas',
} as const;

export const UNIT_ECONOMICS = {
  segmentType: 'unit_economics.segment_type',
  segment: 'unit_economics.segment',
  /** Last month of the trailing-12-month window. */
  period: 'unit_economics.period',
  isPartial: 'unit_economics.is_partial',
  arpa: 'unit_economics.arpa',
  churnRate: 'unit_economics.churn_rate',
  ltv: 'unit_economics.ltv',
  /** Fully loaded: program + people + overhead (definition 10). */
  cac: 'unit_economics.cac',
  programCac: 'unit_economics.program_cac',
  ltvToCac: 'unit_economics.ltv_to_cac',
  paybackMonths: 'unit_economics.cac_payback_months',
  newCustomers: 'unit_economics.new_customers',
} as const;

export const PLAN = {
  fiscalMonth: 'plan.fiscal_month',
  stage: 'plan.stage',
  stageOrder: 'plan.stage_order',
  channel: 'plan.channel',
  isOverAllowableCac: 'plan.is_over_allowable_cac',
  isCacUnbounded: 'plan.is_cac_unbounded',
  attributionModel: 'plan.attribution_model',
  required: 'plan.required',
  actual: 'plan.actual',
  requiredToDate: 'plan.required_to_date',
  gap: 'plan.gap',
  attainment: 'plan.attainment',
  requiredBudget: 'plan.required_budget',
  ltvBoundedRequired: 'plan.ltv_bounded_required',
  ltvBoundedBudget: 'plan.ltv_bounded_budget',
  revenueTarget: 'plan.revenue_target',
  conversionRate: 'plan.conversion_rate',
  velocityDays: 'plan.velocity_days',
  averageDealSize: 'plan.average_deal_size',
  channelShare: 'plan.channel_share',
  ltvBoundedChannelShare: 'plan.ltv_bounded_channel_share',
  channelCpl: 'plan.channel_cpl',
  channelCac: 'plan.channel_cac',
  allowableCac: 'plan.allowable_cac',
  teamCostPerCustomer: 'plan.team_cost_per_customer',
  allowableProgramCac: 'plan.allowable_program_cac',
  ltv: 'plan.ltv',
  ltvCacTarget: 'plan.ltv_cac_target',
} as const;

export const KPI_TREE = {
  /** month, fiscal_quarter or fiscal_year: always filter to one. */
  periodType: 'kpi_tree.period_type',
  /** First month of the period. */
  fiscalMonth: 'kpi_tree.fiscal_month',
  periodLabel: 'kpi_tree.period_label',
  isPartial: 'kpi_tree.is_partial',
  node: 'kpi_tree.node',
  parent: 'kpi_tree.parent',
  label: 'kpi_tree.label',
  labelJa: 'kpi_tree.label_ja',
  unit: 'kpi_tree.unit',
  formula: 'kpi_tree.formula',
  /** What a node means where its label cannot say it (the velocity factor). */
  note: 'kpi_tree.note',
  noteJa: 'kpi_tree.note_ja',
  /** Count nodes: the months counted (the period moved back by the stage velocity); end exclusive. */
  windowStart: 'kpi_tree.window_start',
  windowEnd: 'kpi_tree.window_end',
  lever: 'kpi_tree.lever',
  sortOrder: 'kpi_tree.sort_order',
  weakestVsPlan: 'kpi_tree.is_weakest_link_vs_plan',
  weakestVsPrevious: 'kpi_tree.is_weakest_link_vs_previous',
  weakestVsYearAgo: 'kpi_tree.is_weakest_link_vs_year_ago',
  actual: 'kpi_tree.actual',
  /** The plan to date for the period holding as_of (definition 17), else the whole period's plan. */
  plan: 'kpi_tree.plan',
  /** The whole period's plan (通期計画). */
  planFull: 'kpi_tree.plan_full',
  previous: 'kpi_tree.previous',
  yearAgo: 'kpi_tree.year_ago',
  effectVsPlan: 'kpi_tree.effect_vs_plan',
  effectVsPrevious: 'kpi_tree.effect_vs_previous',
  effectVsYearAgo: 'kpi_tree.effect_vs_year_ago',
  gapEffectVsPlan: 'kpi_tree.gap_effect_vs_plan',
  gapEffectVsPrevious: 'kpi_tree.gap_effect_vs_previous',
  gapEffectVsYearAgo: 'kpi_tree.gap_effect_vs_year_ago',
  shareVsPlan: 'kpi_tree.share_of_gap_vs_plan',
  shareVsPrevious: 'kpi_tree.share_of_gap_vs_previous',
  shareVsYearAgo: 'kpi_tree.share_of_gap_vs_year_ago',
} as const;

/** The stage definitions document (ステージ定義書), one row per stage. */
export const STAGE_DEFINITIONS = {
  stage: 'stage_definitions.stage',
  stageOrder: 'stage_definitions.stage_order',
  labelJa: 'stage_definitions.label_ja',
  labelEn: 'stage_definitions.label_en',
  team: 'stage_definitions.team',
  slaDays: 'stage_definitions.sla_days',
  isFunnel: 'stage_definitions.is_funnel',
  isInventory: 'stage_definitions.is_inventory_stage',
  nextStage: 'stage_definitions.next_stage',
  nextTeam: 'stage_definitions.next_team',
  isHandoff: 'stage_definitions.is_handoff',
  definitionJa: 'stage_definitions.definition_ja',
  definitionEn: 'stage_definitions.definition_en',
  entryJa: 'stage_definitions.entry_criteria_ja',
  entryEn: 'stage_definitions.entry_criteria_en',
  handoffJa: 'stage_definitions.handoff_condition_ja',
  handoffEn: 'stage_definitions.handoff_condition_en',
  hasDefinition: 'stage_definitions.has_definition',
  lastChangedOn: 'stage_definitions.last_changed_on',
} as const;

export const STAGE_DEFINITION_CHANGES = {
  changeNumber: 'stage_definition_changes.change_number',
  changedOn: 'stage_definition_changes.changed_on',
  stage: 'stage_definition_changes.stage',
  changeJa: 'stage_definition_changes.change_ja',
  changeEn: 'stage_definition_changes.change_en',
  agreedBy: 'stage_definition_changes.agreed_by',
} as const;

/** Hand-off quality (definition 16), one row per hand-off; group by boundary. */
export const HANDOFF_QUALITY = {
  boundary: 'handoff_quality.boundary',
  fromStage: 'handoff_quality.from_stage',
  toStage: 'handoff_quality.to_stage',
  followingStage: 'handoff_quality.following_stage',
  fromTeam: 'handoff_quality.from_team',
  toTeam: 'handoff_quality.to_team',
  handedOverAt: 'handoff_quality.handed_over_at',
  leadSource: 'handoff_quality.lead_source',
  industry: 'handoff_quality.industry',
  employeeBand: 'handoff_quality.employee_band',
  handedOver: 'handoff_quality.handed_over',
  accepted: 'handoff_quality.accepted',
  rejected: 'handoff_quality.rejected',
  recycled: 'handoff_quality.recycled',
  pending: 'handoff_quality.pending',
  acceptanceRate: 'handoff_quality.acceptance_rate',
  rejectionRate: 'handoff_quality.rejection_rate',
  acceptedConversionRate: 'handoff_quality.accepted_conversion_rate',
} as const;

/** Persona coverage (definition 19): per persona, deals where it engaged before the opportunity against deals where it was missing. */
export const PERSONA_COVERAGE = {
  persona: 'persona_coverage.persona',
  isEngaged: 'persona_coverage.is_engaged',
  personasCovered: 'persona_coverage.personas_covered',
  dealType: 'persona_coverage.deal_type',
  closedAt: 'persona_coverage.closed_at',
  industry: 'persona_coverage.industry',
  employeeBand: 'persona_coverage.employee_band',
  closedDeals: 'persona_coverage.closed_deals',
  wonDeals: 'persona_coverage.won_deals',
  winRate: 'persona_coverage.win_rate',
  winRateLow: 'persona_coverage.win_rate_low',
  winRateHigh: 'persona_coverage.win_rate_high',
} as const;

/** Accounts in motion (definition 19): per account and week, entered active consideration or went quiet. */
export const ACCOUNTS_IN_MOTION = {
  accountId: 'accounts_in_motion.account_id',
  accountName: 'accounts_in_motion.account_name',
  ownerTeam: 'accounts_in_motion.owner_team',
  event: 'accounts_in_motion.event',
  reason: 'accounts_in_motion.reason',
  engagementsWindow: 'accounts_in_motion.engagements_window',
  weekStartAt: 'accounts_in_motion.week_start_at',
  industry: 'accounts_in_motion.industry',
  employeeBand: 'accounts_in_motion.employee_band',
  accountsEntered: 'accounts_in_motion.accounts_entered',
  accountsWentQuiet: 'accounts_in_motion.accounts_went_quiet',
} as const;

/** The content map (definition 15): stage pair × campaign / touch type; filter one model. */
export const CONTENT_MAP = {
  stagePair: 'content_map.stage_pair',
  pairPosition: 'content_map.pair_position',
  model: 'content_map.model',
  channel: 'content_map.channel',
  campaign: 'content_map.campaign',
  campaignName: 'content_map.campaign_name',
  touchType: 'content_map.touch_type',
  convertedAt: 'content_map.converted_at',
  leadSource: 'content_map.lead_source',
  industry: 'content_map.industry',
  employeeBand: 'content_map.employee_band',
  credit: 'content_map.credit',
  contentCredit: 'content_map.content_credit',
  conversions: 'content_map.conversions',
  contentShare: 'content_map.content_share',
} as const;

/** Which members of each view carry the global segment and channel filters. */
export const FILTERS: Record<string, FilterMapping> = {
  stage_reach: {
    segment: { industry: STAGE_REACH.industry, employee_band: STAGE_REACH.employeeBand },
    channel: STAGE_REACH.leadSource,
  },
  conversions: {
    segment: { industry: CONVERSIONS.industry, employee_band: CONVERSIONS.employeeBand },
    channel: CONVERSIONS.leadSource,
  },
  flow: { segment: { industry: FLOW.industry, employee_band: FLOW.employeeBand }, channel: FLOW.leadSource },
  backlog: { segment: { industry: BACKLOG.industry, employee_band: BACKLOG.employeeBand }, channel: BACKLOG.leadSource },
  backlog_leads: {
    segment: { industry: BACKLOG_LEADS.industry, employee_band: BACKLOG_LEADS.employeeBand },
    channel: BACKLOG_LEADS.leadSource,
  },
  paths: { segment: { industry: PATHS.industry, employee_band: PATHS.employeeBand }, channel: PATHS.leadSource },
  deals: { segment: { industry: DEALS.industry, employee_band: DEALS.employeeBand }, channel: DEALS.leadSource },
  persona_coverage: { segment: { industry: PERSONA_COVERAGE.industry, employee_band: PERSONA_COVERAGE.employeeBand } },
  accounts_in_motion: { segment: { industry: ACCOUNTS_IN_MOTION.industry, employee_band: ACCOUNTS_IN_MOTION.employeeBand } },
  targets: {},
  attribution: {
    segment: { industry: ATTRIBUTION.industry, employee_band: ATTRIBUTION.employeeBand },
    channel: ATTRIBUTION.channel,
  },
  channel_performance: { channel: CHANNEL_PERFORMANCE.channel },
  unit_economics: {},
  plan: {},
  kpi_tree: {},
  handoff_quality: {
    segment: { industry: HANDOFF_QUALITY.industry, employee_band: HANDOFF_QUALITY.employeeBand },
    channel: HANDOFF_QUALITY.leadSource,
  },
  content_map: {
    segment: { industry: CONTENT_MAP.industry, employee_band: CONTENT_MAP.employeeBand },
    channel: CONTENT_MAP.channel,
  },
  stage_definitions: {},
  stage_definition_changes: {},
};

/** The landing forecast at as_of per period holding it and metric (docs/metrics.md, definition 18). */
export const LANDING_FORECAST = {
  periodType: 'landing_forecast.period_type',
  periodLabel: 'landing_forecast.period_label',
  metric: 'landing_forecast.metric',
  stage: 'landing_forecast.stage',
  basis: 'landing_forecast.basis',
  actualToDate: 'landing_forecast.actual_to_date',
  pipeline: 'landing_forecast.pipeline',
  toCome: 'landing_forecast.to_come',
  recurring: 'landing_forecast.recurring',
  forecast: 'landing_forecast.forecast',
  forecastLow: 'landing_forecast.forecast_low',
  forecastHigh: 'landing_forecast.forecast_high',
  pace: 'landing_forecast.pace',
  forecastRevenue: 'landing_forecast.forecast_revenue',
  forecastRevenueLow: 'landing_forecast.forecast_revenue_low',
  forecastRevenueHigh: 'landing_forecast.forecast_revenue_high',
  paceRevenue: 'landing_forecast.pace_revenue',
} as const;

/** The landing forecast's backtest: MAPE by months remaining next to the straight-line pace's. */
export const FORECAST_BACKTEST = {
  monthsRemaining: 'forecast_backtest.months_remaining',
  metric: 'forecast_backtest.metric',
  basis: 'forecast_backtest.basis',
  points: 'forecast_backtest.points',
  errorPoints: 'forecast_backtest.error_points',
  forecastMape: 'forecast_backtest.forecast_mape',
  paceMape: 'forecast_backtest.pace_mape',
} as const;
