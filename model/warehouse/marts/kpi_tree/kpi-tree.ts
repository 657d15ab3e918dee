/*
 * KPI tree (KPIツリー, docs/metrics.md, definition 12) and revenue gap decomposition
 * for PDCA reviews (definition 14).
 *
 * Identity. For one period:
 *   revenue = new-business revenue + recurring revenue
 *   new-business revenue = leads × (mql ÷ leads) × (sal ÷ mql) × (sql ÷ sal)
 *             × (opportunities ÷ sql) × (wins ÷ opportunities) × average deal size
 *           = wins × average deal size,
 * counting `new` deals only (definition 12: like with like; the reverse plan
 * plans new business), and recurring revenue (renewals, upsell, cross-sell)
 * as its own additive branch (lever `recurring`, effect = its change).
 * The caller gives each stage's volume over its own window, lagged by the
 * stage velocity (model/warehouse/marts/kpi_tree/tree-rows.ts), so the stage rates are *flow
 * ratios lagged by the stage velocity* (definition 3 shifted so that a
 * stage's volume is set against the volume that feeds it), comparable with
 * the reverse plan's cohort conversions, whose requirements are phased by
 * the same offsets; the product still telescopes exactly. When `winRate` (won ÷
 * closed, definition 7) is given for both periods, the last link is split
 *   wins ÷ opportunities = winRate × velocity,
 * velocity = wins ÷ (opportunities × winRate): the close-through factor, the
 * share of win-rate-implied wins that closed inside the period (longer sales
 * cycles push deals out and lower it). It is measured, not modelled from
 * cycle days, so the identity stays exact; `salesCycleDays` is shown beside
 * it as a node for reading. Without winRate on both sides the velocity
 * effect is 0 and the last link carries it (noted in `notes`).
 *
 * Decomposition method: Shapley (symmetric) decomposition of the product,
 * i.e. the average of the sequential substitutions over every order of the
 * factors. Why: it is exact (effects sum to the gap), independent of an
 * arbitrary factor order (the weakest link must not depend on it), and,
 * unlike log/LMDI, it works when a factor is 0 (a month without wins is
 * common in B2B). `method: 'sequential'` gives the classic chain
 * substitution 連鎖代替法 in funnel order (volume, conversions lead → won,
 * velocity, deal size), also exact, for teams used to it. Floating-point
 * residue (≤ 1e-9 of revenue; more means a broken identity and throws) is
 * put on the largest effect so that the effects add up to the gap.
 *
 * Zeros. A rate whose denominator is 0 in one period is undefined there and
 * takes the other period's value (no information, so no effect); if it is
 * undefined in both it is 1. A stage that is 0 in either period while a
 * later stage is > 0 (fast paths, leads from earlier periods) cannot sit in
 * a product chain: it is merged out in both periods, the link across it is
 * reported as one (e.g. `conversion:mql->sql`) and listed in `mergedStages`.
 * An average deal size is needed (≥ 0) only when wins > 0.
 *
 * Leads per channel: the volume effect is split over channels as
 * Δleads(c) × volumeEffect ÷ Δleads (or × the mean revenue per lead of the
 * two periods when total leads did not change), which adds up exactly.
 *
 * Weakest link: the factor with the largest negative effect (null if none).
 *
 * A lagged flow ratio above 1 (possible when a window is short and entries
 * bunch up) is not a conversion: such a node is relabelled a flow ratio
 * with the reason, so no figure above 100 % is shown as a conversion. The
 * velocity factor may exceed 1 by design and is never labelled a conversion.
 */
import { FUNNEL_STAGES, type FunnelStage, STAGE_LINKS } from '../../../../server/contract/funnel.js';
import { STAGE_COUNT_KEYS, STAGE_DEFINITIONS, type StageCountKey } from '../../../../server/contract/vocabulary.js';

