/*
 * The settings' queries (state/settings.tsx reads their answers): the stage
 * catalog, the channel catalog, the settings view's key/value rows, and the
 * first and latest day with data. Kept apart from the provider, without
 * React, because they are also the first batch the session request carries
 * (api/first-batch.ts, written into index.html by the build).
 */
import type { Query } from '@cubejs-client/core';
import { STAGES } from '../api/views.js';

export const SETTINGS_KEY = 'settings.key';
export const SETTINGS_VALUE = 'settings.value';
export const REACHED_AT = 'stage_reach.reached_at';
// The channels view (seeds/channels.csv): names of every channel the data uses.
export const CHANNEL = 'channels.channel';
export const CHANNEL_LABEL_JA = 'channels.label_ja';
export const CHANNEL_LABEL_EN = 'channels.label_en';

export const STAGES_QUERY: Query = {
  dimensions: [STAGES.stage, STAGES.stageOrder, STAGES.labelJa, STAGES.labelEn, STAGES.slaDays, STAGES.isFunnel, STAGES.team],
  order: { [STAGES.stageOrder]: 'asc' },
};
export const CHANNELS_QUERY: Query = { dimensions: [CHANNEL, CHANNEL_LABEL_JA, CHANNEL_LABEL_EN] };
export const SETTINGS_QUERY: Query = { dimensions: [SETTINGS_KEY, SETTINGS_VALUE] };
// The latest and the earliest day with data in one request (a blended query: both are cut by day). It names no
// zone, so it need not wait for the settings: the server cuts a query without one in the warehouse's zone
// (server/cube/warehouse-time.ts), which is the settings' time_zone every other query names.
export const REACH_QUERY: Query[] = (['desc', 'asc'] as const).map((dir) => ({
  measures: ['stage_reach.leads'],
  timeDimensions: [{ dimension: REACHED_AT, granularity: 'day' as const }],
  order: { [REACHED_AT]: dir },
  limit: 1,
}));

/** Every settings query, in the order they are asked. */
export const SETTINGS_QUERIES: (Query | Query[])[] = [STAGES_QUERY, CHANNELS_QUERY, SETTINGS_QUERY, REACH_QUERY];
