/*
 * Shared vocabulary of the engine: the default funnel stages and stage links
 * of the revenue cycle model (contract: "The revenue cycle model"), the
 * default channels, and calendar-month arithmetic on 'YYYY-MM-01' strings.
 *
 * Limits: the engine plans over the six default funnel stages; a renamed or
 * extended stage list (seeds/stages.csv) is mapped onto these keys by the
 * caller. Months are plain strings, no time zone involved.
 */

export const FUNNEL_STAGES = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export const STAGE_LINKS = ['lead->mql', 'mql->sal', 'sal->sql', 'sql->opportunity', 'opportunity->won'] as const;
export type StageLink = (typeof STAGE_LINKS)[number];

export const DEFAULT_CHANNELS = [
  'seo',
  'content',
  'web_ads',
  'social',
  'email',
  'webinar',
  'seminar',
  'trade_show',
  'referral',
  'inside_sales',
  'direct',
] as const;

/** The link leaving stage i (undefined for `won`). */
export function linkFrom(stage: FunnelStage): StageLink | undefined {
  const i = FUNNEL_STAGES.indexOf(stage);
  return STAGE_LINKS[i];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])-01$/;

export function isMonthStart(s: unknown): s is string {
  return typeof s === 'string' && MONTH_RE.test(s);
}

/** 'YYYY-MM-01' shifted by `delta` calendar months. */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month start 'YYYY-MM-01': ${month}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + delta;
  const y = Math.floor(total / 12);
  const mm = total - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(mm).padStart(2, '0')}-01`;
}

/**
 * Rounds a requirement up for display, ignoring floating-point noise
 * (40 ÷ 0.8 = 50.000000000000007 shows 50, not 51): ⌈x − 1e-9·max(1, |x|)⌉.
 */
export function ceilDisplay(x: number): number {
  const c = Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
  return c === 0 ? 0 : c;
}