export interface FunnelValues {
  leads: number;
  mql: number;
  sal: number;
  sql: number;
  opportunities: number;
  wins: number;
  /** Needed when wins > 0; null (or anything) otherwise. */
  averageDealSize: number | null;
  /** won ÷ (won + lost) of the period's closes, in [0, 1]. */
  winRate?: number | null;
  salesCycleDays?: number | null;
  /** Must add up to `leads`. */
  leadsByChannel?: Record<string, number>;
  /** Won revenue of renewals, upsells and cross-sells: the recurring branch (null or absent = 0). */
  recurringRevenue?: number | null;
}

export type Lever = 'volume' | 'conversion' | 'velocity' | 'deal_size' | 'recurring';
export type DecompositionMethod = 'shapley' | 'sequential';
export type Comparison = 'plan' | 'previous' | 'yearAgo';
export const COMPARISONS: readonly Comparison[] = ['plan', 'previous', 'yearAgo'];

export interface GapEffect {
  /** Same key as the KPI tree node it explains. */
  key: string;
  lever: Lever;
  label: string;
  /** The funnel stage whose volume this factor moves (null for deal size). */
  stage: FunnelStage | null;
  base: number;
  actual: number;
  effect: number;
  /** effect ÷ gap; null when the gap is 0. */
  shareOfGap: number | null;
}

export interface GapDecomposition {
  method: DecompositionMethod;
  baseRevenue: number;
  actualRevenue: number;
  gap: number;
  effects: GapEffect[];
  byLever: Record<Lever, number>;
  channelEffects: Record<string, number> | null;
  weakestLink: GapEffect | null;
  mergedStages: FunnelStage[];
  notes: string[];
  /** Floating-point residue moved onto the largest effect (|r| ≤ 1e-9 × revenue, else an error). */
  roundingResidual: number;
}

const FLOW_LABEL = 'conversion (velocity-lagged flow)';
const FLOW_LABEL_JA = '転換率 (速度でずらしたフロー)';
const FLOW_RATIO_LABEL = 'flow ratio (over 100 %: entries from before the window; not a conversion)';
const FLOW_RATIO_LABEL_JA = 'フロー比 (100 % 超: 期間前の流入を含む。転換率ではない)';
const VELOCITY_LABEL = 'velocity factor (closed ÷ opportunities)';
/** What the velocity factor is, for its tile. */
export const VELOCITY_NOTE =
  'Deals closed (won or lost) in the period ÷ opportunities created one sales cycle earlier; with the win rate it gives wins ÷ opportunities. Above 100 %: older pipeline closed; below: deals slipped past the period. Not a conversion; the plan assumes 100 %.';
export const VELOCITY_NOTE_JA =
  '期間内にクローズ (受注・失注) した商談 ÷ 1営業サイクル前に作成された商談。受注率と掛けると 受注 ÷ 商談。100 % 超は過去のパイプラインの消化、100 % 未満は期ずれ。転換率ではない (計画は 100 %)。';

const COUNT_KEYS = STAGE_COUNT_KEYS;
type CountKey = StageCountKey;

/** English stage names in node labels: the contract's short names, lower-case unless an acronym (lead, MQL, …, won). */
const STAGE_LABEL = Object.fromEntries(
  STAGE_DEFINITIONS.filter((s) => s.isFunnel).map((s) => [
    s.stage,
    s.shortEn === s.shortEn.toUpperCase() ? s.shortEn : s.shortEn.toLowerCase(),
  ]),
) as Record<FunnelStage, string>;

interface Factor {
  key: string;
  lever: Lever;
  label: string;
  actual: number;
  base: number;
  /** Funnel stage index whose volume the factor feeds (5 = wins); 6 = deal size. */
  endIndex: number;
}

function counts(v: FunnelValues): number[] {
  return COUNT_KEYS.map((k) => v[k]);
}

