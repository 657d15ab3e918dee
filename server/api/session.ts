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
 */
import type express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import { bearerToken, signToken } from '../auth.js';
import { localSessionRefusal } from '../security/origin.js';
import { claimsOfPrincipal, type Principal } from '../security/roles.js';

export const DASHBOARD_SCOPES = ['meta', 'data', 'graphql'];

export function sessionHandler(config: Config, cube: CubeHandle) {
  return async (req: express.Request, res: express.Response) => {
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
    res.set('Cache-Control', 'no-store');
    res.json({
      token: signToken(config.apiSecret, claimsOfPrincipal(principal), config.dashboardTokenTtl, config.security),
      expiresIn: config.dashboardTokenTtl,
      role: principal.role,
      team: principal.team ?? null,
      channels: principal.channels ?? null,
      readOnly: principal.readOnly === true,
    });
  };
}
