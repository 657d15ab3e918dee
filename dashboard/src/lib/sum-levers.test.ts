import { describe, expect, it } from 'vitest';
import type { KpiTreeNode } from './build-kpi-tree';
import { biggestMovers, sumByLever, waterfall } from './sum-levers';

const factor = (key: string, lever: string | null, gap: number | null): KpiTreeNode => ({
  key,
  parent: 'revenue',
  label: key,
  unit: 'count',
  actual: 0,
  plan: 0,
  previous: 0,
  yearAgo: 0,
  effect: {},
  shareOfGap: {},
  lever,
  gapEffect: { plan: gap },
});

const nodes = [
  factor('leads', 'volume', -80),
  factor('conversion:lead->mql', 'conversion', 30),
  factor('conversion:mql->sal', 'conversion', -10),
  factor('velocity', 'velocity', 5),
  factor('average_deal_size', 'deal_size', -15),
  factor('recurring_revenue', 'recurring', 40),
  factor('wins', null, null),
];

describe('gap decomposition', () => {
  it('sums the factor effects per lever', () => {
    expect(sumByLever(nodes, 'plan')).toEqual({ volume: -80, conversion: 20, velocity: 5, deal_size: -15, recurring: 40 });
  });
  it('walks from the base revenue to the actual revenue', () => {
    const steps = waterfall(1000, sumByLever(nodes, 'plan'));
    expect(steps.map((s) => s.key)).toEqual(['base', 'volume', 'conversion', 'velocity', 'deal_size', 'recurring', 'actual']);
    expect(steps[1]).toMatchObject({ from: 1000, to: 920 });
    // 1000 − 80 + 20 + 5 − 15 + 40 = 970
    expect(steps.at(-1)).toMatchObject({ value: 970, from: 0, to: 970 });
  });
  it('ranks the factors by the size of their effect', () => {
    expect(biggestMovers(nodes, 'plan', 3).map((n) => n.key)).toEqual(['leads', 'recurring_revenue', 'conversion:lead->mql']);
  });
});
