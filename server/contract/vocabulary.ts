/*
 * The vocabulary of the bundled defaults, in one place (docs/metrics.md, "The
 * revenue cycle model" and "Canonical input tables"): funnel stages and side
 * states (order, Japanese and English names, team, SLA days), channels, touch
 * types, deal types and statuses, and the settings' defaults — the time zone
 * and the fiscal year's start month among them — with the fiscal-year rule.
 *
 * Every program reads it here: the sample generator (seeds/generator), the
 * importers (server/import/sources/common.ts), the warehouse marts (as
 * template variables, server/warehouse/sql-macros.ts), the engine and the
 * dashboard. The bundled seeds (seeds/stages.csv, channels.csv,
 * touch_types.csv, settings.csv) are the generator's output of these rows;
 * test/unit/vocabulary.test.ts holds them to each other.
 *
 * Browser-safe, imports nothing: the dashboard bundles it.
 *
 * Limits: these are defaults. A company's own stages and channels are data
 * (its stages.csv, channels.csv) and build without a code change; the
 * engine's reverse plan and KPI tree plan over the six default funnel stages.
 */

export interface StageDefinition {
  stage: string;
  order: number;
  labelJa: string;
  labelEn: string;
  /** A short name for charts and tables. */
  shortJa: string;
  shortEn: string;
  /** The dashboard's long name (headings, the funnel's rows): the short one with what it means. */
  longJa: string;
  longEn: string;
  team: 'marketing' | 'inside_sales' | 'sales';
  /** Null: an inventory stage (leads may rightly wait there; docs/metrics.md definition 4). */
  slaDays: number | null;
  isFunnel: boolean;
}

/** Funnel stages in order, then the side states (docs/metrics.md, "The revenue cycle model"). */
export const STAGE_DEFINITIONS = [
  {
    stage: 'lead',
    order: 1,
    labelJa: '見込み客',
    labelEn: 'Lead',
    shortJa: '見込み客',
    shortEn: 'Lead',
    longJa: '見込み客 (リード)',
    longEn: 'Lead',
    team: 'marketing',
    slaDays: null,
    isFunnel: true,
  },
  {
    stage: 'mql',
    order: 2,
    labelJa: '有望見込み客',
    labelEn: 'MQL',
    shortJa: 'MQL',
    shortEn: 'MQL',
    longJa: '有望見込み客 (MQL)',
    longEn: 'MQL',
    team: 'marketing',
    slaDays: 7,
    isFunnel: true,
  },
  {
    stage: 'sal',
    order: 3,
    labelJa: 'IS受入 (選別)',
    labelEn: 'SAL',
    shortJa: 'SAL',
    shortEn: 'SAL',
    longJa: 'IS受入 (SAL)',
    longEn: 'SAL (accepted by IS)',
    team: 'inside_sales',
    slaDays: 5,
    isFunnel: true,
  },
  {
    stage: 'sql',
    order: 4,
    labelJa: '商談化 (アポ獲得)',
    labelEn: 'SQL',
    shortJa: 'SQL',
    shortEn: 'SQL',
    longJa: '商談化 (SQL)',
    longEn: 'SQL (meeting set)',
    team: 'inside_sales',
    slaDays: 14,
    isFunnel: true,
  },
  {
    stage: 'opportunity',
    order: 5,
    labelJa: '商談',
    labelEn: 'Opportunity',
    shortJa: '商談',
    shortEn: 'Opportunity',
    longJa: '商談',
    longEn: 'Opportunity',
    team: 'sales',
    slaDays: 60,
    isFunnel: true,
  },
  {
    stage: 'won',
    order: 6,
    labelJa: '受注',
    labelEn: 'Won',
    shortJa: '受注',
    shortEn: 'Won',
    longJa: '受注',
    longEn: 'Won',
    team: 'sales',
    slaDays: null,
    isFunnel: true,
  },
  {
    stage: 'recycled',
    order: 91,
    labelJa: 'リサイクル',
    labelEn: 'Recycled',
    shortJa: 'リサイクル',
    shortEn: 'Recycled',
    longJa: 'リサイクル',
    longEn: 'Recycled',
    team: 'marketing',
    slaDays: null,
    isFunnel: false,
  },
  {
    stage: 'disqualified',
    order: 92,
    labelJa: '対象外',
    labelEn: 'Disqualified',
    shortJa: '対象外',
    shortEn: 'Disqualified',
    longJa: '対象外',
    longEn: 'Disqualified',
    team: 'inside_sales',
    slaDays: null,
    isFunnel: false,
  },
  {
    stage: 'lost',
    order: 93,
    labelJa: '失注',
    labelEn: 'Lost',
    shortJa: '失注',
    shortEn: 'Lost',
    longJa: '失注',
    longEn: 'Lost',
    team: 'sales',
    slaDays: null,
    isFunnel: false,
  },
] as const satisfies readonly StageDefinition[];

