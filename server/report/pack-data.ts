/*
 * The meeting pack's figures (docs/schedules.md, "The meeting pack"), read
 * through the Cube API as any client reads them, so the pack shows the
 * numbers the board, the review page and the API show:
 *
 * - KGI against the plan to date: the KPI tree's headline nodes (kpi_tree,
 *   the review page's comparison table): actual, plan to date, previous
 *   period and year ago on like windows (docs/metrics.md, definition 17;
 *   server/contract/period-windows.ts), and the full-period plan;
 * - the landing forecast of revenue (landing_forecast, definition 18) for
 *   the period holding as-of, with its 80 % interval and the straight-line
 *   pace, as the board shows it;
 * - the funnel by team: the tree's count nodes (velocity-lagged stage
 *   volumes, definition 12) against plan, grouped by the team owning each
 *   stage (stages.csv); the backlog by team and the top SLA breaches from
 *   backlog_leads (definition 4, as the SLA schedules send them);
 * - the biggest movers of the gap against plan (definition 14, the review
 *   page's movers: lib/sum-levers.ts) and the gap summed by lever;
 * - the actions due (within DUE_SOON_DAYS of the meeting day) or overdue,
 *   with their KPI before and after the action's start
 *   (lib/compare-action-windows.ts, as the action log shows it).
 *
 * The dashboard's pure helpers (period keys, movers, action windows) are
 * imported from dashboard/src/lib, where the review page uses them.
 */
import type { Action } from '../contract/actions.js';
import { HEADLINE_NODES, RELATIVE_PERIODS, type PackLanguage } from '../contract/meeting-pack.js';
import { STAGE_OF_COUNT } from '../contract/funnel.js';
import { periodWindows, type PeriodWindows } from '../contract/period-windows.js';
import type { CubeLoad, CubeRow } from '../deliver/cube-load.js';
import { backlogByTeam, currentBreaches, type Breach, type TeamBacklog } from '../deliver/sla-messages.js';
import type { Comparison, KpiTreeNode } from '../../dashboard/src/lib/build-kpi-tree.js';
import { actionWindows, movement, windowMean, type Movement } from '../../dashboard/src/lib/compare-action-windows.js';
import { fiscalQuarterOf, fiscalYearOf, type Unit } from '../../dashboard/src/lib/format.js';
import { resolvePeriod, type ResolvedPeriod } from '../../dashboard/src/lib/resolve-period.js';
import { biggestMovers, sumByLever, type Lever } from '../../dashboard/src/lib/sum-levers.js';

/** Actions due within this many days of the meeting day count as due. */
export const DUE_SOON_DAYS = 7;
/** SLA breaches listed (oldest breach first); the rest are counted. */
export const LISTED_BREACHES = 10;
/** Movers of the gap listed. */
export const LISTED_MOVERS = 6;
/** Actions listed; the rest are counted. */
export const LISTED_ACTIONS = 10;

const PERIOD_TYPE = { year: 'fiscal_year', quarter: 'fiscal_quarter', month: 'month' } as const;
const UNITS: Record<string, Unit> = { JPY: 'JPY', count: 'count', ratio: 'ratio', days: 'days' };

export class PackInputError extends Error {}

export interface PackSettings {
  asOf: string;
  fiscalStartMonth: number;
  currency: string;
  timeZone: string;
  /** settings.csv `language` (ja | en), when the data sets one. */
  language: PackLanguage | null;
}

export interface PackKpi {
  key: string;
  label: string;
  unit: Unit;
  actual: number | null;
  /** Plan to date while the period runs, else the whole period's. */
  plan: number | null;
  planFull: number | null;
  previous: number | null;
  yearAgo: number | null;
}

export interface PackLanding {
  forecast: number;
  low: number | null;
  high: number | null;
  pace: number | null;
}

export interface PackFunnelStage {
  stage: string;
  label: string;
  node: string;
  actual: number | null;
  plan: number | null;
}

export interface PackMover {
  key: string;
  label: string;
  lever: string | null;
  effect: number;
  share: number | null;
  weakest: boolean;
}

