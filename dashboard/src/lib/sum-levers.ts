/*
 * Gap decomposition for the review (docs/metrics.md, definition 14): the factor
 * nodes' gap effects summed by lever (volume, conversion, velocity, deal
 * size of new business, and recurring revenue as its own lever), laid out as a waterfall from the comparison's revenue to the
 * actual revenue, and the factors ranked by the size of their effect
 * ("biggest movers"). The effects add up to the gap exactly (the view's
 * Shapley decomposition), which `waterfall` keeps: the last bar ends at the
 * actual revenue.
 */
import type { Comparison, KpiTreeNode } from './build-kpi-tree';

export const LEVERS = ['volume', 'conversion', 'velocity', 'deal_size', 'recurring'] as const;
export type Lever = (typeof LEVERS)[number];

export interface WaterfallStep {
  key: 'base' | Lever | 'actual';
  /** Signed change for levers; the level itself for base and actual. */
  value: number;
  from: number;
  to: number;
}

export function sumByLever(nodes: KpiTreeNode[], comparison: Comparison): Record<Lever, number> {
  const out: Record<Lever, number> = { volume: 0, conversion: 0, velocity: 0, deal_size: 0, recurring: 0 };
  for (const n of nodes) {
    const e = n.gapEffect?.[comparison];
    if (e === null || e === undefined || !n.lever) continue;
    if ((LEVERS as readonly string[]).includes(n.lever)) out[n.lever as Lever] += e;
  }
  return out;
}

export function waterfall(base: number, byLever: Record<Lever, number>): WaterfallStep[] {
  const steps: WaterfallStep[] = [{ key: 'base', value: base, from: 0, to: base }];
  let level = base;
  for (const lever of LEVERS) {
    const v = byLever[lever];
    steps.push({ key: lever, value: v, from: level, to: level + v });
    level += v;
  }
  steps.push({ key: 'actual', value: level, from: 0, to: level });
  return steps;
}

export function biggestMovers(nodes: KpiTreeNode[], comparison: Comparison, limit = 6): KpiTreeNode[] {
  return nodes
    .filter((n) => n.gapEffect?.[comparison] != null && n.gapEffect[comparison] !== 0)
    .sort((a, b) => Math.abs(b.gapEffect![comparison]!) - Math.abs(a.gapEffect![comparison]!))
    .slice(0, limit);
}
