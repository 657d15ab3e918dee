/*
 * KPI tree and revenue gap decomposition (docs/metrics.md, definitions 12 and 14),
 * with the Shapley and sequential effects worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { decomposeRevenueGap, type FunnelValues, kpiTree } from '../../../model/warehouse/marts/kpi_tree/kpi-tree.js';

// Plan: 1000 leads → 300 MQL (0.3) → 150 SAL (0.5) → 100 SQL (2/3) → 50 opps (0.5)
//       → 10 wins (0.2) × 2,000,000 = 20,000,000.
const plan: FunnelValues = {
  leads: 1000,
  mql: 300,
  sal: 150,
  sql: 100,
  opportunities: 50,
  wins: 10,
  averageDealSize: 2_000_000,
};
// Actual: 800 leads, same rates up to opportunities (→ 40 opps), 6 wins (0.15)
//         × 2,500,000 = 15,000,000. Gap −5,000,000.
const actual: FunnelValues = {
  leads: 800,
  mql: 240,
  sal: 120,
  sql: 80,
  opportunities: 40,
  wins: 6,
  averageDealSize: 2_500_000,
};

const effect = (g: ReturnType<typeof decomposeRevenueGap>, key: string) => g.effects.find((e) => e.key === key)!.effect;
const sum = (g: ReturnType<typeof decomposeRevenueGap>) => g.effects.reduce((s, e) => s + e.effect, 0);

/*
 * Only three factors change; the unchanged rates multiply to K = 0.3 × 0.5 × 2/3 × 0.5 = 0.05.
 * a = leads × K: 50 → 40 (Δa = −10); b = opp→won: 0.2 → 0.15 (Δb = −0.05);
 * c = deal size: 2,000,000 → 2,500,000 (Δc = +500,000).
 * Shapley for three factors: φa = Δa·[(b0c0 + b1c1)/3 + (b0c1 + b1c0)/6], likewise for b, c.
 *   b0c0 = 400,000, b1c1 = 375,000, b0c1 = 500,000, b1c0 = 300,000
 *   φa = −10 × (775,000/3 + 800,000/6) = −10 × 391,666.67 = −3,916,666.67
 *   a0c0 = 100e6, a1c1 = 100e6, a0c1 = 125e6, a1c0 = 80e6
 *   φb = −0.05 × (200e6/3 + 205e6/6) = −0.05 × 100,833,333.33 = −5,041,666.67
 *   a0b0 = 10, a1b1 = 6, a0b1 = 7.5, a1b0 = 8
 *   φc = 500,000 × (16/3 + 15.5/6) = 500,000 × 7.916667 = 3,958,333.33
 *   Σ = (−23.5e6 − 30.25e6 + 23.75e6)/6 = −30e6/6 = −5,000,000 ✓
 */
const LEADS = -23_500_000 / 6;
const WIN = -30_250_000 / 6;
const DEAL = 23_750_000 / 6;

describe('decomposeRevenueGap (Shapley)', () => {
  const g = decomposeRevenueGap(actual, plan);

  it('computes revenue = wins × deal size and the gap', () => {
    expect(g.baseRevenue).toBe(20_000_000);
    expect(g.actualRevenue).toBe(15_000_000);
    expect(g.gap).toBe(-5_000_000);
  });

  it('matches the hand-worked effects', () => {
    expect(effect(g, 'leads')).toBeCloseTo(LEADS, 4);
    expect(effect(g, 'conversion:opportunity->won')).toBeCloseTo(WIN, 4);
    expect(effect(g, 'average_deal_size')).toBeCloseTo(DEAL, 4);
    for (const k of ['conversion:lead->mql', 'conversion:mql->sal', 'conversion:sal->sql', 'conversion:sql->opportunity']) {
      expect(effect(g, k)).toBe(0);
    }
    expect(g.effects.find((e) => e.key === 'leads')!.stage).toBe('lead');
    expect(g.effects.find((e) => e.key === 'conversion:opportunity->won')!.stage).toBe('won');
    expect(g.effects.find((e) => e.key === 'average_deal_size')!.stage).toBeNull();
    expect(g.byLever.volume).toBeCloseTo(LEADS, 4);
    expect(g.byLever.conversion).toBeCloseTo(WIN, 4);
    expect(g.byLever.velocity).toBe(0);
    expect(g.byLever.deal_size).toBeCloseTo(DEAL, 4);
  });

  it('sums exactly to the gap', () => {
    expect(Math.abs(sum(g) - g.gap)).toBeLessThan(1e-6);
  });

  it('names the weakest link: the win rate', () => {
    expect(g.weakestLink!.key).toBe('conversion:opportunity->won');
    // share of the gap: −5,041,666.67 ÷ −5,000,000 = 1.00833
    expect(g.weakestLink!.shareOfGap).toBeCloseTo(30.25 / 30, 9);
  });
});

