/*
 * Markov-chain attribution (docs/metrics.md, definition 9, data_driven) on chains
 * small enough to solve by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  CONVERSION_STATE,
  markovAttribution,
  markovFromTransitions,
  NULL_STATE,
  pathTransitions,
  START_STATE,
} from '../../../model/warehouse/marts/attribution_markov/markov.js';

describe('markovAttribution', () => {
  it('classic 3-path example', () => {
    // Paths: C1→C2→conv, C1→null, C2→C3→conv (one each).
    // Transitions: start→C1 2/3, start→C2 1/3; C1→C2 1/2, C1→null 1/2;
    //              C2→conv 1/2, C2→C3 1/2; C3→conv 1.
    // x = P(conv | state): x3 = 1, x2 = 1/2 + 1/2·x3 = 1, x1 = 1/2·x2 = 1/2.
    // P(conv) = 2/3·1/2 + 1/3·1 = 2/3.
    // Without C1 (x1 = 0): P = 1/3·1 = 1/3            → RE = 1 − (1/3)/(2/3) = 1/2.
    // Without C2 (x2 = 0): x1 = 0, P = 0               → RE = 1.
    // Without C3 (x3 = 0): x2 = 1/2, x1 = 1/4,
    //                      P = 2/3·1/4 + 1/3·1/2 = 1/3 → RE = 1/2.
    // Σ RE = 2 → shares C1 1/4, C2 1/2, C3 1/4; 2 conversions → 0.5, 1, 0.5.
    const r = markovAttribution([
      { path: ['C1', 'C2'], conversions: 1, nonConversions: 0 },
      { path: ['C1'], conversions: 0, nonConversions: 1 },
      { path: ['C2', 'C3'], conversions: 1, nonConversions: 0 },
    ]);
    expect(r.channels).toEqual(['C1', 'C2', 'C3']);
    expect(r.transitions[START_STATE]!.C1).toBeCloseTo(2 / 3, 12);
    expect(r.transitions.C1![NULL_STATE]).toBeCloseTo(1 / 2, 12);
    expect(r.transitions.C3![CONVERSION_STATE]).toBeCloseTo(1, 12);
    expect(r.conversionProbability).toBeCloseTo(2 / 3, 12);
    expect(r.conversionProbabilityWithout.C1).toBeCloseTo(1 / 3, 12);
    expect(r.conversionProbabilityWithout.C2).toBeCloseTo(0, 12);
    expect(r.conversionProbabilityWithout.C3).toBeCloseTo(1 / 3, 12);
    expect(r.removalEffects.C1).toBeCloseTo(0.5, 12);
    expect(r.removalEffects.C2).toBeCloseTo(1, 12);
    expect(r.removalEffects.C3).toBeCloseTo(0.5, 12);
    expect(r.shares.C1).toBeCloseTo(0.25, 12);
    expect(r.shares.C2).toBeCloseTo(0.5, 12);
    expect(r.shares.C3).toBeCloseTo(0.25, 12);
    expect(r.totalConversions).toBe(2);
    expect(r.attributedConversions.C2).toBeCloseTo(1, 12);
  });

  it('solves a chain with a cycle exactly', () => {
    // Paths: A→B→A→conv (1), B→null (1).
    // start→A 1/2, start→B 1/2; A→B 1/2, A→conv 1/2; B→A 1/2, B→null 1/2.
    // xA = 1/2 + 1/2·xB, xB = 1/2·xA → xA = 1/2 + 1/4·xA → xA = 2/3, xB = 1/3.
    // P = 1/2·(2/3 + 1/3) = 1/2.
    // Without A: xB = 0 → P = 0, RE = 1. Without B: xA = 1/2, P = 1/4, RE = 1/2.
    // Shares: A 1/1.5 = 2/3, B 0.5/1.5 = 1/3.
    const r = markovAttribution([
      { path: ['A', 'B', 'A'], conversions: 1, nonConversions: 0 },
      { path: ['B'], conversions: 0, nonConversions: 1 },
    ]);
    expect(r.conversionProbability).toBeCloseTo(0.5, 12);
    expect(r.removalEffects.A).toBeCloseTo(1, 12);
    expect(r.removalEffects.B).toBeCloseTo(0.5, 12);
    expect(r.shares.A).toBeCloseTo(2 / 3, 12);
    expect(r.shares.B).toBeCloseTo(1 / 3, 12);
  });

  it('weights aggregated paths by their counts', () => {
    // [A] 3 conv / 1 null; [A,B] 1 conv / 1 null; [B] 0 conv / 2 null (8 journeys).
    // start→A 6/8, start→B 2/8.
    // A: →conv 3, →null 1, →B 2 (of 6): 1/2, 1/6, 1/3.   B: →conv 1, →null 3: 1/4, 3/4.
    // xB = 1/4, xA = 1/2 + 1/3·1/4 = 7/12. P = 3/4·7/12 + 1/4·1/4 = 21/48 + 3/48 = 1/2.
    // Without A: P = 1/4·1/4 = 1/16 → RE = 1 − (1/16)/(1/2) = 7/8.
    // Without B: xA = 1/2, P = 3/4·1/2 = 3/8 → RE = 1 − (3/8)/(1/2) = 1/4.
    // Σ = 9/8 → shares A 7/9, B 2/9; 4 conversions → A 28/9, B 8/9.
    const r = markovAttribution([
      { path: ['A'], conversions: 3, nonConversions: 1 },
      { path: ['A', 'B'], conversions: 1, nonConversions: 1 },
      { path: ['B'], conversions: 0, nonConversions: 2 },
    ]);
    expect(r.totalPaths).toBe(8);
    expect(r.conversionProbability).toBeCloseTo(0.5, 12);
    expect(r.removalEffects.A).toBeCloseTo(7 / 8, 12);
    expect(r.removalEffects.B).toBeCloseTo(1 / 4, 12);
    expect(r.shares.A).toBeCloseTo(7 / 9, 12);
    expect(r.shares.B).toBeCloseTo(2 / 9, 12);
    expect(r.attributedConversions.A).toBeCloseTo(28 / 9, 12);
    expect(r.attributedConversions.B).toBeCloseTo(8 / 9, 12);
  });

  it('credits journeys without touchpoints to (none)', () => {
    // [] 1/1 and [A] 1/1: start→(none) 1/2, start→A 1/2, each converts 1/2.
    // P = 1/2; removing either leaves 1/4 → RE 1/2 each → shares 1/2 each.
    const r = markovAttribution([
      { path: [], conversions: 1, nonConversions: 1 },
      { path: ['A'], conversions: 1, nonConversions: 1 },
    ]);
    expect(r.channels).toEqual(['(none)', 'A']);
    expect(r.shares['(none)']).toBeCloseTo(0.5, 12);
    expect(r.shares.A).toBeCloseTo(0.5, 12);
  });

  it('gives zero shares when nothing converts, and handles no paths', () => {
    const r = markovAttribution([{ path: ['A', 'B'], conversions: 0, nonConversions: 3 }]);
    expect(r.conversionProbability).toBe(0);
    expect(r.shares).toEqual({ A: 0, B: 0 });
    const empty = markovAttribution([]);
    expect(empty.channels).toEqual([]);
    expect(empty.conversionProbability).toBe(0);
  });

  it('rejects negative counts and reserved state names', () => {
    expect(() => markovAttribution([{ path: ['A'], conversions: -1, nonConversions: 0 }])).toThrow(RangeError);
    expect(() => markovAttribution([{ path: ['(null)'], conversions: 1, nonConversions: 0 }])).toThrow(/reserved/);
  });
});

describe('markovFromTransitions', () => {
  it('solves the classic example from its step counts, as the warehouse counts them', () => {
    // The 3-path example above as steps: (start)→C1 ×2, (start)→C2, C1→C2, C1→(null),
    // C2→(conversion) ×1 (from C1→C2), C2→C3, C3→(conversion).
    const r = markovFromTransitions([
      { from: START_STATE, to: 'C1', count: 2 },
      { from: START_STATE, to: 'C2', count: 1 },
      { from: 'C1', to: 'C2', count: 1 },
      { from: 'C1', to: NULL_STATE, count: 1 },
      { from: 'C2', to: CONVERSION_STATE, count: 1 },
      { from: 'C2', to: 'C3', count: 1 },
      { from: 'C3', to: CONVERSION_STATE, count: 1 },
    ]);
    expect(r.totalPaths).toBe(3);
    expect(r.totalConversions).toBe(2);
    expect(r.shares.C1).toBeCloseTo(1 / 4, 12);
    expect(r.shares.C2).toBeCloseTo(1 / 2, 12);
    expect(r.shares.C3).toBeCloseTo(1 / 4, 12);
  });

  it('gives the same chain as the paths it was counted from', () => {
    const paths = [
      { path: ['seo', 'email', 'seo'], conversions: 3, nonConversions: 5 },
      { path: ['webinar'], conversions: 2, nonConversions: 1 },
      { path: [], conversions: 1, nonConversions: 4 },
      { path: ['email', 'email', 'webinar'], conversions: 0, nonConversions: 2 },
    ];
    const steps = pathTransitions(paths);
    expect(steps.filter((s) => s.from === START_STATE).reduce((n, s) => n + s.count, 0)).toBe(18);
    expect(markovFromTransitions([...steps].reverse())).toEqual(markovAttribution(paths));
  });

  it('rejects steps out of an absorbing state and negative counts', () => {
    expect(() => markovFromTransitions([{ from: CONVERSION_STATE, to: 'seo', count: 1 }])).toThrow(/absorbing/);
    expect(() => markovFromTransitions([{ from: 'seo', to: START_STATE, count: 1 }])).toThrow(/absorbing/);
    expect(() => markovFromTransitions([{ from: START_STATE, to: 'seo', count: -1 }])).toThrow(RangeError);
  });
});
