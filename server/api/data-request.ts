/*
 * What revcycle's own data routes (/api/plan, /api/leads/:id/journey) do
 * before their work: check the token (401 naming why), its "data" scope
 * (403), and read the served warehouse through Cube's DuckDB driver with
 * the orchestrator of the current warehouse file — one process holds the
 * file, so a second connection would not be allowed, and a rebuilt
 * warehouse is picked up as Cube picks it up.
 */
import type express from 'express';
import { bearerToken, verifyToken, type TokenClaims } from '../auth.js';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';

/** The token's claims, or undefined after answering 401/403. */
export function dataClaims(config: Config, req: express.Request, res: express.Response): TokenClaims | undefined {
  let claims: TokenClaims;
  try {
    claims = verifyToken(config.apiSecret, bearerToken(req.get('authorization')));
  } catch (e) {
    res
      .status(401)
      .json({ error: `A valid token is required (Authorization: <token> or Bearer <token>): ${(e as Error).message}` });
    return undefined;
  }
  if (Array.isArray(claims.scopes) && !claims.scopes.includes('data')) {
    res.status(403).json({ error: "The token's scopes do not include data" });
    return undefined;
  }
  return claims;
}

export type WarehouseQuery = (sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/** A query function on the served warehouse, for a request named `route`. */
export async function warehouseQuery(cube: CubeHandle, claims: TokenClaims, route: string): Promise<WarehouseQuery> {
  const context = { securityContext: claims, requestId: `api-${route}-${Date.now()}` };
  const orchestrator = await cube.core.getOrchestratorApi(context);
  const driver = await orchestrator.driverFactory('default');
  return (sql, values = []) => driver.query(sql, values) as Promise<Record<string, unknown>[]>;
}
