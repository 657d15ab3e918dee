/*
 * Data-driven attribution (docs/metrics.md, definition 9, `data_driven`): a
 * first-order Markov chain over channel paths, credit ∝ removal effect.
 *
 * No maintained npm package fits. The only one found (`markovattribution`,
 * v0.0.4, CommonJS, untyped) counts each aggregated path once whatever its
 * conversion count, cannot mix conversions and non-conversions on one path,
 * and pulls in unmaintained dependencies; so the chain is solved here.
 *
 * Model. The chain is its step counts (`markovFromTransitions`; the warehouse
 * counts them in SQL, marts.attribution_transitions). Each aggregated path
 * `{ path, conversions, nonConversions }` (`markovAttribution`) is read
 * as (start) → path[0] → … → path[k−1] → (conversion) [weight conversions]
 * and → (null) [weight nonConversions]; transitions inside the path carry
 * weight conversions + nonConversions. Transition probabilities are the
 * weighted counts normalised per source state. Repeated channels (A → A) stay
 * as self-loops; they change time to absorption, never absorption
 * probabilities. An empty path (a lead with no touchpoint) is read as the
 * single channel `(none)`, so its conversions are credited to `(none)` and
 * never dropped.
 *
 * P(conversion) is the absorption probability into (conversion) from (start),
 * solved exactly as the linear system (I − Q) x = r over the transient
 * (channel) states by Gaussian elimination with partial pivoting: no
 * iteration and no tolerance, only floating-point rounding. Removing
 * channel X redirects every transition into X to (null), i.e. x_X = 0.
 * Removal effect RE(X) = 1 − P(conv without X) ÷ P(conv), clamped to [0, 1]
 * against rounding; share(X) = RE(X) ÷ Σ RE; attributed conversions =
 * share × total conversions.
 *
 * Limits: first order only; no conversion value weighting (callers multiply
 * shares by amounts); with no conversion at all every removal effect and
 * share is 0 (nothing to attribute). Dense O(n³) per channel, fine for the
 * tens of channels or campaigns revcycle has, not for thousands.
 */
import { NONE_CHANNEL } from '../../../../server/contract/attribution.js';

export const START_STATE = '(start)';
export const CONVERSION_STATE = '(conversion)';
export const NULL_STATE = '(null)';

export interface ChannelPath {
  /** Channels in time order. */
  path: readonly string[];
  conversions: number;
  nonConversions: number;
}

export interface MarkovAttribution {
  /** Channels (transient states), sorted. */
  channels: string[];
  totalConversions: number;
  totalPaths: number;
  /** P(absorbed in (conversion) | start at (start)). */
  conversionProbability: number;
  /** P(conversion) with each channel removed. */
  conversionProbabilityWithout: Record<string, number>;
  removalEffects: Record<string, number>;
  /** Removal effects normalised to sum 1 (all 0 when nothing converts). */
  shares: Record<string, number>;
  attributedConversions: Record<string, number>;
  /** Transition probabilities: from-state → to-state → probability. */
  transitions: Record<string, Record<string, number>>;
}

const RESERVED = new Set([START_STATE, CONVERSION_STATE, NULL_STATE]);

function checkPath(p: ChannelPath, i: number): void {
  for (const [name, v] of [
    ['conversions', p.conversions],
    ['nonConversions', p.nonConversions],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`paths[${i}].${name} must be a finite number ≥ 0, got ${v}`);
  }
  for (const c of p.path) {
    if (typeof c !== 'string' || c === '') throw new RangeError(`paths[${i}].path holds an empty or non-string channel`);
    if (RESERVED.has(c)) throw new RangeError(`paths[${i}].path uses the reserved state name ${c}`);
  }
}

