/*
 * The first batch of every page: /meta and the settings' queries
 * (state/settings-queries.ts), which every page asks before its cards may.
 * The build writes it into index.html's session request (vite.config.ts,
 * `sessionWithFirstBatch`), so the server answers it with the session
 * (server/api/session.ts) while the app's code downloads; the transport then
 * hands those answers to the client's first asks (batch-transport.ts,
 * `giveFirstAnswers`) instead of sending them again.
 */
import { loadEntry, type CubeBatchEntry } from '../../../server/contract/cube-batch.js';
import { SETTINGS_QUERIES } from '../state/settings-queries.js';

export const FIRST_BATCH: CubeBatchEntry[] = [{ route: 'meta' }, ...SETTINGS_QUERIES.map((query) => loadEntry(query))];

/** The session request's body that carries it. */
export const SESSION_WITH_FIRST_BATCH = JSON.stringify({ first: { requests: FIRST_BATCH } });