describe('decomposeRevenueGap (sequential, funnel order)', () => {
  it('substitutes leads, then rates, then deal size', () => {
    const g = decomposeRevenueGap(actual, plan, { method: 'sequential' });
    // a: Δa × b0 × c0 = −10 × 0.2 × 2,000,000 = −4,000,000
    // b: a1 × Δb × c0 = 40 × −0.05 × 2,000,000 = −4,000,000
    // c: a1 × b1 × Δc = 40 × 0.15 × 500,000 = 3,000,000   (Σ −5,000,000)
    expect(effect(g, 'leads')).toBeCloseTo(-4_000_000, 4);
    expect(effect(g, 'conversion:opportunity->won')).toBeCloseTo(-4_000_000, 4);
    expect(effect(g, 'average_deal_size')).toBeCloseTo(3_000_000, 4);
    expect(Math.abs(sum(g) - g.gap)).toBeLessThan(1e-6);
  });
});

describe('velocity', () => {
  it('separates win rate from close-through when winRate is given on both sides', () => {
    // plan: winRate 0.2 → velocity = 10 ÷ (50 × 0.2) = 1
    // actual: winRate 0.2 → velocity = 6 ÷ (40 × 0.2) = 0.75
    // The 0.2 → 0.15 drop is now all velocity (1 → 0.75); with a = leads × 0.05 × 0.2 (10 → 8):
    // φv = −0.25 × [(10·2e6 + 8·2.5e6)/3 + (10·2.5e6 + 8·2e6)/6] = −0.25 × 20,166,666.67 = −5,041,666.67
    const g = decomposeRevenueGap({ ...actual, winRate: 0.2, salesCycleDays: 75 }, { ...plan, winRate: 0.2, salesCycleDays: 60 });
    expect(effect(g, 'velocity')).toBeCloseTo(WIN, 4);
    expect(effect(g, 'conversion:opportunity->won')).toBe(0);
    expect(effect(g, 'leads')).toBeCloseTo(LEADS, 4);
    expect(g.weakestLink!.key).toBe('velocity');
    expect(g.byLever.velocity).toBeCloseTo(WIN, 4);
  });

  it('leaves velocity out (with a note) when only one side has a win rate', () => {
    const g = decomposeRevenueGap({ ...actual, winRate: 0.2 }, plan);
    expect(g.effects.some((e) => e.key === 'velocity')).toBe(false);
    expect(g.notes.join(' ')).toMatch(/velocity not separated/);
  });
});