export interface PackAction {
  id: string;
  action: string;
  owner: string;
  team: string | null;
  dueDate: string;
  status: Action['status'];
  overdue: boolean;
  kpiNode: string | null;
  startDate: string | null;
  kpiLabel: string | null;
  unit: Unit | null;
  before: number | null;
  after: number | null;
  movement: Movement | null;
  /** 'YYYY-MM-01' months of the before and after windows, null without a start date or a complete month since. */
  windows: { before: string[]; after: string[] } | null;
}

/** A month of the fiscal year holding the period: revenue won and the revenue target (the board's chart). */
export interface PackMonth {
  /** 'YYYY-MM-01' */
  month: string;
  /** Null for a month after as-of. */
  actual: number | null;
  target: number | null;
}

export interface PackData {
  lang: PackLanguage;
  period: ResolvedPeriod;
  windows: PeriodWindows;
  settings: PackSettings;
  /** The meeting day actions are judged against ('YYYY-MM-DD' in the settings' zone). */
  today: string;
  kgi: PackKpi[];
  /** The fiscal year's months, revenue against target, as the board's revenue card draws them. */
  months: PackMonth[];
  /** Revenue's landing forecast while the period runs; null for a closed period (it has landed: its actual). */
  landing: PackLanding | null;
  funnel: { team: string; stages: PackFunnelStage[] }[];
  backlog: TeamBacklog[];
  breaches: { total: number; listed: (Breach & { stageLabel: string })[] };
  gap: { base: number | null; actual: number | null; byLever: Record<Lever, number>; movers: PackMover[] };
  actions: { total: number; listed: PackAction[] };
}