function checkValues(v: FunnelValues, name: string): void {
  for (const k of COUNT_KEYS) {
    if (!Number.isFinite(v[k]) || v[k] < 0) throw new RangeError(`${name}.${k} must be a finite number ≥ 0, got ${v[k]}`);
  }
  if (v.wins > 0 && !(typeof v.averageDealSize === 'number' && Number.isFinite(v.averageDealSize) && v.averageDealSize >= 0)) {
    throw new RangeError(`${name}.averageDealSize must be a finite number ≥ 0 when wins > 0`);
  }
  if (v.winRate != null && !(Number.isFinite(v.winRate) && v.winRate >= 0 && v.winRate <= 1)) {
    throw new RangeError(`${name}.winRate must be in [0, 1], got ${v.winRate}`);
  }
  if (v.winRate === 0 && v.wins > 0) throw new RangeError(`${name}.winRate is 0 but wins > 0`);
  if (v.recurringRevenue != null && !(Number.isFinite(v.recurringRevenue) && v.recurringRevenue >= 0)) {
    throw new RangeError(`${name}.recurringRevenue must be a finite number ≥ 0, got ${v.recurringRevenue}`);
  }
  if (v.leadsByChannel) {
    let sum = 0;
    for (const [c, n] of Object.entries(v.leadsByChannel)) {
      if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name}.leadsByChannel.${c} must be ≥ 0`);
      sum += n;
    }
    if (Math.abs(sum - v.leads) > 1e-6 * Math.max(1, v.leads)) {
      throw new RangeError(`${name}.leadsByChannel adds up to ${sum}, not leads = ${v.leads}`);
    }
  }
}

/** value where defined; the other side's where not; 1 where neither is. */
function carry(a: number | undefined, b: number | undefined): [number, number] {
  if (a === undefined && b === undefined) return [1, 1];
  return [a ?? b!, b ?? a!];
}

function newRevenueOf(v: FunnelValues): number {
  return v.wins > 0 ? v.wins * (v.averageDealSize as number) : 0;
}

function recurringOf(v: FunnelValues): number {
  return v.recurringRevenue ?? 0;
}

function revenueOf(v: FunnelValues): number {
  return newRevenueOf(v) + recurringOf(v);
}

function buildFactors(actual: FunnelValues, base: FunnelValues): { factors: Factor[]; merged: FunnelStage[]; notes: string[] } {
  const ca = counts(actual);
  const cb = counts(base);
  const notes: string[] = [];
  const dropped = (c: number[], k: number) => c[k] === 0 && c.slice(k + 1).some((x) => x > 0);
  const kept: number[] = [];
  const merged: FunnelStage[] = [];
  for (let k = 0; k < 6; k++) {
    if (k < 5 && (dropped(ca, k) || dropped(cb, k))) merged.push(FUNNEL_STAGES[k]!);
    else kept.push(k);
  }
  if (merged.length > 0) {
    notes.push(`stages merged out (0 while a later stage is > 0): ${merged.join(', ')}`);
  }

  const factors: Factor[] = [];
  const first = kept[0]!;
  factors.push({
    key: COUNT_KEYS[first]!,
    lever: 'volume',
    label: `${STAGE_LABEL[FUNNEL_STAGES[first]!]} volume`,
    actual: ca[first]!,
    base: cb[first]!,
    endIndex: first,
  });

  const split = typeof actual.winRate === 'number' && typeof base.winRate === 'number' && kept.includes(4);
  if (!split && (typeof actual.winRate === 'number' || typeof base.winRate === 'number')) {
    notes.push('velocity not separated: winRate is needed on both sides (and opportunities not merged out)');
  }

  for (let i = 1; i < kept.length; i++) {
    const a = kept[i - 1]!;
    const b = kept[i]!;
    const rate = (c: number[]) => (c[a]! > 0 ? c[b]! / c[a]! : undefined);
    const [ra, rb] = carry(rate(ca), rate(cb));
    const linkKey = b === a + 1 ? STAGE_LINKS[a]! : `${FUNNEL_STAGES[a]}->${FUNNEL_STAGES[b]}`;
    const label = `${STAGE_LABEL[FUNNEL_STAGES[a]!]} → ${STAGE_LABEL[FUNNEL_STAGES[b]!]} ${FLOW_LABEL}`;
    if (split && a === 4 && b === 5) {
      const wa = actual.winRate as number;
      const wb = base.winRate as number;
      factors.push({
        key: `conversion:${linkKey}`,
        lever: 'conversion',
        label: 'win rate (won ÷ closed)',
        actual: wa,
        base: wb,
        endIndex: b,
      });
      const vel = (r: number | undefined, w: number) => (r === undefined || w === 0 ? undefined : r / w);
      const [va, vb] = carry(vel(rate(ca), wa), vel(rate(cb), wb));
      factors.push({
        key: 'velocity',
        lever: 'velocity',
        label: VELOCITY_LABEL,
        actual: va,
        base: vb,
        endIndex: b,
      });
    } else {
      factors.push({ key: `conversion:${linkKey}`, lever: 'conversion', label, actual: ra, base: rb, endIndex: b });
    }
  }

  const deal = (v: FunnelValues) => (v.wins > 0 ? (v.averageDealSize as number) : undefined);
  const [da, db] = carry(deal(actual), deal(base));
  factors.push({ key: 'average_deal_size', lever: 'deal_size', label: 'average deal size', actual: da, base: db, endIndex: 6 });
  return { factors, merged, notes };
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function shapleyEffects(factors: Factor[]): number[] {
  const out = factors.map(() => 0);
  const players: number[] = [];
  let constant = 1;
  factors.forEach((f, i) => {
    if (f.actual !== f.base) players.push(i);
    else constant *= f.actual;
  });
  const n = players.length;
  const nFact = factorial(n);
  const weight = Array.from({ length: n }, (_, s) => (factorial(s) * factorial(n - 1 - s)) / nFact);
  players.forEach((k, pk) => {
    const others = players.filter((_, j) => j !== pk);
    let sum = 0;
    for (let mask = 0; mask < 1 << others.length; mask++) {
      let v = 1;
      let size = 0;
      others.forEach((j, bit) => {
        if (mask & (1 << bit)) {
          v *= factors[j]!.actual;
          size++;
        } else v *= factors[j]!.base;
      });
      sum += weight[size]! * v;
    }
    out[k] = constant * (factors[k]!.actual - factors[k]!.base) * sum;
  });
  return out;
}

function sequentialEffects(factors: Factor[]): number[] {
  return factors.map((f, k) => {
    let v = f.actual - f.base;
    factors.forEach((g, j) => {
      if (j < k) v *= g.actual;
      else if (j > k) v *= g.base;
    });
    return v;
  });
}

export function decomposeRevenueGap(
  actual: FunnelValues,
  base: FunnelValues,
  options: { method?: DecompositionMethod } = {},
): GapDecomposition {
  checkValues(actual, 'actual');
  checkValues(base, 'base');
  const method = options.method ?? 'shapley';
  const { factors, merged, notes } = buildFactors(actual, base);
  const actualRevenue = revenueOf(actual);
  const baseRevenue = revenueOf(base);
  const gap = actualRevenue - baseRevenue;
  const newGap = newRevenueOf(actual) - newRevenueOf(base);

  const raw = method === 'shapley' ? shapleyEffects(factors) : sequentialEffects(factors);
  const residual = newGap - raw.reduce((s, v) => s + v, 0);
  const scale = Math.max(1, Math.abs(actualRevenue), Math.abs(baseRevenue));
  if (Math.abs(residual) > 1e-9 * scale) {
    throw new Error(`gap decomposition identity broken: residual ${residual} on a gap of ${gap}`);
  }
  if (residual !== 0) {
    let largest = 0;
    raw.forEach((v, i) => {
      if (Math.abs(v) > Math.abs(raw[largest]!)) largest = i;
    });
    raw[largest] = raw[largest]! + residual;
  }

  const effects: GapEffect[] = factors.map((f, i) => ({
    key: f.key,
    lever: f.lever,
    label: f.label,
    stage: FUNNEL_STAGES[f.endIndex] ?? null,
    base: f.base,
    actual: f.actual,
    effect: raw[i]!,
    shareOfGap: gap === 0 ? null : raw[i]! / gap,
  }));
  if (actual.recurringRevenue != null || base.recurringRevenue != null) {
    const effect = recurringOf(actual) - recurringOf(base);
    effects.push({
      key: 'recurring_revenue',
      lever: 'recurring',
      label: 'recurring revenue',
      stage: null,
      base: recurringOf(base),
      actual: recurringOf(actual),
      effect,
      shareOfGap: gap === 0 ? null : effect / gap,
    });
  }
  const byLever: Record<Lever, number> = { volume: 0, conversion: 0, velocity: 0, deal_size: 0, recurring: 0 };
  for (const e of effects) byLever[e.lever] += e.effect;

  let weakestLink: GapEffect | null = null;
  for (const e of effects) if (e.effect < 0 && (!weakestLink || e.effect < weakestLink.effect)) weakestLink = e;

  let channelEffects: Record<string, number> | null = null;
  if (factors[0]!.key === 'leads' && actual.leadsByChannel && base.leadsByChannel) {
    const volumeEffect = effects[0]!.effect;
    const dLeads = actual.leads - base.leads;
    const perLead =
      dLeads !== 0
        ? volumeEffect / dLeads
        : ((actual.leads > 0 ? newRevenueOf(actual) / actual.leads : 0) +
            (base.leads > 0 ? newRevenueOf(base) / base.leads : 0)) /
          2;
    channelEffects = {};
    const channels = new Set([...Object.keys(base.leadsByChannel), ...Object.keys(actual.leadsByChannel)]);
    for (const c of channels) {
      channelEffects[c] = ((actual.leadsByChannel[c] ?? 0) - (base.leadsByChannel[c] ?? 0)) * perLead;
    }
  }

  return {
    method,
    baseRevenue,
    actualRevenue,
    gap,
    effects,
    byLever,
    channelEffects,
    weakestLink,
    mergedStages: merged,
    notes,
    roundingResidual: residual,
  };
}

export interface KpiTreeInput {
  actual: FunnelValues;
  plan?: FunnelValues;
  previous?: FunnelValues;
  yearAgo?: FunnelValues;
  method?: DecompositionMethod;
}

export type NodeUnit = 'JPY' | 'count' | 'ratio' | 'days';

export interface KpiNode {
  key: string;
  parent: string | null;
  label: string;
  labelJa: string;
  unit: NodeUnit;
  /** How the node is computed from its children. */
  formula: string | null;
  /** What the node means, where its label cannot say it (the velocity factor). */
  note: string | null;
  noteJa: string | null;
  actual: number | null;
  plan: number | null;
  previous: number | null;
  yearAgo: number | null;
  /** actual − comparison (null when either is missing). */
  delta: Record<Comparison, number | null>;
  /** Revenue effect of this node's change (subtree sum for volume nodes). */
  effect: Record<Comparison, number | null>;
  shareOfGap: Record<Comparison, number | null>;
}

export interface KpiTree {
  nodes: KpiNode[];
  gaps: Partial<Record<Comparison, GapDecomposition>>;
  weakestLink: Record<Comparison, GapEffect | null>;
}

interface NodeSpec extends Pick<KpiNode, 'key' | 'parent' | 'label' | 'labelJa' | 'unit' | 'formula'> {
  note?: string;
  noteJa?: string;
  value: (v: FunnelValues) => number | null;
  effect: (g: GapDecomposition) => number | null;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** Revenue effect of everything that moves the volume of stage index k. */
function upstreamEffect(g: GapDecomposition, k: number): number {
  return g.effects.filter((e) => e.stage !== null && FUNNEL_STAGES.indexOf(e.stage) <= k).reduce((s, e) => s + e.effect, 0);
}

function nodeSpecs(input: KpiTreeInput, split: boolean): NodeSpec[] {
  const specs: NodeSpec[] = [];
  const stageJa: Record<FunnelStage, string> = {
    lead: 'リード',
    mql: 'MQL',
    sal: 'SAL',
    sql: 'SQL',
    opportunity: '商談',
    won: '受注',
  };
  const countJa: Record<CountKey, string> = {
    leads: '見込み客数 (リード)',
    mql: '有望見込み客数 (MQL)',
    sal: 'IS受入数 (SAL)',
    sql: '商談化数 (SQL)',
    opportunities: '新規商談数',
    wins: '新規受注件数',
  };
  const countLabel: Record<CountKey, string> = {
    leads: 'leads',
    mql: 'MQL',
    sal: 'SAL',
    sql: 'SQL',
    opportunities: 'new opportunities',
    wins: 'new wins',
  };
  const effectOf = (key: string) => (g: GapDecomposition) => g.effects.find((e) => e.key === key)?.effect ?? null;

  specs.push({
    key: 'revenue',
    parent: null,
    label: 'revenue',
    labelJa: '受注金額',
    unit: 'JPY',
    formula: 'new_business_revenue + recurring_revenue',
    value: revenueOf,
    effect: (g) => g.gap,
  });
  specs.push({
    key: 'new_business_revenue',
    parent: 'revenue',
    label: 'new-business revenue',
    labelJa: '新規受注金額',
    unit: 'JPY',
    formula: 'wins × average_deal_size',
    value: newRevenueOf,
    effect: (g) => g.effects.filter((e) => e.lever !== 'recurring').reduce((s, e) => s + e.effect, 0),
  });
  specs.push({
    key: 'recurring_revenue',
    parent: 'revenue',
    label: 'recurring revenue (renewals, upsell, cross-sell)',
    labelJa: '継続受注金額 (更新・アップセル・クロスセル)',
    unit: 'JPY',
    formula: null,
    value: recurringOf,
    effect: effectOf('recurring_revenue'),
  });
  specs.push({
    key: 'average_deal_size',
    parent: 'new_business_revenue',
    label: 'average new deal size',
    labelJa: '新規平均受注単価',
    unit: 'JPY',
    formula: null,
    value: (v) => (v.wins > 0 ? v.averageDealSize : null),
    effect: effectOf('average_deal_size'),
  });
  for (let k = 5; k >= 0; k--) {
    const key = COUNT_KEYS[k]!;
    const stage = FUNNEL_STAGES[k]!;
    const parent = k === 5 ? 'new_business_revenue' : COUNT_KEYS[k + 1]!;
    const formula =
      k === 0
        ? input.actual.leadsByChannel
          ? 'Σ leads per channel'
          : null
        : k === 5 && split
          ? 'opportunities × win rate × velocity'
          : `${COUNT_KEYS[k - 1]} × conversion:${STAGE_LINKS[k - 1]}`;
    specs.push({
      key,
      parent,
      label: countLabel[key],
      labelJa: countJa[key],
      unit: 'count',
      formula,
      value: (v) => v[key],
      effect: (g) => (g.mergedStages.includes(stage) ? null : upstreamEffect(g, k)),
    });
    if (k === 5) {
      specs.push({
        key: 'conversion:opportunity->won',
        parent: 'wins',
        label: split ? 'win rate (won ÷ closed)' : `opportunity → won ${FLOW_LABEL}`,
        labelJa: split ? '受注率 (受注 ÷ クローズ)' : `商談→受注 ${FLOW_LABEL_JA}`,
        unit: 'ratio',
        formula: null,
        value: (v) => (split ? (v.winRate ?? null) : ratio(v.wins, v.opportunities)),
        effect: effectOf('conversion:opportunity->won'),
      });
      if (split) {
        specs.push({
          key: 'velocity',
          parent: 'wins',
          label: VELOCITY_LABEL,
          labelJa: '速度係数 (クローズ ÷ 商談)',
          unit: 'ratio',
          formula: 'wins ÷ (opportunities × win rate)',
          note: VELOCITY_NOTE,
          noteJa: VELOCITY_NOTE_JA,
          value: (v) =>
            typeof v.winRate === 'number' && v.winRate > 0 && v.opportunities > 0 ? v.wins / (v.opportunities * v.winRate) : null,
          effect: effectOf('velocity'),
        });
        const periods = [input.actual, input.plan, input.previous, input.yearAgo];
        if (periods.some((p) => p?.salesCycleDays != null)) {
          specs.push({
            key: 'sales_cycle_days',
            parent: 'velocity',
            label: 'sales cycle (days)',
            labelJa: '営業サイクル (日)',
            unit: 'days',
            formula: null,
            value: (v) => v.salesCycleDays ?? null,
            effect: () => null,
          });
        }
      }
    } else if (k >= 1) {
      const linkKey = STAGE_LINKS[k - 1]!;
      const from = FUNNEL_STAGES[k - 1]!;
      specs.push({
        key: `conversion:${linkKey}`,
        parent: key,
        label: `${STAGE_LABEL[from]} → ${STAGE_LABEL[stage]} ${FLOW_LABEL}`,
        labelJa: `${stageJa[from]}→${stageJa[stage]} ${FLOW_LABEL_JA}`,
        unit: 'ratio',
        formula: null,
        value: (v) => ratio(v[key], v[COUNT_KEYS[k - 1]!]),
        effect: effectOf(`conversion:${linkKey}`),
      });
    }
  }
  const channels = new Set<string>();
  for (const p of [input.actual, input.plan, input.previous, input.yearAgo]) {
    for (const c of Object.keys(p?.leadsByChannel ?? {})) channels.add(c);
  }
  for (const c of channels) {
    specs.push({
      key: `leads:${c}`,
      parent: 'leads',
      label: `leads: ${c}`,
      labelJa: `リード: ${c}`,
      unit: 'count',
      formula: null,
      value: (v) => (v.leadsByChannel ? (v.leadsByChannel[c] ?? 0) : null),
      effect: (g) => g.channelEffects?.[c] ?? null,
    });
  }
  return specs;
}

export function kpiTree(input: KpiTreeInput): KpiTree {
  const gaps: Partial<Record<Comparison, GapDecomposition>> = {};
  for (const c of COMPARISONS) {
    const base = input[c];
    if (base) gaps[c] = decomposeRevenueGap(input.actual, base, { method: input.method ?? 'shapley' });
  }
  if (Object.keys(gaps).length === 0) checkValues(input.actual, 'actual');
  const split = typeof input.actual.winRate === 'number';
  const nodes: KpiNode[] = nodeSpecs(input, split).map((s) => {
    const actual = s.value(input.actual);
    const node: KpiNode = {
      key: s.key,
      parent: s.parent,
      label: s.label,
      labelJa: s.labelJa,
      unit: s.unit,
      formula: s.formula,
      note: s.note ?? null,
      noteJa: s.noteJa ?? null,
      actual,
      plan: input.plan ? s.value(input.plan) : null,
      previous: input.previous ? s.value(input.previous) : null,
      yearAgo: input.yearAgo ? s.value(input.yearAgo) : null,
      delta: { plan: null, previous: null, yearAgo: null },
      effect: { plan: null, previous: null, yearAgo: null },
      shareOfGap: { plan: null, previous: null, yearAgo: null },
    };
    const flow = s.key.startsWith('conversion:') && !(split && s.key === 'conversion:opportunity->won');
    if (flow && [node.actual, node.plan, node.previous, node.yearAgo].some((v) => v !== null && v > 1)) {
      node.label = s.label.replace(FLOW_LABEL, FLOW_RATIO_LABEL);
      node.labelJa = s.labelJa.replace(FLOW_LABEL_JA, FLOW_RATIO_LABEL_JA);
    }
    for (const c of COMPARISONS) {
      const other = node[c];
      node.delta[c] = actual !== null && other !== null ? actual - other : null;
      const g = gaps[c];
      if (!g) continue;
      const e = s.effect(g);
      node.effect[c] = e;
      node.shareOfGap[c] = e !== null && g.gap !== 0 ? e / g.gap : null;
    }
    return node;
  });
  return {
    nodes,
    gaps,
    weakestLink: {
      plan: gaps.plan?.weakestLink ?? null,
      previous: gaps.previous?.weakestLink ?? null,
      yearAgo: gaps.yearAgo?.weakestLink ?? null,
    },
  };
}
