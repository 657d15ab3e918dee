/*
 * Names of the codes the data uses (stages, channels, attribution models,
 * segments, personas, …) in Japanese and English. A code the dictionary does
 * not know (a user-defined stage, a new channel) is shown as it is.
 * Stages, channels, touch types and deal types are named by the contract's
 * vocabulary (server/contract/vocabulary.ts, the rows the bundled seeds are
 * written from), so the defaults are named from the first paint; the served
 * warehouse's `channels` and `stages` views replace them once the settings
 * provider has loaded them, so a company's own channel is named as its
 * channels.csv names it.
 */
// The contract's modules, not its index: the index brings the plan and action schemas (zod) into every page.
import {
  CHANNEL_DEFINITIONS,
  DEAL_TYPE_DEFINITIONS,
  FUNNEL_STAGES,
  STAGE_DEFINITIONS,
  TOUCH_TYPE_DEFINITIONS,
} from '../../../server/contract/vocabulary';
import { ATTRIBUTION_MODELS } from '../../../server/contract/attribution';
import type { Locale } from '../lib/format';

type Dict = Record<string, { ja: string; en: string }>;

export const STAGE_ORDER = FUNNEL_STAGES;

const STAGES: Dict = Object.fromEntries(STAGE_DEFINITIONS.map((s) => [s.stage, { ja: s.shortJa, en: s.shortEn }]));

const STAGES_LONG: Dict = Object.fromEntries(STAGE_DEFINITIONS.map((s) => [s.stage, { ja: s.longJa, en: s.longEn }]));

/** The one code the marts write that is not a channel: a conversion without a touch. */
const NO_CHANNEL: Dict = {
  '(none)': { ja: '(タッチなし)', en: '(no touch)' },
};

export const MODELS = ATTRIBUTION_MODELS;

const MODEL_NAMES: Dict = {
  first_touch: { ja: 'ファーストタッチ', en: 'First touch' },
  last_touch: { ja: 'ラストタッチ', en: 'Last touch' },
  linear: { ja: '線形', en: 'Linear' },
  u_shaped: { ja: 'U字型', en: 'U-shaped' },
  w_shaped: { ja: 'W字型', en: 'W-shaped' },
  time_decay: { ja: '減衰', en: 'Time decay' },
  data_driven: { ja: 'データドリブン', en: 'Data-driven' },
};

const MISC: Dict = {
  // deal types
  ...Object.fromEntries(DEAL_TYPE_DEFINITIONS.map((d) => [d.dealType, { ja: d.labelJa, en: d.labelEn }])),
  // teams
  marketing: { ja: 'マーケティング', en: 'Marketing' },
  inside_sales: { ja: 'インサイドセールス', en: 'Inside sales' },
  sales: { ja: '営業', en: 'Sales' },
  // levers
  volume: { ja: '量 (ボリューム)', en: 'Volume' },
  conversion: { ja: '転換率', en: 'Conversion' },
  velocity: { ja: '速度', en: 'Velocity' },
  deal_size: { ja: '受注単価', en: 'Deal size' },
  // industries
  construction: { ja: '建設', en: 'Construction' },
  finance: { ja: '金融', en: 'Finance' },
  healthcare: { ja: '医療・ヘルスケア', en: 'Healthcare' },
  it_services: { ja: 'IT・情報サービス', en: 'IT services' },
  logistics: { ja: '物流', en: 'Logistics' },
  manufacturing: { ja: '製造', en: 'Manufacturing' },
  professional_services: { ja: '専門サービス', en: 'Professional services' },
  retail: { ja: '小売', en: 'Retail' },
  // company size
  '1-49': { ja: '1–49名', en: '1–49 employees' },
  '50-299': { ja: '50–299名', en: '50–299 employees' },
  '300-999': { ja: '300–999名', en: '300–999 employees' },
  '1000+': { ja: '1,000名以上', en: '1,000+ employees' },
  // personas
  department_head: { ja: '部門長', en: 'Department head' },
  executive: { ja: '経営層', en: 'Executive' },
  field_staff: { ja: '現場担当', en: 'Field staff' },
  it_admin: { ja: '情報システム', en: 'IT admin' },
  procurement: { ja: '購買', en: 'Procurement' },
  // sales teams
  east_team: { ja: '東日本チーム', en: 'East team' },
  west_team: { ja: '西日本チーム', en: 'West team' },
  enterprise_team: { ja: 'エンタープライズチーム', en: 'Enterprise team' },
  // lost reasons
  competitor: { ja: '競合', en: 'Competitor' },
  feature_gap: { ja: '機能不足', en: 'Feature gap' },
  no_decision: { ja: '見送り', en: 'No decision' },
  price: { ja: '価格', en: 'Price' },
  timing: { ja: '時期', en: 'Timing' },
  // segments
  all: { ja: '全体', en: 'All' },
  industry: { ja: '業種', en: 'Industry' },
  employee_band: { ja: '従業員規模', en: 'Company size' },
};