describe('zeros', () => {
  it('a month without wins: deal size has no effect, the lost conversion carries the gap', () => {
    // actual wins 0: opp→won 0.2 → 0; deal size undefined, takes the plan's 2,000,000.
    // Two factors: a = leads × 0.05 (50 → 40), b = opp→won (0.2 → 0), c = 2,000,000 fixed.
    // φa = Δa × (b0 + b1)/2 × c = −10 × 0.1 × 2,000,000 = −2,000,000
    // φb = Δb × (a0 + a1)/2 × c = −0.2 × 45 × 2,000,000 = −18,000,000   (Σ −20,000,000)
    const g = decomposeRevenueGap({ ...actual, wins: 0, averageDealSize: null }, plan);
    expect(g.gap).toBe(-20_000_000);
    expect(effect(g, 'leads')).toBeCloseTo(-2_000_000, 4);
    expect(effect(g, 'conversion:opportunity->won')).toBeCloseTo(-18_000_000, 4);
    expect(effect(g, 'average_deal_size')).toBe(0);
  });

  it('merges out a stage that is 0 while a later one is not', () => {
    // actual SAL 0 (every SQL came by a fast path): the link mql→sql is used in both periods:
    // plan 100/300 = 1/3, actual 80/240 = 1/3: no effect; the rest is as in the main example.
    const g = decomposeRevenueGap({ ...actual, sal: 0 }, plan);
    expect(g.mergedStages).toEqual(['sal']);
    expect(effect(g, 'conversion:mql->sql')).toBe(0);
    expect(effect(g, 'leads')).toBeCloseTo(LEADS, 4);
    expect(Math.abs(sum(g) - g.gap)).toBeLessThan(1e-6);
  });

  it('gap 0 still decomposes: leads −20 % against win rate +25 %', () => {
    // previous: 1000 leads … 50 opps, 6 wins (0.12) × 2,500,000 = 15,000,000 = actual.
    // a = leads × 0.05: 50 → 40; b = opp→won 0.12 → 0.15; c = 2,500,000 fixed.
    // φa = −10 × (0.12 + 0.15)/2 × 2,500,000 = −3,375,000; φb = 0.03 × 45 × 2,500,000 = +3,375,000
    const previous = { ...plan, wins: 6, averageDealSize: 2_500_000 };
    const g = decomposeRevenueGap(actual, previous);
    expect(g.gap).toBe(0);
    expect(effect(g, 'leads')).toBeCloseTo(-3_375_000, 4);
    expect(effect(g, 'conversion:opportunity->won')).toBeCloseTo(3_375_000, 4);
    expect(g.effects.every((e) => e.shareOfGap === null)).toBe(true);
    expect(g.weakestLink!.key).toBe('leads');
  });
});

describe('leads per channel', () => {
  it('splits the volume effect by each channel’s change', () => {
    // Δseo = −100, Δweb_ads = −100 of Δleads = −200 → each half of −3,916,666.67.
    const g = decomposeRevenueGap(
      { ...actual, leadsByChannel: { seo: 500, web_ads: 300 } },
      { ...plan, leadsByChannel: { seo: 600, web_ads: 400 } },
    );
    expect(g.channelEffects!.seo).toBeCloseTo(LEADS / 2, 4);
    expect(g.channelEffects!.web_ads).toBeCloseTo(LEADS / 2, 4);
  });
  it('with unchanged total leads, prices the shift at the mean revenue per lead', () => {
    // revenue per lead 20,000,000 ÷ 1000 = 20,000 both sides: seo +100 → +2,000,000, web_ads −100 → −2,000,000.
    const g = decomposeRevenueGap(
      { ...plan, leadsByChannel: { seo: 700, web_ads: 300 } },
      { ...plan, leadsByChannel: { seo: 600, web_ads: 400 } },
    );
    expect(g.channelEffects).toEqual({ seo: 2_000_000, web_ads: -2_000_000 });
  });
  it('rejects channels that do not add up to leads', () => {
    expect(() => decomposeRevenueGap({ ...actual, leadsByChannel: { seo: 1 } }, plan)).toThrow(/adds up/);
  });
});

