/*
 * The funnel vocabulary every layer shares (docs/metrics.md, "The revenue
 * cycle model"): the six default funnel stages, the links between them, the
 * bundled default channels, and calendar-month arithmetic on 'YYYY-MM-01'
 * strings. Browser-safe: the dashboard bundles this file.
 *
 * Limits: the engine plans over the six default stages; a renamed or
 * extended stage list (seeds/stages.csv) is mapped onto these keys by the
 * caller. Months are plain strings, no time zone involved.
 */

export const FUNNEL_STAGES = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'won'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Link i leads from FUNNEL_STAGES[i] to FUNNEL_STAGES[i + 1]. */
export const STAGE_LINKS = ['lead->mql', 'mql->sal', 'sal->sql', 'sql->opportunity', 'opportunity->won'] as const;
export type StageLink = (typeof STAGE_LINKS)[number];

/** The channels of the bundled sample data (seeds/). */
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