/** Stage names, order and SLA from the `stages` view (seeds/stages.csv), once loaded. */
export interface StageInfo {
  stage: string;
  order: number;
  labelJa: string | null;
  labelEn: string | null;
  slaDays: number | null;
  isFunnel: boolean;
  team: string | null;
}

let catalog = new Map<string, StageInfo>();

/** A channel's names from the `channels` view. */
export interface ChannelInfo {
  channel: string;
  labelJa: string | null;
  labelEn: string | null;
}

const channelDict = (channels: ChannelInfo[]): Dict => ({
  ...NO_CHANNEL,
  ...Object.fromEntries(channels.map((c) => [c.channel, { ja: c.labelJa || c.channel, en: c.labelEn || c.channel }])),
});

let channelNames: Dict = channelDict([...CHANNEL_DEFINITIONS]);

/** Called by the settings provider when the channels view has loaded. */
export function setChannelCatalog(channels: ChannelInfo[]): void {
  if (channels.length) channelNames = channelDict(channels);
}

/** Called by the settings provider when the stages view has loaded. */
export function setStageCatalog(stages: StageInfo[]): void {
  catalog = new Map(stages.map((s) => [s.stage, s]));
}

export function stageInfo(stage: string): StageInfo | undefined {
  return catalog.get(stage);
}

function pick(dict: Dict, code: string | null | undefined, locale: Locale): string {
  if (code === null || code === undefined || code === '') return '–';
  return dict[code]?.[locale] ?? code;
}

/**
 * A stage's name: the built-in short name for the six default stages (so
 * charts stay compact), else the label from stages.csv, else the code.
 */
export function stageLabel(code: string | null | undefined, locale: Locale, long = false): string {
  if (code && !(code in STAGES)) {
    const info = catalog.get(code);
    const label = locale === 'ja' ? info?.labelJa : info?.labelEn;
    if (label) return label;
  }
  return pick(long ? { ...STAGES, ...STAGES_LONG } : STAGES, code, locale);
}
export const channelLabel = (code: string | null | undefined, locale: Locale) => pick(channelNames, code, locale);
export const modelLabel = (code: string | null | undefined, locale: Locale) => pick(MODEL_NAMES, code, locale);
export const codeLabel = (code: string | null | undefined, locale: Locale) => pick(MISC, code, locale);

// Touch types are named by the contract's vocabulary (no view publishes them yet).
const touchTypeNames: Dict = Object.fromEntries(
  TOUCH_TYPE_DEFINITIONS.map((t) => [t.touchType, { ja: t.labelJa, en: t.labelEn }]),
);
export const touchTypeLabel = (code: string | null | undefined, locale: Locale) => pick(touchTypeNames, code, locale);

/** 'lead->mql' / 'lead→mql' / 'lead_to_mql' → 見込み客 → MQL */
export function pairLabel(pair: string, locale: Locale): string {
  const parts = pair.split(/->|→|_to_/);
  if (parts.length !== 2) return pair;
  return `${stageLabel(parts[0], locale)} → ${stageLabel(parts[1], locale)}`;
}

export function stageRank(stage: string): number {
  const info = catalog.get(stage);
  if (info) return info.order;
  const i = (STAGE_ORDER as readonly string[]).indexOf(stage);
  return i === -1 ? 100 : i + 1;
}
