/*
 * Settings the whole dashboard depends on: fiscal year start month and
 * currency (from the `settings` seed, through a `settings` view when the
 * semantic layer publishes one), the data's as_of day, and the first day
 * with data (for the period picker).
 *
 * as_of: the settings value when published; otherwise the latest day a lead
 * reached any stage (stage_reach.reached_at), which is the data's "today".
 * Defaults when nothing is published: the contract's SETTING_DEFAULTS
 * (server/contract/vocabulary.ts): April start, JPY, Asia/Tokyo.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { CubeApi, Query, ResultSet } from '@cubejs-client/core';
import { askLoad, useAsked } from '../api/ask-once';
import { useSemanticLayer } from './semantic-layer';
import { setChannelCatalog, setStageCatalog, type StageInfo } from '../i18n/labels';
import { STAGES } from '../api/views';
import {
  CHANNEL,
  CHANNEL_LABEL_EN,
  CHANNEL_LABEL_JA,
  CHANNELS_QUERY,
  REACH_QUERY,
  REACHED_AT,
  SETTINGS_KEY,
  SETTINGS_QUERIES,
  SETTINGS_QUERY,
  SETTINGS_VALUE,
  STAGES_QUERY,
} from './settings-queries';
import {
  DEFAULT_FISCAL_YEAR_START_MONTH,
  DEFAULT_TIME_ZONE,
  parseFiscalYearStartMonth,
  SETTING_DEFAULTS,
} from '../../../server/contract/vocabulary';

export interface Settings {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  fiscalStartMonth: number;
  currency: string;
  ltvCacTarget: number;
  /** 'YYYY-MM-DD' */
  asOf: string;
  firstDay: string;
  /** Time zone the queries are cut in (settings.time_zone; Asia/Tokyo by default). */
  timeZone: string;
  stages: StageInfo[];
  /** Where each value came from, for the footer. */
  source: { settings: boolean; asOf: 'settings' | 'data' | 'today' };
}

const SettingsContext = createContext<Settings | null>(null);

const day = (v: unknown) => (typeof v === 'string' ? v.slice(0, 10) : null);

/** The settings view's rows as key → value. */
function settingValues(rows: unknown[] | undefined): Map<string, string> {
  const kv = new Map<string, string>();
  for (const r of (rows ?? []) as Record<string, unknown>[]) kv.set(String(r[SETTINGS_KEY]), String(r[SETTINGS_VALUE]));
  return kv;
}

/**
 * The settings' queries, asked by main.tsx with /meta as the entry runs (api/ask-once.ts), in the same round trip,
 * before the layer says whether their views exist: once it has, a view it lacks makes its query's answer (an error)
 * unread, as if never asked.
 */
export function askSettings(cubeApi: CubeApi): void {
  for (const query of SETTINGS_QUERIES) askLoad(cubeApi, query);
}

/** A settings query's answer: pending until answered, then its result set (none for a refused query). */
function useSettingsQuery(query: Query | Query[]): { pending: boolean; resultSet: ResultSet | null } {
  const asked = useAsked((cubeApi) => askLoad(cubeApi, query));
  return { pending: asked.status === 'pending', resultSet: asked.status === 'done' ? asked.value : null };
}