/** Solves A x = b in place (A n×n, row-major arrays); throws if singular. */
function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-300) throw new Error('Markov chain: singular system (a state cannot reach absorption)');
    if (pivot !== col) {
      [a[col], a[pivot]] = [a[pivot]!, a[col]!];
      [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    }
    const rowC = a[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = a[r]!;
      const f = row[col]! / rowC[col]!;
      if (f === 0) continue;
      for (let k = col; k < n; k++) row[k] = row[k]! - f * rowC[k]!;
      b[r] = b[r]! - f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    const row = a[r]!;
    for (let k = r + 1; k < n; k++) s -= row[k]! * x[k]!;
    x[r] = s / row[r]!;
  }
  return x;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One step of the chain and how many paths took it (marts.attribution_transitions). */
export interface TransitionCount {
  from: string;
  to: string;
  count: number;
}

/** The chain's steps from aggregated paths: what the warehouse counts in SQL, here from paths. */
export function pathTransitions(paths: readonly ChannelPath[]): TransitionCount[] {
  const counts = new Map<string, TransitionCount>();
  const add = (from: string, to: string, w: number) => {
    if (w === 0) return;
    const key = JSON.stringify([from, to]);
    const held = counts.get(key);
    if (held) held.count += w;
    else counts.set(key, { from, to, count: w });
  };
  paths.forEach((p, i) => {
    checkPath(p, i);
    const w = p.conversions + p.nonConversions;
    if (w === 0) return;
    const seq = p.path.length === 0 ? [NONE_CHANNEL] : p.path;
    add(START_STATE, seq[0]!, w);
    for (let k = 1; k < seq.length; k++) add(seq[k - 1]!, seq[k]!, w);
    add(seq[seq.length - 1]!, CONVERSION_STATE, p.conversions);
    add(seq[seq.length - 1]!, NULL_STATE, p.nonConversions);
  });
  return [...counts.values()];
}

export function markovAttribution(paths: readonly ChannelPath[]): MarkovAttribution {
  return markovFromTransitions(pathTransitions(paths));
}

/** The chain solved from its step counts: paths enter at (start) and end in (conversion) or (null). */
export function markovFromTransitions(steps: readonly TransitionCount[]): MarkovAttribution {
  const counts = new Map<string, Map<string, number>>();
  let totalConversions = 0;
  let totalPaths = 0;
  // Sorted steps make the floating-point sums, and so the result, independent of the input's order.
  const sorted = [...steps].sort((a, b) => (a.from === b.from ? cmp(a.to, b.to) : cmp(a.from, b.from)));
  sorted.forEach((t, i) => {
    if (!Number.isFinite(t.count) || t.count < 0)
      throw new RangeError(`steps[${i}].count must be a finite number ≥ 0, got ${t.count}`);
    if (t.from === CONVERSION_STATE || t.from === NULL_STATE || t.to === START_STATE) {
      throw new RangeError(`steps[${i}] leaves an absorbing state or enters (start): ${t.from} → ${t.to}`);
    }
    if (t.count === 0) return;
    if (t.from === START_STATE) totalPaths += t.count;
    if (t.to === CONVERSION_STATE) totalConversions += t.count;
    let row = counts.get(t.from);
    if (!row) counts.set(t.from, (row = new Map()));
    row.set(t.to, (row.get(t.to) ?? 0) + t.count);
  });

  const channels = [...counts.keys()].filter((s) => s !== START_STATE).sort();
  const index = new Map(channels.map((c, i) => [c, i]));
  const transitions: Record<string, Record<string, number>> = {};
  for (const [from, row] of counts) {
    let total = 0;
    for (const v of row.values()) total += v;
    const probs: Record<string, number> = {};
    for (const [to, v] of row) probs[to] = v / total;
    transitions[from] = probs;
  }

  const conversionProbability = (removed: string | null): number => {
    const n = channels.length;
    if (n === 0) return 0;
    const a = channels.map((_, i) => {
      const r = new Array<number>(n).fill(0);
      r[i] = 1;
      return r;
    });
    const b = new Array<number>(n).fill(0);
    channels.forEach((c, i) => {
      if (c === removed) return;
      for (const [to, p] of Object.entries(transitions[c] ?? {})) {
        if (to === CONVERSION_STATE) b[i] = b[i]! + p;
        else if (to !== NULL_STATE) a[i]![index.get(to)!] = a[i]![index.get(to)!]! - p;
      }
    });
    const x = solveLinear(a, b);
    let prob = 0;
    for (const [to, p] of Object.entries(transitions[START_STATE] ?? {})) prob += p * x[index.get(to)!]!;
    return prob;
  };

  const base = conversionProbability(null);
  const conversionProbabilityWithout: Record<string, number> = {};
  const removalEffects: Record<string, number> = {};
  let sumEffects = 0;
  for (const c of channels) {
    const without = conversionProbability(c);
    conversionProbabilityWithout[c] = without;
    const re = base > 0 ? Math.min(1, Math.max(0, 1 - without / base)) : 0;
    removalEffects[c] = re;
    sumEffects += re;
  }
  const shares: Record<string, number> = {};
  const attributedConversions: Record<string, number> = {};
  for (const c of channels) {
    const s = sumEffects > 0 ? removalEffects[c]! / sumEffects : 0;
    shares[c] = s;
    attributedConversions[c] = s * totalConversions;
  }
  return {
    channels,
    totalConversions,
    totalPaths,
    conversionProbability: base,
    conversionProbabilityWithout,
    removalEffects,
    shares,
    attributedConversions,
    transitions,
  };
}
