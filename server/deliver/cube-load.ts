/*
 * The runner reads its figures through the server's own Cube API, as any
 * client does, with a short-lived token of the analyst role signed by this
 * server: a message's figures are the API's figures by construction, and the
 * row rules of server/security/policy.ts apply as to anyone.
 */
import { signToken } from '../auth.js';
import type { Config } from '../config.js';

export type CubeRow = Record<string, string | number | boolean | null>;
export type CubeLoad = (query: Record<string, unknown>) => Promise<CubeRow[]>;

const CONTINUE_WAIT = 'Continue wait';

export function cubeLoader(config: Config, serverUrl: string): CubeLoad {
  return cubeLoaderWith(serverUrl, () =>
    signToken(config.apiSecret, { sub: 'revcycle-schedules', role: 'analyst' }, 300, config.security),
  );
}

/** The same with a caller's token (the meeting pack's route loads with the requester's own, so its scope applies). */
export function cubeLoaderWith(serverUrl: string, tokenOf: () => string): CubeLoad {
  return async (query) => {
    const token = tokenOf();
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${serverUrl}/cubejs-api/v1/load`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(120_000),
      });
      const body = (await res.json()) as { data?: CubeRow[]; error?: string };
      if (body.error === CONTINUE_WAIT) continue;
      if (!res.ok || !body.data) throw new Error(`the Cube API answered ${res.status}: ${body.error ?? 'no data'}`);
      return body.data;
    }
    throw new Error('the Cube API kept answering "Continue wait"');
  };
}

/** The warehouse settings' zone (settings.csv `timezone`), or undefined when the warehouse has none. */
export async function warehouseZone(load: CubeLoad): Promise<string | undefined> {
  const rows = await load({
    dimensions: ['settings.key', 'settings.value'],
    filters: [{ member: 'settings.key', operator: 'equals', values: ['time_zone', 'timezone'] }],
  });
  const value = rows.map((r) => r['settings.value']).find((v) => typeof v === 'string' && v.trim() !== '');
  return typeof value === 'string' ? value.trim() : undefined;
}
