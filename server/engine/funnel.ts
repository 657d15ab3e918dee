/*
 * The engine's funnel vocabulary: the contract's stages, links, channels and
 * month arithmetic (server/contract/funnel.ts), and the display rounding of
 * requirements.
 */
export {
  DEFAULT_CHANNELS,
  FUNNEL_STAGES,
  type FunnelStage,
  isMonthStart,
  shiftMonth,
  STAGE_LINKS,
  type StageLink,
} from '../contract/funnel.js';

/**
 * Rounds a requirement up for display, ignoring floating-point noise
 * (40 ÷ 0.8 = 50.000000000000007 shows 50, not 51): ⌈x − 1e-9·max(1, |x|)⌉.
 */
export function ceilDisplay(x: number): number {
  const c = Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
  return c === 0 ? 0 : c;
}
