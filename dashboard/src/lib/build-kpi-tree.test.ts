import { describe, expect, it } from 'vitest';
import { findWeakestLink, orderTree, type KpiTreeNode } from './build-kpi-tree';

const node = (key: string, parent: string | null, effect: number | null, extra: Partial<KpiTreeNode> = {}): KpiTreeNode => ({
  key,
  parent,
  label: key,
  unit: 'count',
  actual: 1,
  plan: 1,
  previous: 1,
  yearAgo: 1,
  effect: { plan: effect, previous: effect === null ? null : -effect },
  shareOfGap: {},
  ...extra,
});

const nodes = [
  node('leads', 'mql', -50),
  node('revenue', null, -100, { unit: 'JPY', sortOrder: 1 }),
  node('wins', 'revenue', -80, { sortOrder: 3 }),
  node('average_deal_size', 'revenue', -20, { sortOrder: 2, unit: 'JPY' }),
  node('conversion:mql->sql', 'wins', -30),
  node('mql', 'wins', -50),
  node('leads:seo', 'leads', -45),
];

describe('orderTree', () => {
  it('walks the tree depth-first from the root, children by sort order', () => {
    expect(orderTree(nodes).map((n) => `${n.depth}:${n.key}`)).toEqual([
      '0:revenue',
      '1:average_deal_size',
      '1:wins',
      '2:conversion:mql->sql',
      '2:mql',
      '3:leads',
      '4:leads:seo',
    ]);
  });
  it('treats a node whose parent is missing as a root', () => {
    expect(orderTree([node('x', 'gone', 1)])[0]).toMatchObject({ key: 'x', depth: 0, hasChildren: false });
  });
});

describe('findWeakestLink', () => {
  it('picks the factor with the most negative effect, not a cumulative count node', () => {
    // wins (−80) and mql (−50) carry their subtree; the factors are leads (top volume), the conversion and deal size.
    expect(findWeakestLink(nodes, 'plan')?.key).toBe('leads');
  });
  it('is null when nothing cost revenue', () => {
    expect(findWeakestLink(nodes, 'previous')).toBeNull();
  });
  it('uses the gap decomposition when the view publishes it', () => {
    const withGap = nodes.map((n) => ({
      ...n,
      gapEffect: { plan: n.key === 'average_deal_size' ? -20 : n.key === 'conversion:mql->sql' ? -30 : null },
    }));
    expect(findWeakestLink(withGap, 'plan')?.key).toBe('conversion:mql->sql');
  });
  it('follows the view’s own flag over any computation', () => {
    const flagged = nodes.map((n) => ({ ...n, weakest: { plan: n.key === 'average_deal_size' } }));
    expect(findWeakestLink(flagged, 'plan')?.key).toBe('average_deal_size');
  });
});
