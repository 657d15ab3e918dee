/*
 * Rule-based touch weights (docs/metrics.md, definition 9), checked against weights
 * worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_MODELS,
  attributionWeights,
  NONE_CHANNEL,
  RULE_BASED_MODELS,
  type Touch,
  weightsByChannel,
} from '../../../model/warehouse/marts/attribution_lead_weights/attribution-weights.js';

const conversionAt = new Date('2025-06-30T00:00:00Z');
const DAY = 86_400_000;

/** n touches, one per day ending `n - 1` days… 0 days before the conversion. */
function touches(n: number, leadCreation?: number, channels?: string[]): Touch[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    at: new Date(conversionAt.getTime() - (n - 1 - i) * DAY),
    channel: channels?.[i] ?? `ch${i}`,
    ...(i === leadCreation ? { isLeadCreation: true } : {}),
  }));
}

const weights = (model: (typeof ATTRIBUTION_MODELS)[number], ts: Touch[], halfLifeDays = 7) =>
  attributionWeights(model, ts, { conversionAt, halfLifeDays, channelShares: { ch0: 0.5, ch1: 0.3, ch2: 0.2 } }).map(
    (w) => w.weight,
  );

function expectWeights(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 12));
}

describe('model list', () => {
  it('exports the six rule-based models plus data_driven', () => {
    expect([...ATTRIBUTION_MODELS]).toEqual([
      'first_touch',
      'last_touch',
      'linear',
      'u_shaped',
      'w_shaped',
      'time_decay',
      'data_driven',
    ]);
    expect(RULE_BASED_MODELS).toHaveLength(6);
  });
});

describe('weights sum to exactly 1', () => {
  for (const model of ATTRIBUTION_MODELS) {
    for (const n of [1, 2, 3, 10]) {
      for (const lc of new Set([undefined, 0, Math.floor(n / 2), n - 1])) {
        it(`${model}, ${n} touches, lead-creation touch ${lc ?? 'none'}`, () => {
          const w = weights(model, touches(n, lc));
          expect(w).toHaveLength(n);
          expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThanOrEqual(1e-12);
          for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
        });
      }
    }
  }
});

describe('no touch', () => {
  it('credits (none) with weight 1 under every model', () => {
    for (const model of ATTRIBUTION_MODELS) {
      expect(attributionWeights(model, [], { conversionAt })).toEqual([{ id: NONE_CHANNEL, channel: NONE_CHANNEL, weight: 1 }]);
    }
  });
});

describe('first, last, linear', () => {
  it('first and last touch put 100 % on one touch', () => {
    expectWeights(weights('first_touch', touches(3)), [1, 0, 0]);
    expectWeights(weights('last_touch', touches(3)), [0, 0, 1]);
  });
  it('linear gives 1/n', () => {
    // 10 touches: 1/10 = 0.1 each.
    expectWeights(weights('linear', touches(10)), Array(10).fill(0.1));
  });
});

describe('u_shaped (40 first / 40 lead-creation / 20 others)', () => {
  it('3 touches, lead created at the middle one: 0.4, 0.4, 0.2', () => {
    expectWeights(weights('u_shaped', touches(3, 1)), [0.4, 0.4, 0.2]);
  });
  it('5 touches, lead-creation = 3rd: 20 % split over the 3 others (0.2/3 each)', () => {
    expectWeights(weights('u_shaped', touches(5, 2)), [0.4, 0.2 / 3, 0.4, 0.2 / 3, 0.2 / 3]);
  });
  it('1 touch: 40 + 40 merge on it, no others, so it gets 100 %', () => {
    expectWeights(weights('u_shaped', touches(1, 0)), [1]);
  });
  it('2 touches, lead created at the 2nd: 40/40 and no others → 0.4/0.8 = 0.5 each', () => {
    expectWeights(weights('u_shaped', touches(2, 1)), [0.5, 0.5]);
  });
  it('2 touches, lead created at the 1st: 40 + 40 = 80 % on it, 20 % on the other', () => {
    expectWeights(weights('u_shaped', touches(2, 0)), [0.8, 0.2]);
  });
  it('no flagged touch: the first touch stands in for lead creation (0.8, 0.1, 0.1)', () => {
    expectWeights(weights('u_shaped', touches(3)), [0.8, 0.1, 0.1]);
  });
});

describe('w_shaped (30 first / 30 lead-creation / 30 opportunity-creation / 10 others)', () => {
  it('5 touches, lead-creation = 3rd: 0.3, 0.05, 0.3, 0.05, 0.3', () => {
    // others are touches 2 and 4: 0.10 / 2 = 0.05 each.
    expectWeights(weights('w_shaped', touches(5, 2)), [0.3, 0.05, 0.3, 0.05, 0.3]);
  });
  it('3 touches, lead-creation = middle: 30/30/30, no others → 1/3 each', () => {
    expectWeights(weights('w_shaped', touches(3, 1)), [1 / 3, 1 / 3, 1 / 3]);
  });
  it('3 touches, lead-creation = first: 60 % first, 10 % middle, 30 % last', () => {
    expectWeights(weights('w_shaped', touches(3, 0)), [0.6, 0.1, 0.3]);
  });
  it('3 touches, lead-creation = last: 30 % first, 10 % middle, 60 % last', () => {
    expectWeights(weights('w_shaped', touches(3, 2)), [0.3, 0.1, 0.6]);
  });
  it('2 touches, lead-creation = first: merged 60 and 30, no others → 60/90 and 30/90', () => {
    expectWeights(weights('w_shaped', touches(2, 0)), [2 / 3, 1 / 3]);
  });
  it('2 touches, lead-creation = last: 30 and 60 → 1/3 and 2/3', () => {
    expectWeights(weights('w_shaped', touches(2, 1)), [1 / 3, 2 / 3]);
  });
  it('1 touch: 100 %', () => {
    expectWeights(weights('w_shaped', touches(1)), [1]);
  });
});