const str = (r: CubeRow | undefined, m: string) => (r && r[m] !== null && r[m] !== undefined ? String(r[m]) : null);
const num = (r: CubeRow | undefined, m: string) => {
  const v = r?.[m];
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
const bool = (r: CubeRow, m: string) => r[m] === true || r[m] === 'true';

/** The day of `at` in `zone`, 'YYYY-MM-DD'. */
export function dayIn(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export async function loadSettings(load: CubeLoad): Promise<PackSettings> {
  const rows = await load({ dimensions: ['settings.key', 'settings.value'] });
  const kv = new Map(rows.map((r) => [String(r['settings.key']), String(r['settings.value'] ?? '')]));
  const zone = kv.get('time_zone') || kv.get('timezone') || 'Asia/Tokyo';
  let asOf = kv.get('as_of')?.slice(0, 10);
  if (!asOf) {
    // as the dashboard does without an as_of setting: the latest day a lead reached a stage
    const latest = await load({
      measures: ['stage_reach.leads'],
      timeDimensions: [{ dimension: 'stage_reach.reached_at', granularity: 'day' }],
      order: { 'stage_reach.reached_at': 'desc' },
      limit: 1,
      timezone: zone,
    });
    asOf = str(latest[0], 'stage_reach.reached_at.day')?.slice(0, 10) ?? dayIn(new Date(), zone);
  }
  const start = Number(kv.get('fiscal_year_start_month'));
  const language = kv.get('language');
  return {
    asOf,
    fiscalStartMonth: Number.isInteger(start) && start >= 1 && start <= 12 ? start : 4,
    currency: kv.get('currency') || 'JPY',
    timeZone: zone,
    language: language === 'ja' || language === 'en' ? language : null,
  };
}

/** A period key, or the month / quarter / year holding as-of. Throws PackInputError for anything else. */
export function resolvePackPeriod(period: string, settings: Pick<PackSettings, 'asOf' | 'fiscalStartMonth'>): ResolvedPeriod {
  const { asOf, fiscalStartMonth: s } = settings;
  let key = period;
  if ((RELATIVE_PERIODS as readonly string[]).includes(period)) {
    const fy = fiscalYearOf(asOf, s);
    key = period === 'month' ? asOf.slice(0, 7) : period === 'quarter' ? `FY${fy}-Q${fiscalQuarterOf(asOf, s)}` : `FY${fy}`;
  }
  try {
    return resolvePeriod(key, s);
  } catch {
    throw new PackInputError(
      `period "${period}" is not a period: give FY2026, FY2026-Q3, 2026-11, or month, quarter or year (the one holding as-of)`,
    );
  }
}

function nodeLabel(r: CubeRow, lang: PackLanguage, channelLabels: Map<string, string>): string {
  const node = str(r, 'kpi_tree.node') ?? '';
  if (node.startsWith('leads:')) {
    const channel = node.slice(6);
    return `${lang === 'ja' ? 'リード' : 'Leads'}: ${channelLabels.get(channel) ?? channel}`;
  }
  if (lang === 'ja') return str(r, 'kpi_tree.label_ja') ?? node;
  const en = str(r, 'kpi_tree.label') ?? node;
  return en.charAt(0).toUpperCase() + en.slice(1);
}

/** The kpi_tree rows of the period as the review page reads them (its useKpiTreeRows query). */
async function treeNodes(load: CubeLoad, period: ResolvedPeriod, lang: PackLanguage, channelLabels: Map<string, string>) {
  const rows = await load({
    dimensions: ['node', 'parent', 'label', 'label_ja', 'unit', 'lever', 'sort_order', 'is_weakest_link_vs_plan'].map(
      (d) => `kpi_tree.${d}`,
    ),
    measures: ['actual', 'plan', 'plan_full', 'previous', 'year_ago', 'gap_effect_vs_plan', 'share_of_gap_vs_plan'].map(
      (m) => `kpi_tree.${m}`,
    ),
    timeDimensions: [{ dimension: 'kpi_tree.fiscal_month', dateRange: [period.start, period.start] }],
    filters: [{ member: 'kpi_tree.period_type', operator: 'equals', values: [PERIOD_TYPE[period.kind]] }],
    order: { 'kpi_tree.sort_order': 'asc' },
  });
  return rows.map((r): KpiTreeNode => ({
    key: str(r, 'kpi_tree.node') ?? '',
    parent: str(r, 'kpi_tree.parent'),
    label: nodeLabel(r, lang, channelLabels),
    unit: UNITS[str(r, 'kpi_tree.unit') ?? ''] ?? 'number',
    actual: num(r, 'kpi_tree.actual'),
    plan: num(r, 'kpi_tree.plan'),
    planFull: num(r, 'kpi_tree.plan_full'),
    previous: num(r, 'kpi_tree.previous'),
    yearAgo: num(r, 'kpi_tree.year_ago'),
    effect: {},
    gapEffect: { plan: num(r, 'kpi_tree.gap_effect_vs_plan') },
    shareOfGap: { plan: num(r, 'kpi_tree.share_of_gap_vs_plan') },
    weakest: { plan: bool(r, 'kpi_tree.is_weakest_link_vs_plan') },
    lever: str(r, 'kpi_tree.lever'),
    sortOrder: num(r, 'kpi_tree.sort_order'),
  }));
}

async function landingOf(load: CubeLoad, period: ResolvedPeriod, windows: PeriodWindows): Promise<PackLanding | null> {
  if (!windows.isPartial || windows.elapsedDays === 0) return null;
  const rows = await load({
    measures: ['forecast', 'forecast_low', 'forecast_high', 'pace'].map((m) => `landing_forecast.${m}`),
    dimensions: ['landing_forecast.period_type', 'landing_forecast.period_start'],
    filters: [
      { member: 'landing_forecast.metric', operator: 'equals', values: ['revenue'] },
      { member: 'landing_forecast.period_type', operator: 'equals', values: [PERIOD_TYPE[period.kind]] },
    ],
  });
  // the view holds the periods holding as-of: the one starting where this period starts
  const r = rows.find((x) => str(x, 'landing_forecast.period_start')?.slice(0, 10) === period.start) ?? null;
  const forecast = r ? num(r, 'landing_forecast.forecast') : null;
  if (!r || forecast === null) return null;
  return {
    forecast,
    low: num(r, 'landing_forecast.forecast_low'),
    high: num(r, 'landing_forecast.forecast_high'),
    pace: num(r, 'landing_forecast.pace'),
  };
}

/** The board's revenue card query: won amount by closed month and the revenue target by fiscal month, for the fiscal year. */
async function monthsOf(load: CubeLoad, period: ResolvedPeriod, settings: PackSettings): Promise<PackMonth[]> {
  const fy = resolvePeriod(`FY${period.fiscalYear}`, settings.fiscalStartMonth);
  const [won, targets] = await Promise.all([
    load({
      measures: ['deals.won_amount'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month', dateRange: [fy.start, fy.end] }],
    }),
    load({
      measures: ['targets.target'],
      timeDimensions: [{ dimension: 'targets.fiscal_month', granularity: 'month', dateRange: [fy.start, fy.end] }],
      filters: [{ member: 'targets.metric', operator: 'equals', values: ['revenue'] }],
    }),
  ]);
  const at = (list: CubeRow[], key: string, m: string) => list.find((r) => String(r[key] ?? '').slice(0, 7) === m.slice(0, 7));
  return fy.months.map((month) => ({
    month,
    actual: month <= settings.asOf ? (num(at(won, 'deals.closed_at.month', month), 'deals.won_amount') ?? 0) : null,
    target: num(at(targets, 'targets.fiscal_month.month', month), 'targets.target'),
  }));
}

async function stagesOf(load: CubeLoad, lang: PackLanguage) {
  const rows = await load({
    dimensions: ['stages.stage', 'stages.stage_order', 'stages.team', `stages.label_${lang}`],
    order: { 'stages.stage_order': 'asc' },
  });
  return rows.map((r) => ({
    stage: str(r, 'stages.stage') ?? '',
    team: str(r, 'stages.team') ?? '',
    label: str(r, `stages.label_${lang}`) ?? str(r, 'stages.stage') ?? '',
  }));
}

async function channelLabelsOf(load: CubeLoad, lang: PackLanguage): Promise<Map<string, string>> {
  const rows = await load({ dimensions: ['channels.channel', `channels.label_${lang}`] });
  return new Map(rows.map((r) => [str(r, 'channels.channel') ?? '', str(r, `channels.label_${lang}`) ?? '']));
}

/** One action's KPI before and after its start: the action log's reading (ActionKpiEffect). */
async function actionEffect(load: CubeLoad, a: Action, asOf: string) {
  const windows = a.startDate ? actionWindows(a.startDate, asOf) : null;
  if (!windows || !a.kpiNode) return { before: null, after: null, unit: null, windows: null };
  const rows = await load({
    measures: ['kpi_tree.actual'],
    dimensions: ['kpi_tree.unit'],
    timeDimensions: [
      { dimension: 'kpi_tree.fiscal_month', granularity: 'month', dateRange: [windows.before.start, windows.after.end] },
    ],
    filters: [
      { member: 'kpi_tree.period_type', operator: 'equals', values: ['month'] },
      { member: 'kpi_tree.node', operator: 'equals', values: [a.kpiNode] },
    ],
  });
  const byMonth = new Map(
    rows.map((r) => [String(r['kpi_tree.fiscal_month.month'] ?? '').slice(0, 10), num(r, 'kpi_tree.actual')]),
  );
  const unit = (UNITS[str(rows[0], 'kpi_tree.unit') ?? ''] ?? null) as Unit | null;
  return {
    before: windowMean(windows.before, (m) => byMonth.get(m) ?? null),
    after: windowMean(windows.after, (m) => byMonth.get(m) ?? null),
    unit,
    windows: { before: windows.before.months, after: windows.after.months },
  };
}

/** Open actions due by the meeting day + DUE_SOON_DAYS, overdue first, then by due date. */
export function dueActions(actions: Action[], today: string): Action[] {
  const horizon = new Date(Date.parse(`${today}T00:00:00Z`) + DUE_SOON_DAYS * 86_400_000).toISOString().slice(0, 10);
  return actions
    .filter((a) => a.status !== 'done' && a.dueDate !== null && a.dueDate <= horizon)
    .sort((a, b) => a.dueDate!.localeCompare(b.dueDate!) || a.id.localeCompare(b.id));
}

export interface CollectOptions {
  /** A period key or month | quarter | year. */
  period: string;
  /** ja | en; default the settings' language, else ja. */
  lang?: PackLanguage;
  /** The action log's entries the reader may see. */
  actions: Action[];
  /** The meeting day (default: today in the settings' zone). */
  now?: Date;
}

export async function collectPack(load: CubeLoad, opts: CollectOptions): Promise<PackData> {
  const settings = await loadSettings(load);
  const lang = opts.lang ?? settings.language ?? 'ja';
  const period = resolvePackPeriod(opts.period, settings);
  const windows = periodWindows(period.kind, period.start, settings.asOf);
  const today = dayIn(opts.now ?? new Date(), settings.timeZone);
  const channelLabels = await channelLabelsOf(load, lang);
  const [nodes, months, landing, stages, backlog, breaches] = await Promise.all([
    treeNodes(load, period, lang, channelLabels),
    monthsOf(load, period, settings),
    landingOf(load, period, windows),
    stagesOf(load, lang),
    backlogByTeam(load),
    currentBreaches(load),
  ]);
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const kpi = (n: KpiTreeNode): PackKpi => ({
    key: n.key,
    label: n.label,
    unit: n.unit,
    actual: n.actual,
    plan: n.plan,
    planFull: n.planFull ?? null,
    previous: n.previous,
    yearAgo: n.yearAgo,
  });
  const kgi = HEADLINE_NODES.map((k) => byKey.get(k))
    .filter((n): n is KpiTreeNode => !!n)
    .map(kpi);

  const stageInfo = new Map(stages.map((s) => [s.stage, s]));
  const funnelStages = Object.entries(STAGE_OF_COUNT)
    .map(([node, stage]) => ({ node, stage, n: byKey.get(node), info: stageInfo.get(stage) }))
    .filter((x) => x.n && x.info);
  const teams = [...new Set(funnelStages.map((x) => x.info!.team))];
  const funnel = teams.map((team) => ({
    team,
    stages: funnelStages
      .filter((x) => x.info!.team === team)
      .map((x) => ({ stage: x.stage, label: x.info!.label, node: x.node, actual: x.n!.actual, plan: x.n!.plan })),
  }));

  const comparison: Comparison = 'plan';
  const revenue = byKey.get('revenue');
  const movers = biggestMovers(nodes, comparison, LISTED_MOVERS).map((n) => ({
    key: n.key,
    label: n.label,
    lever: n.lever ?? null,
    effect: n.gapEffect![comparison]!,
    share: n.shareOfGap[comparison] ?? null,
    weakest: n.weakest?.[comparison] === true,
  }));

  const due = dueActions(opts.actions, today);
  const listed = await Promise.all(
    due.slice(0, LISTED_ACTIONS).map(async (a): Promise<PackAction> => {
      const e = await actionEffect(load, a, settings.asOf);
      return {
        id: a.id,
        action: a.action,
        owner: a.owner,
        team: a.team ?? null,
        dueDate: a.dueDate!,
        status: a.status,
        overdue: a.dueDate! < today,
        kpiNode: a.kpiNode,
        startDate: a.startDate,
        kpiLabel: a.kpiNode ? (byKey.get(a.kpiNode)?.label ?? a.kpiNode) : null,
        unit: e.unit,
        before: e.before,
        after: e.after,
        movement: movement(e.before, e.after, e.unit),
        windows: e.windows,
      };
    }),
  );

  return {
    lang,
    period,
    windows,
    settings,
    today,
    kgi,
    months,
    landing,
    funnel,
    backlog,
    breaches: {
      total: breaches.length,
      listed: breaches.slice(0, LISTED_BREACHES).map((b) => ({ ...b, stageLabel: stageInfo.get(b.stage)?.label ?? b.stage })),
    },
    gap: { base: revenue?.plan ?? null, actual: revenue?.actual ?? null, byLever: sumByLever(nodes, comparison), movers },
    actions: { total: due.length, listed },
  };
}