export type StageName = (typeof STAGE_DEFINITIONS)[number]['stage'];

/** Every stage and side state, in order. */
export const ALL_STAGES = STAGE_DEFINITIONS.map((s) => s.stage) as readonly StageName[];

/** The six funnel stages, in order. */
export const FUNNEL_STAGES = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** The SLA stages between the first and the last funnel stage: the stage volumes of the KPI tree's middle. */
export const MIDDLE_FUNNEL_STAGES = FUNNEL_STAGES.slice(1, -2) as readonly FunnelStage[];

/** Stages whose inventory is charted month by month (every funnel stage a lead waits in, and the nurture pool). */
export const INVENTORY_STAGES: readonly StageName[] = [...FUNNEL_STAGES.slice(0, -1), 'recycled'];

/**
 * The KPI tree's count node of each funnel stage (docs/metrics.md definition 12): leads, the stage names of
 * the middle, opportunities (new business created), wins.
 */
export const STAGE_COUNT_KEYS = ['leads', 'mql', 'sal', 'sql', 'opportunities', 'wins'] as const;
export type StageCountKey = (typeof STAGE_COUNT_KEYS)[number];

export interface ChannelDefinition {
  channel: string;
  labelJa: string;
  labelEn: string;
  /** Leads bought (media or event fees). */
  isPaid: boolean;
}

/** The bundled channels (seeds/channels.csv); a company's own channels are data. */
export const CHANNEL_DEFINITIONS = [
  { channel: 'seo', labelJa: 'SEO', labelEn: 'SEO', isPaid: false },
  { channel: 'content', labelJa: 'コンテンツ', labelEn: 'Content', isPaid: false },
  { channel: 'web_ads', labelJa: 'Web広告', labelEn: 'Web ads', isPaid: true },
  { channel: 'social', labelJa: 'ソーシャル', labelEn: 'Social', isPaid: true },
  { channel: 'email', labelJa: 'メール', labelEn: 'Email', isPaid: false },
  { channel: 'webinar', labelJa: 'ウェビナー', labelEn: 'Webinar', isPaid: true },
  { channel: 'seminar', labelJa: 'セミナー', labelEn: 'Seminar', isPaid: true },
  { channel: 'trade_show', labelJa: '展示会', labelEn: 'Trade show', isPaid: true },
  { channel: 'referral', labelJa: '紹介', labelEn: 'Referral', isPaid: false },
  { channel: 'inside_sales', labelJa: 'インサイドセールス', labelEn: 'Inside sales', isPaid: false },
  { channel: 'direct', labelJa: 'ダイレクト', labelEn: 'Direct', isPaid: false },
] as const satisfies readonly ChannelDefinition[];

export const DEFAULT_CHANNELS = CHANNEL_DEFINITIONS.map((c) => c.channel);
export type DefaultChannel = (typeof CHANNEL_DEFINITIONS)[number]['channel'];

/** The bundled touch types (seeds/touch_types.csv), Japanese and English names. */
export const TOUCH_TYPE_DEFINITIONS = [
  { touchType: 'page_view', labelJa: 'ページ閲覧', labelEn: 'Page view' },
  { touchType: 'download', labelJa: '資料ダウンロード', labelEn: 'Download' },
  { touchType: 'webinar_register', labelJa: 'ウェビナー申込', labelEn: 'Webinar registration' },
  { touchType: 'webinar_attend', labelJa: 'ウェビナー参加', labelEn: 'Webinar attendance' },
  { touchType: 'email_click', labelJa: 'メールクリック', labelEn: 'Email click' },
  { touchType: 'ad_click', labelJa: '広告クリック', labelEn: 'Ad click' },
  { touchType: 'form_submit', labelJa: 'フォーム送信', labelEn: 'Form submission' },
  { touchType: 'event_visit', labelJa: 'イベント来場', labelEn: 'Event visit' },
  { touchType: 'sales_call', labelJa: '営業電話', labelEn: 'Sales call' },
] as const;

export const TOUCH_TYPES = TOUCH_TYPE_DEFINITIONS.map((t) => t.touchType);
export type TouchType = (typeof TOUCH_TYPE_DEFINITIONS)[number]['touchType'];

/** Opportunity deal types: `new` is the funnel's business, the others the recurring branch (definition 11). */
export const DEAL_TYPE_DEFINITIONS = [
  { dealType: 'new', labelJa: '新規', labelEn: 'New' },
  { dealType: 'upsell', labelJa: 'アップセル', labelEn: 'Upsell' },
  { dealType: 'cross_sell', labelJa: 'クロスセル', labelEn: 'Cross-sell' },
  { dealType: 'renewal', labelJa: '更新', labelEn: 'Renewal' },
] as const;

