/*
 * Tokens for the Cube API: HS256 JWTs signed with the API secret, as Cube's
 * own check expects. `team` narrows rows (see cube/cube-server.ts), `scopes`
 * narrows API scopes. The dashboard never sees the secret: it asks the server
 * for a short-lived token (api/session.ts).
 */
import jwt from 'jsonwebtoken';

export interface TokenClaims {
  sub?: string;
  team?: string;
  scopes?: string[];
}

export function signToken(secret: string, claims: TokenClaims, expiresInSeconds: number): string {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return jwt.sign(payload, secret, { algorithm: 'HS256', expiresIn: expiresInSeconds });
}

/** The token of an Authorization header, sent raw or as "Bearer <token>"; '' when absent. */
export function bearerToken(header: string | undefined): string {
  return (header ?? '').replace(/^Bearer\s+/i, '').trim();
}

export function verifyToken(secret: string, token: string): TokenClaims & { exp?: number } {
  return jwt.verify(token, secret, { algorithms: ['HS256'] }) as TokenClaims & { exp?: number };
}
