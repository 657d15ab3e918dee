/*
 * The funnel every layer shares (docs/metrics.md, "The revenue cycle
 * model"): the six default funnel stages and the bundled channels (both
 * from vocabulary.ts), the links between the stages, and calendar-month
 * arithmetic on 'YYYY-MM-01' strings. Browser-safe: the dashboard bundles this file.
 *
 * Limits: the engine plans over the six default stages; a renamed or
 * extended stage list (seeds/stages.csv) is mapped onto these keys by the
 * caller. Months are plain strings, no time zone involved.
 */

import { FUNNEL_STAGES, type FunnelStage, STAGE_COUNT_KEYS } from './vocabulary.js';

export { DEFAULT_CHANNELS, FUNNEL_STAGES, type FunnelStage } from './vocabulary.js';

/**
 * The funnel stage whose window a count node or metric uses (and whose team owns it): the KPI tree
 * mart's lagged windows and the meeting pack's funnel by team read it.
 */
export const STAGE_OF_COUNT: Record<string, FunnelStage> = Object.fromEntries(
  STAGE_COUNT_KEYS.map((key, i) => [key, FUNNEL_STAGES[i]!]),
);

/** Link i leads from FUNNEL_STAGES[i] to FUNNEL_STAGES[i + 1]. */
export const STAGE_LINKS = ['lead->mql', 'mql->sal', 'sal->sql', 'sql->opportunity', 'opportunity->won'] as const;
export type StageLink = (typeof STAGE_LINKS)[number];

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
