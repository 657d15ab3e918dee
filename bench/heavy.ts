/*
 * Heavy queries beside the dashboard's: `heavy` closed-loop clients each send
 * an ungrouped query (every text dimension of the largest view, 10,000
 * rows — Cube's default limit and the most a heavy query may ask for — never
 * cached) while `clients` closed-loop clients send the
 * dashboard's queries as the dashboard does. Reported: the dashboard
 * queries' latency with and without the heavy ones, and what became of the
 * heavy ones (answered, refused 503 by the heavy lane, other errors). The
 * server keeps heavy queries in their own lane (server/security/limits.ts),
 * so the dashboard's p95 should stay near its baseline.
 *
 * Limits: clients and server share the machine's cores; "largest view" is
 * the view with the most text dimensions in /meta (no row counts are read).
 */
import { cubeLoad, type ApiClient } from './queries';
import { percentiles, type Percentiles } from './stats';

export interface HeavyFigures {
  heavyClients: number;
  lightClients: number;
  durationMs: number;
  heavyQuery: unknown;
  /** The dashboard's queries alone, then with the heavy clients running. */
  baselineMs: Percentiles;
  withHeavyMs: Percentiles;
  lightErrors: number;
  lightErrorSamples: string[];
  heavyAnswered: number;
  heavyRefused: number;
  heavyErrors: number;
  heavyErrorSamples: string[];
}

interface MetaView {
  name: string;
  type?: string;
  dimensions: { name: string; type: string }[];
}

/** The heavy query: ungrouped, every text dimension of the view with the most, up to `limit` rows. */
export async function heavyQuery(client: ApiClient, limit = 10_000): Promise<Record<string, unknown>> {
  const res = await fetch(`${client.url}/cubejs-api/v1/meta`, { headers: { authorization: client.token } });
  if (!res.ok) throw new Error(`meta → ${res.status}`);
  const views = ((await res.json()) as { cubes: MetaView[] }).cubes.filter((c) => c.type === 'view');
  const text = (v: MetaView) => v.dimensions.filter((d) => d.type === 'string').map((d) => d.name);
  const view = views.sort((a, b) => text(b).length - text(a).length)[0];
  if (!view || text(view).length === 0) throw new Error('no view with text dimensions');
  return { dimensions: text(view).slice(0, 8), ungrouped: true, limit };
}

async function closedLoop(
  clients: number,
  stopAt: number,
  send: (i: number) => Promise<void>,
  onError: (e: Error) => void,
  latencies: number[],
) {
  await Promise.all(
    Array.from({ length: clients }, async (_, id) => {
      for (let i = id; performance.now() < stopAt; i++) {
        const t0 = performance.now();
        try {
          await send(i);
          latencies.push(performance.now() - t0);
        } catch (e) {
          onError(e as Error);
        }
      }
    }),
  );
}

export async function runHeavyBeside(
  light: ApiClient,
  heavy: ApiClient,
  dashboardQueries: unknown[],
  options: { heavyClients: number; lightClients: number; durationMs: number },
): Promise<HeavyFigures> {
  if (dashboardQueries.length === 0) throw new Error('no dashboard queries to send');
  const query = await heavyQuery(heavy);
  const sendLight = (i: number) =>
    cubeLoad(light, dashboardQueries[i % dashboardQueries.length], {}, 60_000).then(() => undefined);
  const lightErrors: string[] = [];

  const baseline: number[] = [];
  await closedLoop(
    options.lightClients,
    performance.now() + options.durationMs,
    sendLight,
    (e) => lightErrors.push(e.message),
    baseline,
  );

  const withHeavy: number[] = [];
  const heavyDone: number[] = [];
  const heavyErrors: string[] = [];
  let refused = 0;
  let n = 0;
  const stopAt = performance.now() + options.durationMs;
  const sendHeavy = async () => {
    // a filter that differs on every call: no cache answers it
    const q = {
      ...query,
      filters: [{ member: (query.dimensions as string[])[0], operator: 'notEquals', values: [`heavy-${n++}`] }],
    };
    try {
      await cubeLoad(heavy, q, {}, 120_000);
    } catch (e) {
      // refused at once by the full lane: a client would wait a little before asking again
      if (/→ 503 /.test((e as Error).message)) await new Promise((r) => setTimeout(r, 250));
      throw e;
    }
  };
  const started = performance.now();
  await Promise.all([
    closedLoop(
      options.heavyClients,
      stopAt,
      sendHeavy,
      (e) => {
        if (/→ 503 .*heavy queries/.test(e.message)) refused++;
        else heavyErrors.push(e.message.slice(0, 200));
      },
      heavyDone,
    ),
    // the dashboard's clients start once the heavy ones are under way
    new Promise((r) => setTimeout(r, 200)).then(() =>
      closedLoop(options.lightClients, stopAt, sendLight, (e) => lightErrors.push(e.message.slice(0, 200)), withHeavy),
    ),
  ]);
  return {
    heavyClients: options.heavyClients,
    lightClients: options.lightClients,
    durationMs: Math.round(performance.now() - started),
    heavyQuery: query,
    baselineMs: percentiles(baseline),
    withHeavyMs: percentiles(withHeavy),
    lightErrors: lightErrors.length,
    lightErrorSamples: [...new Set(lightErrors)].slice(0, 5),
    heavyAnswered: heavyDone.length,
    heavyRefused: refused,
    heavyErrors: heavyErrors.length,
    heavyErrorSamples: [...new Set(heavyErrors)].slice(0, 5),
  };
}
