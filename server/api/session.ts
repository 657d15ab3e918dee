/*
 * POST /api/session — the dashboard's way to a short-lived Cube token.
 *
 * - With a valid bearer token (one from `npm run token`, or an identity
 *   provider's when REVCYCLE_JWKS_URL is set), it returns a fresh
 *   short-lived token of this server's with the same role, team, channels
 *   and scopes. The role comes from the presented token only; nothing in the
 *   request can change it.
 * - Without one, only in local dev mode and only to the dashboard this
 *   server serves on this machine (security/origin.ts: loopback peer, allowed
 *   Host, same-origin), it returns a read-only executive token (meta, data,
 *   graphql) so `npm start` works out of the box on one machine: a viewer
 *   with no personal data (the executive role's rule, security/policy.ts)
 *   that changes nothing (`read_only`; writes need a token of the caller's
 *   own). Exchanging a read-only token keeps it read-only. Deployed
 *   servers (NODE_ENV=production) never hand out tokens to anonymous callers.
 *
 * The request may carry the first batch the caller would send with the new
 * token (`{"first": {"requests": [...]}}`, the form of POST
 * /cubejs-api/v1/batch: the dashboard's /meta and settings' queries, which
 * every page asks before its cards may): the answer then holds that batch's
 * answer too (`"first"`, located by BATCH_BODIES_HEADER as the batch's own),
 * so a page's cards ask one round trip sooner. The batch is sent to this
 * server's batch route over the loopback with the new token: its checks,
 * scoping, rate charge and errors are the route's own. A malformed `first`
 * is a 400; a batch the route refuses as a whole (429 …) leaves the answer
 * without `first`, and the caller asks for it itself.
 */
import type express from 'express';
import { loopbackUrl, type Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import { bearerToken, signToken } from '../auth.js';
import { localSessionRefusal } from '../security/origin.js';
import { claimsOfPrincipal, type Principal } from '../security/roles.js';
import { batchEntries } from '../cube/batch-load.js';
import { BATCH_BODIES_HEADER, CUBE_BATCH_PATH, embedBatchAnswer } from '../contract/cube-batch.js';

export const DASHBOARD_SCOPES = ['meta', 'data', 'graphql'];

export function sessionHandler(config: Config, cube: CubeHandle) {
  return async (req: express.Request, res: express.Response) => {
    const first = (req.body as { first?: unknown } | undefined)?.first;
    if (first !== undefined && first !== null) {
      const found = batchEntries(first);
      if ('problem' in found) {
        res.status(400).json({ error: `Invalid first batch: ${found.problem}`, field: 'first' });
        return;
      }
    }
    const bearer = bearerToken(req.get('authorization'));
    let principal: Principal;
    if (bearer) {
      try {
        principal = await cube.principal(bearer);
      } catch (e) {
        res.status(401).json({ error: `Invalid token: ${(e as Error).message}` });
        return;
      }
    } else if (!config.localDev) {
      res.status(401).json({ error: 'A bearer token is required (anonymous sessions exist only in local dev mode).' });
      return;
    } else {
      const refusal = localSessionRefusal(
        {
          remoteAddress: req.socket.remoteAddress,
          host: req.get('host'),
          origin: req.get('origin'),
          secFetchSite: req.get('sec-fetch-site'),
        },
        config.security,
      );
      if (refusal) {
        res.status(403).json({ error: `No anonymous local session: ${refusal}. Send a bearer token instead.` });
        return;
      }
      principal = { sub: 'dashboard-local', role: 'executive', scopes: DASHBOARD_SCOPES, readOnly: true };
    }
    const token = signToken(config.apiSecret, claimsOfPrincipal(principal), config.dashboardTokenTtl, config.security);
    const session = {
      token,
      expiresIn: config.dashboardTokenTtl,
      role: principal.role,
      team: principal.team ?? null,
      channels: principal.channels ?? null,
      readOnly: principal.readOnly === true,
    };
    res.set('Cache-Control', 'no-store');
    const answered = first ? await firstBatch(req, token, first) : undefined;
    const embedded = answered && embedBatchAnswer(`${JSON.stringify(session).slice(0, -1)},"first":`, answered, '}');
    if (!embedded) {
      res.json(session);
      return;
    }
    res.type('application/json').set(BATCH_BODIES_HEADER, embedded.header).send(embedded.text);
  };
}

/** The batch route's answer to `batch` with `token`, over the loopback; undefined when it refused the batch as a whole. */
async function firstBatch(
  req: express.Request,
  token: string,
  batch: unknown,
): Promise<{ text: string; header: string } | undefined> {
  try {
    const res = await fetch(`${loopbackUrl(req.socket.localPort)}/cubejs-api${CUBE_BATCH_PATH}`, {
      method: 'POST',
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    const text = await res.text();
    const header = res.headers.get(BATCH_BODIES_HEADER);
    return res.status === 200 && header ? { text, header } : undefined;
  } catch (e) {
    console.error(`[revcycle] the session's first batch failed: ${(e as Error)?.stack ?? e}`);
    return undefined;
  }
}