export function SettingsProvider({ children }: { children: ReactNode }) {
  const layer = useSemanticLayer();
  const offered = (...members: string[]) => layer.status === 'ready' && members.every((m) => layer.hasMember(m));
  const hasSettings = offered(SETTINGS_KEY, SETTINGS_VALUE);
  const hasReach = offered(REACHED_AT, 'stage_reach.leads');
  const hasStages = offered(STAGES.stage, STAGES.slaDays);
  const hasChannels = offered(CHANNEL, CHANNEL_LABEL_EN);
  const stagesQ = useSettingsQuery(STAGES_QUERY);
  const channelsQ = useSettingsQuery(CHANNELS_QUERY);
  const settingsQ = useSettingsQuery(SETTINGS_QUERY);
  const reachQ = useSettingsQuery(REACH_QUERY);
  const timeZone = settingValues(settingsQ.resultSet?.rawData()).get('time_zone') || DEFAULT_TIME_ZONE;

  const value = useMemo<Settings>(() => {
    const today = new Date().toISOString().slice(0, 10);
    const base: Settings = {
      status: 'loading',
      error: null,
      fiscalStartMonth: DEFAULT_FISCAL_YEAR_START_MONTH,
      currency: SETTING_DEFAULTS.currency,
      ltvCacTarget: SETTING_DEFAULTS.ltv_cac_target,
      asOf: today,
      firstDay: `${Number(today.slice(0, 4)) - 2}-01-01`,
      timeZone: DEFAULT_TIME_ZONE,
      stages: [],
      source: { settings: false, asOf: 'today' },
    };
    if (layer.status === 'error') return { ...base, status: 'error', error: layer.error };
    if (layer.status === 'loading') return base;
    const waiting =
      (hasSettings && settingsQ.pending) ||
      (hasStages && stagesQ.pending) ||
      (hasChannels && channelsQ.pending) ||
      (hasReach && reachQ.pending);
    if (waiting) return base;

    const kv = settingValues(settingsQ.resultSet?.rawData());
    const [latestRs, earliestRs] = reachQ.resultSet?.decompose() ?? [];
    const latest = day((latestRs?.rawData()[0] as Record<string, unknown> | undefined)?.[`${REACHED_AT}.day`]);
    const earliest = day((earliestRs?.rawData()[0] as Record<string, unknown> | undefined)?.[`${REACHED_AT}.day`]);
    const asOfSetting = day(kv.get('as_of'));
    const stages: StageInfo[] = ((stagesQ.resultSet?.rawData() ?? []) as Record<string, unknown>[]).map((r) => ({
      stage: String(r[STAGES.stage]),
      order: Number(r[STAGES.stageOrder]),
      labelJa: (r[STAGES.labelJa] as string | null) ?? null,
      labelEn: (r[STAGES.labelEn] as string | null) ?? null,
      slaDays:
        r[STAGES.slaDays] === null || r[STAGES.slaDays] === undefined || r[STAGES.slaDays] === ''
          ? null
          : Number(r[STAGES.slaDays]),
      isFunnel: r[STAGES.isFunnel] === true || r[STAGES.isFunnel] === 'true',
      team: (r[STAGES.team] as string | null) ?? null,
    }));
    setStageCatalog(stages);
    setChannelCatalog(
      ((channelsQ.resultSet?.rawData() ?? []) as Record<string, unknown>[]).map((r) => ({
        channel: String(r[CHANNEL]),
        labelJa: (r[CHANNEL_LABEL_JA] as string | null) ?? null,
        labelEn: (r[CHANNEL_LABEL_EN] as string | null) ?? null,
      })),
    );
    return {
      status: 'ready',
      error: null,
      fiscalStartMonth: parseFiscalYearStartMonth(kv.get('fiscal_year_start_month')),
      currency: kv.get('currency') || SETTING_DEFAULTS.currency,
      ltvCacTarget: Number(kv.get('ltv_cac_target')) > 0 ? Number(kv.get('ltv_cac_target')) : SETTING_DEFAULTS.ltv_cac_target,
      asOf: asOfSetting ?? latest ?? today,
      firstDay: earliest ?? base.firstDay,
      timeZone,
      stages,
      source: { settings: kv.size > 0, asOf: asOfSetting ? 'settings' : latest ? 'data' : 'today' },
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the query objects are new on every render; their status and result are the inputs
  }, [
    layer,
    hasSettings,
    hasStages,
    stagesQ.pending,
    stagesQ.resultSet,
    hasChannels,
    channelsQ.pending,
    channelsQ.resultSet,
    hasReach,
    settingsQ.pending,
    settingsQ.resultSet,
    reachQ.pending,
    reachQ.resultSet,
  ]);

  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): Settings {
  const v = useContext(SettingsContext);
  if (!v) throw new Error('useSettings outside SettingsProvider');
  return v;
}