describe('always sums to the gap', () => {
  it('on pseudo-random funnels', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const funnel = (): FunnelValues => {
      const leads = Math.floor(rnd() * 5000);
      const mql = Math.floor(leads * rnd());
      const sal = Math.floor(mql * rnd());
      const sql = Math.floor(sal * rnd());
      const opportunities = Math.floor(sql * rnd());
      const wins = Math.floor(opportunities * rnd());
      return { leads, mql, sal, sql, opportunities, wins, averageDealSize: Math.round(rnd() * 5e6), winRate: rnd() * 0.5 + 0.5 };
    };
    // non-monotone counts with zeros: exercises merged stages and undefined rates.
    const rough = (): FunnelValues => {
      const c = () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 50));
      const wins = c();
      return {
        leads: c(),
        mql: c(),
        sal: c(),
        sql: c(),
        opportunities: c(),
        wins,
        averageDealSize: wins > 0 ? rnd() * 1e6 : null,
      };
    };
    for (let i = 0; i < 400; i++) {
      const a = i % 2 ? funnel() : rough();
      const b = i % 3 ? funnel() : rough();
      for (const method of ['shapley', 'sequential'] as const) {
        const g = decomposeRevenueGap(a, b, { method });
        expect(Math.abs(sum(g) - g.gap)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(g.gap)));
      }
    }
  });
});

