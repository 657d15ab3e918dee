/*
 * Per-conversion touch weights (docs/metrics.md, definition 9): the reference
 * implementation the SQL attribution marts are tested against, and the
 * weights of the lead-level deal credit (attribution_lead_weights.ts).
 *
 * Input: the touches already restricted to the lookback window before the
 * conversion (opportunity creation, or any stage conversion) and sorted by
 * time; the conversion time; the time-decay half-life. Output: one weight per
 * touch, in input order, summing to 1 (within 1e-12). No touch → a single
 * credit of 1 to the `(none)` channel, never dropped.
 *
 * Positions:
 * - first touch = touches[0]; opportunity-creation / last touch = the last
 *   touch (the input holds only touches at or before the conversion);
 * - lead-creation touch = the last touch flagged `isLeadCreation` (the caller
 *   flags the last touch at or before the lead's created_at); when none is
 *   flagged (the lead was created before the window's first touch) the first
 *   touch stands in for it.
 *
 * Positional models (u_shaped 40/40 + 20, w_shaped 30/30/30 + 10), exact
 * merge rule:
 * 1. each position's share goes to its touch; positions that fall on the
 *    same touch add up (1 touch: all of U's 80 % on it; W with the
 *    lead-creation touch = first: 60 % on the first touch);
 * 2. if touches remain outside the positions ("others"), the remainder share
 *    (20 % / 10 %) is split equally over them;
 * 3. if there are no others, the remainder is spread over the positional
 *    touches in proportion to their merged shares, i.e. weight = merged
 *    share ÷ Σ merged shares (U with 2 touches, lead-creation = last: 50/50;
 *    W with 2 touches, lead-creation = first: 60/90 and 30/90).
 * Weights are finally divided by their sum so rounding never leaves them off 1.
 *
 * time_decay: weight ∝ 2^(−d ÷ halfLife), d = days (fractional, from
 * milliseconds) between the touch and the conversion; computed relative to
 * the latest touch so long windows with short half-lives do not underflow.
 *
 * data_driven per touch: the conversion is split over the channels present in
 * proportion to their global Markov shares (`channelShares`, see markov.ts),
 * then equally over each channel's touches; if every present channel has
 * share 0 (or is unknown to the model) the weights fall back to linear.
 *
 * Limits: the caller restricts to the lookback window and supplies sorted
 * touches; an unsorted list or a touch after the conversion is rejected
 * (RangeError), not silently repaired.
 */
import {
  ATTRIBUTION_MODELS,
  type AttributionModel,
  isAttributionModel,
  NONE_CHANNEL,
  RULE_BASED_MODELS,
  type RuleBasedModel,
} from '../../../../server/contract/attribution.js';

export { ATTRIBUTION_MODELS, type AttributionModel, isAttributionModel, NONE_CHANNEL, RULE_BASED_MODELS, type RuleBasedModel };

export const DEFAULT_HALF_LIFE_DAYS = 7;

const MS_PER_DAY = 86_400_000;

export interface Touch {
  id: string;
  at: Date;
  channel: string;
  isLeadCreation?: boolean;
}

export interface TouchWeight {
  id: string;
  channel: string;
  weight: number;
}

export interface WeightOptions {
  conversionAt: Date;
  /** time_decay only; default 7 days. */
  halfLifeDays?: number;
  /** data_driven only: channel → Markov share. */
  channelShares?: Readonly<Record<string, number>>;
}

function normalise(w: number[]): number[] {
  let sum = 0;
  for (const v of w) sum += v;
  return w.map((v) => v / sum);
}

function positional(n: number, positions: ReadonlyArray<readonly [number, number]>, remainder: number): number[] {
  const w = new Array<number>(n).fill(0);
  const taken = new Set<number>();
  for (const [i, share] of positions) {
    w[i] = w[i]! + share;
    taken.add(i);
  }
  const others = n - taken.size;
  if (others > 0) {
    for (let i = 0; i < n; i++) if (!taken.has(i)) w[i] = remainder / others;
  }
  return normalise(w);
}

function leadCreationIndex(touches: readonly Touch[]): number {
  for (let i = touches.length - 1; i >= 0; i--) if (touches[i]!.isLeadCreation) return i;
  return 0;
}

function checkTouches(touches: readonly Touch[], conversionAt: Date): void {
  const conv = conversionAt.getTime();
  if (!Number.isFinite(conv)) throw new RangeError('conversionAt is not a valid date');
  let prev = -Infinity;
  touches.forEach((t, i) => {
    const at = t.at.getTime();
    if (!Number.isFinite(at)) throw new RangeError(`touches[${i}].at is not a valid date`);
    if (at < prev) throw new RangeError(`touches must be sorted by time; touches[${i}] is earlier than touches[${i - 1}]`);
    if (at > conv) throw new RangeError(`touches[${i}] (${t.id}) is after the conversion`);
    prev = at;
  });
}

function rawWeights(model: AttributionModel, touches: readonly Touch[], options: WeightOptions): number[] {
  const n = touches.length;
  const last = n - 1;
  switch (model) {
    case 'first_touch':
      return touches.map((_, i) => (i === 0 ? 1 : 0));
    case 'last_touch':
      return touches.map((_, i) => (i === last ? 1 : 0));
    case 'linear':
      return touches.map(() => 1 / n);
    case 'u_shaped':
      return positional(
        n,
        [
          [0, 0.4],
          [leadCreationIndex(touches), 0.4],
        ],
        0.2,
      );
    case 'w_shaped':
      return positional(
        n,
        [
          [0, 0.3],
          [leadCreationIndex(touches), 0.3],
          [last, 0.3],
        ],
        0.1,
      );
    case 'time_decay': {
      const h = options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;
      if (!Number.isFinite(h) || h <= 0) throw new RangeError(`halfLifeDays must be > 0, got ${h}`);
      const conv = options.conversionAt.getTime();
      const days = touches.map((t) => (conv - t.at.getTime()) / MS_PER_DAY);
      const nearest = Math.min(...days);
      return normalise(days.map((d) => 2 ** (-(d - nearest) / h)));
    }
    case 'data_driven': {
      const shares = options.channelShares;
      if (!shares) throw new RangeError('data_driven weights need channelShares (from markovAttribution)');
      const perChannel = new Map<string, number>();
      for (const t of touches) perChannel.set(t.channel, (perChannel.get(t.channel) ?? 0) + 1);
      const w = touches.map((t) => {
        const s = shares[t.channel] ?? 0;
        if (!Number.isFinite(s) || s < 0) throw new RangeError(`channelShares.${t.channel} must be ≥ 0`);
        return s / perChannel.get(t.channel)!;
      });
      return w.some((v) => v > 0) ? normalise(w) : touches.map(() => 1 / n);
    }
  }
}

export function attributionWeights(model: AttributionModel, touches: readonly Touch[], options: WeightOptions): TouchWeight[] {
  if (!isAttributionModel(model)) throw new RangeError(`unknown attribution model ${String(model)}`);
  checkTouches(touches, options.conversionAt);
  if (touches.length === 0) return [{ id: NONE_CHANNEL, channel: NONE_CHANNEL, weight: 1 }];
  const w = rawWeights(model, touches, options);
  return touches.map((t, i) => ({ id: t.id, channel: t.channel, weight: w[i]! }));
}

/** Weights summed per channel (what the per-channel marts report). */
export function weightsByChannel(weights: readonly TouchWeight[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of weights) out[w.channel] = (out[w.channel] ?? 0) + w.weight;
  return out;
}