export const DEAL_TYPES = DEAL_TYPE_DEFINITIONS.map((d) => d.dealType);
export type DealType = (typeof DEAL_TYPE_DEFINITIONS)[number]['dealType'];

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;

/**
 * The buyer's own process (docs/metrics.md definition 20), beside the revenue cycle: the step of it a
 * campaign serves (campaigns.buyer_journey_step). A campaign without a step reads `unmapped`.
 */
export const BUYER_JOURNEY_STEPS = [
  { step: 'status_quo', order: 1, labelJa: '現状維持', labelEn: 'Status quo' },
  { step: 'problem_aware', order: 2, labelJa: '課題の気づき', labelEn: 'Problem awareness' },
  { step: 'information_gathering', order: 3, labelJa: '情報収集', labelEn: 'Information gathering' },
  { step: 'understanding', order: 4, labelJa: '内容理解', labelEn: 'Understanding' },
  { step: 'comparison', order: 5, labelJa: '比較検討', labelEn: 'Comparison' },
  { step: 'decision', order: 6, labelJa: '導入決定', labelEn: 'Decision' },
] as const;

export type BuyerJourneyStep = (typeof BUYER_JOURNEY_STEPS)[number]['step'];
/** What a campaign without a buyer-journey step reads as. */
export const UNMAPPED_JOURNEY_STEP = 'unmapped';

/**
 * A source's buyer-journey step as a code: a bundled step's code or its Japanese or English label reads as
 * the code; any other value is a company's own step, kept trimmed and lower-cased; empty reads as null.
 */
export function journeyStepCode(value: string | null | undefined): string | null {
  const v = (value ?? '').trim();
  if (v === '') return null;
  const lower = v.toLowerCase();
  const known = BUYER_JOURNEY_STEPS.find((s) => s.step === lower || s.labelJa === v || s.labelEn.toLowerCase() === lower);
  return known ? known.step : lower;
}

/**
 * The settings' defaults (docs/metrics.md, `settings`): what a warehouse without the key uses. The time zone
 * and the fiscal year's start month are the warehouse's: the server, Cube's rollups and the dashboard read
 * them from the built warehouse's settings (docs/metrics.md, "Time zone and fiscal year").
 */
export const SETTING_DEFAULTS = {
  currency: 'JPY',
  fiscal_year_start_month: 4,
  gross_margin: 0.75,
  ltv_cac_target: 3,
  attribution_lookback_days: 180,
  time_decay_half_life_days: 7,
  time_zone: 'Asia/Tokyo',
} as const;

export const DEFAULT_TIME_ZONE: string = SETTING_DEFAULTS.time_zone;
export const DEFAULT_FISCAL_YEAR_START_MONTH: number = SETTING_DEFAULTS.fiscal_year_start_month;

// ---- The fiscal year ---------------------------------------------------------------------------------------
// A fiscal year starts on the 1st of `startMonth` and is named for the calendar year it starts in (April
// start: FY2025 = 2025-04-01 … 2026-03-31; January start: calendar years). The TypeScript functions and
// their SQL twins (the marts' {{ fiscal_year(…) }} macros, server/warehouse/sql-macros.ts) state that one
// rule; test/unit/vocabulary.test.ts checks them against each other for every month and start.

/** The fiscal year holding calendar month `month` (1-12) of `year`. */
export function fiscalYearOfMonth(year: number, month: number, startMonth: number = DEFAULT_FISCAL_YEAR_START_MONTH): number {
  return month >= startMonth ? year : year - 1;
}

/** 1-based position of calendar month `month` (1-12) in its fiscal year. */
export function fiscalMonthNumber(month: number, startMonth: number = DEFAULT_FISCAL_YEAR_START_MONTH): number {
  return ((month - startMonth + 12) % 12) + 1;
}

/** SQL: the fiscal year of a date or timestamp expression, for a start-month expression. */
export function fiscalYearSql(date: string, startMonth: string): string {
  return `(year(${date}) - case when month(${date}) < ${startMonth} then 1 else 0 end)`;
}

/** SQL: the 1-based fiscal month number of a date or timestamp expression. */
export function fiscalMonthNumberSql(date: string, startMonth: string): string {
  return `((month(${date}) - ${startMonth} + 12) % 12 + 1)`;
}

/** A fiscal year start month from a settings value: an integer 1-12, else the default. */
export function parseFiscalYearStartMonth(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 12 && value !== '' && value !== null ? n : DEFAULT_FISCAL_YEAR_START_MONTH;
}
