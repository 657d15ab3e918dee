/*
 * KPI tree helpers: order the flat node rows of the kpi_tree view
 * depth-first from the root (revenue), and find the weakest link — the
 * factor whose change cost the most revenue against the chosen comparison.
 *
 * Factors are the multiplicative levers of the tree (docs/metrics.md, definitions
 * 12 and 14): the top volume, each conversion, velocity and average deal size.
 * Count nodes below the top carry the cumulative effect of their subtree
 * and per-channel lead nodes split the volume effect, so neither competes
 * for "weakest link" (that would count one effect twice).
 */
import type { Unit } from './format';
import { STAGE_COUNT_KEYS } from '../../../server/contract/vocabulary';

export type Comparison = 'plan' | 'previous' | 'yearAgo';

export interface KpiTreeNode {
  key: string;
  parent: string | null;
  label: string;
  unit: Unit;
  actual: number | null;
  /** The plan to date for a running period (docs/metrics.md, definition 17), else the whole period's. */
  plan: number | null;
  /** The whole period's plan (通期計画). */
  planFull?: number | null;
  previous: number | null;
  yearAgo: number | null;
  /** Revenue effect of this node's change against each comparison. */
  effect: Partial<Record<Comparison, number | null>>;
  /** effect ÷ revenue gap. */
  shareOfGap: Partial<Record<Comparison, number | null>>;
  /** The node's part of the gap decomposition (set on factor nodes only, per comparison). */
  gapEffect?: Partial<Record<Comparison, number | null>>;
  /** The view's own weakest-link flags, when it publishes them. */
  weakest?: Partial<Record<Comparison, boolean>>;
  /** volume, conversion, velocity or deal_size for factor nodes. */
  lever?: string | null;
  sortOrder?: number | null;
  /** Explicit factor flag; otherwise derived from gapEffect or the key. */
  isFactor?: boolean;
  /** What the node means where its label cannot say it (the velocity factor). */
  note?: string | null;
  /** Count nodes: the days counted, 'YYYY-MM-DD', end exclusive (the period to date moved back by the stage velocity). */
  window?: { start: string; end: string } | null;
}

export interface OrderedNode extends KpiTreeNode {
  depth: number;
  hasChildren: boolean;
}

export function orderTree(nodes: KpiTreeNode[]): OrderedNode[] {
  const keys = new Set(nodes.map((n) => n.key));
  const children = new Map<string | null, KpiTreeNode[]>();
  for (const n of nodes) {
    const parent = n.parent && keys.has(n.parent) ? n.parent : null;
    const list = children.get(parent) ?? [];
    list.push(n);
    children.set(parent, list);
  }
  const rank = (n: KpiTreeNode) => n.sortOrder ?? Number.MAX_SAFE_INTEGER;
  for (const list of children.values()) list.sort((a, b) => rank(a) - rank(b));
  const out: OrderedNode[] = [];
  const seen = new Set<string>();
  const visit = (n: KpiTreeNode, depth: number) => {
    if (seen.has(n.key)) return;
    seen.add(n.key);
    const kids = children.get(n.key) ?? [];
    out.push({ ...n, depth, hasChildren: kids.length > 0 });
    for (const k of kids) visit(k, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  return out;
}

export function isFactorNode(node: KpiTreeNode, all: KpiTreeNode[], comparison?: Comparison): boolean {
  if (node.isFactor !== undefined) return node.isFactor;
  if (comparison && all.some((n) => n.gapEffect?.[comparison] != null)) return node.gapEffect?.[comparison] != null;
  if (node.key.startsWith('conversion:') || node.key === 'velocity' || node.key === 'average_deal_size') return true;
  if (node.key.includes(':')) return false; // per-channel lead nodes and the like
  // The top volume: the count node without a count child (the deepest count).
  const countKeys: readonly string[] = STAGE_COUNT_KEYS;
  if (!countKeys.includes(node.key)) return false;
  const present = countKeys.filter((k) => all.some((n) => n.key === k));
  return present[0] === node.key;
}

export function findWeakestLink(nodes: KpiTreeNode[], comparison: Comparison): KpiTreeNode | null {
  // The view's own flag wins when it publishes one.
  if (nodes.some((n) => n.weakest?.[comparison] !== undefined))
    return nodes.find((n) => n.weakest?.[comparison] === true) ?? null;
  let weakest: KpiTreeNode | null = null;
  for (const n of nodes) {
    const e = n.gapEffect?.[comparison] ?? n.effect[comparison];
    if (e === null || e === undefined || e >= 0 || !isFactorNode(n, nodes, comparison)) continue;
    if (!weakest || e < ((weakest.gapEffect?.[comparison] ?? weakest.effect[comparison]) as number)) weakest = n;
  }
  return weakest;
}