describe('time_decay', () => {
  it('half-life 7: a touch 7 days before the conversion gets half the weight of one at it', () => {
    const ts: Touch[] = [
      { id: 'a', at: new Date(conversionAt.getTime() - 7 * DAY), channel: 'seo' },
      { id: 'b', at: conversionAt, channel: 'email' },
    ];
    // raw 2^(−7/7) = 0.5 and 2^0 = 1; normalised 0.5/1.5 = 1/3, 1/1.5 = 2/3.
    const w = weights('time_decay', ts);
    expectWeights(w, [1 / 3, 2 / 3]);
    expect(w[0]! / w[1]!).toBeCloseTo(0.5, 12);
  });
  it('14, 7 and 0 days before: 0.25 : 0.5 : 1 → 1/7, 2/7, 4/7', () => {
    const ts = [14, 7, 0].map((d, i) => ({ id: `t${i}`, at: new Date(conversionAt.getTime() - d * DAY), channel: 'x' }));
    expectWeights(weights('time_decay', ts), [1 / 7, 2 / 7, 4 / 7]);
  });
  it('fractional days: 3.5 days with half-life 7 → 2^−0.5 against 1', () => {
    const ts = [3.5, 0].map((d, i) => ({ id: `t${i}`, at: new Date(conversionAt.getTime() - d * DAY), channel: 'x' }));
    const r = Math.SQRT1_2; // 2^−0.5 = 0.70710678…
    expectWeights(weights('time_decay', ts), [r / (1 + r), 1 / (1 + r)]);
  });
  it('does not underflow with a long window and a tiny half-life', () => {
    const ts = [180, 179].map((d, i) => ({ id: `t${i}`, at: new Date(conversionAt.getTime() - d * DAY), channel: 'x' }));
    // relative to the latest touch: 2^(−1/0.01) = 2^−100 ≈ 7.9e−31 against 1.
    const w = weights('time_decay', ts, 0.01);
    expect(w[1]).toBeCloseTo(1, 12);
    expect(w[0]).toBeGreaterThan(0);
    expect(w[0]).toBeLessThan(1e-29);
  });
});

describe('data_driven per touch', () => {
  it('splits by Markov channel share, then equally within a channel', () => {
    const ts = touches(3, undefined, ['seo', 'web_ads', 'seo']);
    // seo 0.6 over its 2 touches = 0.3 each; web_ads 0.2 on its 1 touch.
    // raw 0.3, 0.2, 0.3, sum 0.8 → 0.375, 0.25, 0.375.
    const w = attributionWeights('data_driven', ts, { conversionAt, channelShares: { seo: 0.6, web_ads: 0.2, email: 0.2 } });
    expectWeights(
      w.map((x) => x.weight),
      [0.375, 0.25, 0.375],
    );
    const byChannel = weightsByChannel(w);
    expect(byChannel.seo).toBeCloseTo(0.75, 12);
    expect(byChannel.web_ads).toBeCloseTo(0.25, 12);
  });
  it('falls back to linear when no present channel has a share', () => {
    const ts = touches(2, undefined, ['social', 'direct']);
    expectWeights(
      attributionWeights('data_driven', ts, { conversionAt, channelShares: { seo: 1 } }).map((x) => x.weight),
      [0.5, 0.5],
    );
  });
  it('needs channel shares', () => {
    expect(() => attributionWeights('data_driven', touches(2), { conversionAt })).toThrow(RangeError);
  });
});

describe('input checks', () => {
  it('rejects unsorted touches, touches after the conversion, and a bad half-life', () => {
    const ts = touches(3);
    expect(() => attributionWeights('linear', [ts[1]!, ts[0]!], { conversionAt })).toThrow(/sorted/);
    const late = { id: 'late', at: new Date(conversionAt.getTime() + DAY), channel: 'x' };
    expect(() => attributionWeights('linear', [late], { conversionAt })).toThrow(/after the conversion/);
    expect(() => attributionWeights('time_decay', ts, { conversionAt, halfLifeDays: 0 })).toThrow(/halfLifeDays/);
  });
  it('keeps ids and channels in input order', () => {
    const w = attributionWeights('linear', touches(2, undefined, ['seo', 'email']), { conversionAt });
    expect(w.map((x) => [x.id, x.channel])).toEqual([
      ['t0', 'seo'],
      ['t1', 'email'],
    ]);
  });
});
