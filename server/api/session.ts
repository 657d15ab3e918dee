/*
 * POST /api/session — the dashboard's way to a short-lived Cube token.
 *
 * - With a valid bearer token (for example one from `npm run token`), it
 *   returns a fresh short-lived token with the same team and scopes.
 * - Without one, only in local dev mode and only to the dashboard this
 *   server serves on this machine (security/origin.ts: loopback peer, allowed
 *   Host, same-origin), it returns a read-only token (meta, data, graphql) so
 *   `npm start` works out of the box on one machine. Deployed servers
 *   (NODE_ENV=production) never hand out tokens to anonymous callers.
 */
import type express from 'express';
import type { Config } from '../config.js';
import { bearerToken, signToken, verifyToken, type TokenClaims } from '../auth.js';
import { localSessionRefusal } from '../security/origin.js';

export const DASHBOARD_SCOPES = ['meta', 'data', 'graphql'];

export function sessionHandler(config: Config) {
  return (req: express.Request, res: express.Response) => {
    const bearer = bearerToken(req.get('authorization'));
    let claims: TokenClaims;
    if (bearer) {
      try {
        const { sub, team, scopes } = verifyToken(config.apiSecret, bearer);
        claims = { sub, team, scopes };
      } catch (e) {
        res.status(401).json({ error: `Invalid token: ${(e as Error).message}` });
        return;
      }
    } else if (!config.localDev) {
      res.status(401).json({ error: 'A bearer token is required (anonymous sessions exist only in local dev mode).' });
      return;
    } else {
      const refusal = localSessionRefusal({
        remoteAddress: req.socket.remoteAddress,
        host: req.get('host'),
        origin: req.get('origin'),
        secFetchSite: req.get('sec-fetch-site'),
      }, config.security);
      if (refusal) {
        res.status(403).json({ error: `No anonymous local session: ${refusal}. Send a bearer token instead.` });
        return;
      }
      claims = { sub: 'dashboard-local', scopes: DASHBOARD_SCOPES };
    }
    res.set('Cache-Control', 'no-store');
    res.json({
      token: signToken(config.apiSecret, claims, config.dashboardTokenTtl),
      expiresIn: config.dashboardTokenTtl,
      team: claims.team ?? null,
    });
  };
}