describe('kpiTree', () => {
  const previous: FunnelValues = { ...plan, wins: 6, averageDealSize: 2_500_000 };
  const tree = kpiTree({ actual, plan, previous });
  const node = (key: string) => tree.nodes.find((n) => n.key === key)!;

  it('builds revenue = new-business revenue (wins × deal size, down to leads) + recurring revenue', () => {
    expect(node('revenue').parent).toBeNull();
    expect(node('new_business_revenue').parent).toBe('revenue');
    expect(node('recurring_revenue').parent).toBe('revenue');
    expect(node('wins').parent).toBe('new_business_revenue');
    expect(node('average_deal_size').parent).toBe('new_business_revenue');
    expect(node('opportunities').parent).toBe('wins');
    expect(node('conversion:opportunity->won').parent).toBe('wins');
    expect(node('leads').parent).toBe('mql');
    expect(node('conversion:lead->mql').parent).toBe('mql');
  });

  it('carries actual, plan, previous and deltas', () => {
    expect(node('revenue').actual).toBe(15_000_000);
    expect(node('revenue').plan).toBe(20_000_000);
    expect(node('revenue').previous).toBe(15_000_000);
    expect(node('revenue').yearAgo).toBeNull();
    expect(node('revenue').delta.plan).toBe(-5_000_000);
    expect(node('conversion:opportunity->won').actual).toBeCloseTo(0.15, 12);
    expect(node('conversion:opportunity->won').plan).toBeCloseTo(0.2, 12);
    expect(node('leads').delta.plan).toBe(-200);
  });

  it('gives each node its share of the revenue gap', () => {
    expect(node('revenue').effect.plan).toBe(-5_000_000);
    expect(node('revenue').shareOfGap.plan).toBe(1);
    expect(node('leads').effect.plan).toBeCloseTo(LEADS, 4);
    // opportunities: only the leads effect lies below it (its rates did not move).
    expect(node('opportunities').effect.plan).toBeCloseTo(LEADS, 4);
    // wins: leads + win rate = −3,916,666.67 − 5,041,666.67 = −8,958,333.33
    expect(node('wins').effect.plan).toBeCloseTo(LEADS + WIN, 4);
    expect(node('average_deal_size').effect.plan).toBeCloseTo(DEAL, 4);
    expect(node('conversion:opportunity->won').shareOfGap.plan).toBeCloseTo(30.25 / 30, 9);
    // against the previous period (gap 0): leads −3,375,000, win rate +3,375,000
    expect(node('leads').effect.previous).toBeCloseTo(-3_375_000, 4);
    expect(node('revenue').shareOfGap.previous).toBeNull();
    expect(node('leads').effect.yearAgo).toBeNull();
  });

  it('reports the weakest link per comparison', () => {
    expect(tree.weakestLink.plan!.key).toBe('conversion:opportunity->won');
    expect(tree.weakestLink.previous!.key).toBe('leads');
    expect(tree.weakestLink.yearAgo).toBeNull();
  });

  it('adds velocity, sales cycle and channel nodes when given', () => {
    const t = kpiTree({
      actual: { ...actual, winRate: 0.2, salesCycleDays: 75, leadsByChannel: { seo: 500, web_ads: 300 } },
      plan: { ...plan, winRate: 0.2, salesCycleDays: 60, leadsByChannel: { seo: 600, web_ads: 400 } },
    });
    const n = (key: string) => t.nodes.find((x) => x.key === key)!;
    expect(n('velocity').actual).toBeCloseTo(0.75, 12);
    expect(n('velocity').effect.plan).toBeCloseTo(WIN, 4);
    expect(n('sales_cycle_days').actual).toBe(75);
    expect(n('sales_cycle_days').parent).toBe('velocity');
    expect(n('leads:seo').parent).toBe('leads');
    expect(n('leads:seo').effect.plan).toBeCloseTo(LEADS / 2, 4);
  });

  it('marks merged stages with no effect of their own', () => {
    const t = kpiTree({ actual: { ...actual, sal: 0 }, plan });
    const n = (key: string) => t.nodes.find((x) => x.key === key)!;
    expect(n('sal').effect.plan).toBeNull();
    expect(n('conversion:mql->sal').effect.plan).toBeNull();
    expect(n('sql').effect.plan).toBeCloseTo(LEADS, 4);
  });

  it('recurring revenue is its own branch: an additive effect, the funnel effects unchanged, the sum exact (by hand)', () => {
    // actual: 6 wins × 2,500,000 = 15,000,000 new + 9,000,000 recurring = 24,000,000;
    // plan: 20,000,000 new + 12,000,000 recurring = 32,000,000; gap −8,000,000 =
    // new-business gap −5,000,000 (the funnel factors, as without recurring) + recurring −3,000,000.
    const t = kpiTree({ actual: { ...actual, recurringRevenue: 9_000_000 }, plan: { ...plan, recurringRevenue: 12_000_000 } });
    const n = (key: string) => t.nodes.find((x) => x.key === key)!;
    expect(n('revenue').actual).toBe(24_000_000);
    expect(n('revenue').plan).toBe(32_000_000);
    expect(n('new_business_revenue').actual).toBe(15_000_000);
    expect(n('recurring_revenue').effect.plan).toBe(-3_000_000);
    expect(n('new_business_revenue').effect.plan).toBeCloseTo(-5_000_000, 4);
    expect(n('leads').effect.plan).toBeCloseTo(LEADS, 4);
    const g = t.gaps.plan!;
    expect(g.gap).toBe(-8_000_000);
    expect(g.byLever.recurring).toBe(-3_000_000);
    expect(g.effects.reduce((s, e) => s + e.effect, 0)).toBeCloseTo(-8_000_000, 4);
  });

  it('explains the velocity factor in its node, and never labels it a conversion', () => {
    const t = kpiTree({ actual: { ...actual, winRate: 0.2 }, plan: { ...plan, winRate: 0.2 } });
    const v = t.nodes.find((x) => x.key === 'velocity')!;
    expect(v.label).not.toMatch(/conversion/);
    expect(v.note).toMatch(/not a conversion/i);
    expect(v.noteJa).toMatch(/転換率ではない/);
  });

  it('a flow ratio above 100 % is relabelled, not shown as a conversion', () => {
    // 120 opportunities from 100 SQLs in the window: 1.2, a flow ratio, not a conversion.
    const t = kpiTree({ actual: { ...actual, sql: 100, opportunities: 120 }, plan });
    const n = (key: string) => t.nodes.find((x) => x.key === key)!;
    expect(n('conversion:sql->opportunity').actual).toBeCloseTo(1.2, 12);
    expect(n('conversion:sql->opportunity').label).toMatch(/flow ratio \(over 100 %/);
    expect(n('conversion:sql->opportunity').labelJa).toMatch(/転換率ではない/);
    expect(n('conversion:lead->mql').label).toMatch(/conversion \(velocity-lagged flow\)/);
  });
});
