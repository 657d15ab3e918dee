/*
 * Tokens: who is calling. One verifier for every route — Cube's (as its
 * checkAuth), /api/session, /api/plan and /api/actions:
 *   - this server's own tokens (npm run token, /api/session): HS256 with the
 *     API secret, `aud`/`iss` from config (default revcycle-api / revcycle);
 *   - with REVCYCLE_JWKS_URL, an identity provider's tokens (RS256, ES256, …)
 *     checked against its published keys, with the provider's `iss`/`aud`.
 * `exp` is required and checked, and may lie at most the configured token
 * lifetime ahead; an `iat` in the future is refused; `alg: none` and
 * unlisted algorithms are refused. What a verified token may see is security/roles.ts and
 * security/policy.ts. The dashboard never sees the secret: it exchanges for a
 * short-lived token at /api/session.
 */
import jwt from 'jsonwebtoken';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { SecurityConfig } from './config.js';

export interface TokenClaims {
  sub?: string;
  /** `executive`, `analyst`, `team` (with `team`) or `agency` (with `channels`); `team:<name>` and `agency:<a,b>` also read. */
  role?: string;
  team?: string;
  channels?: string[];
  scopes?: string[];
  /** A read-only token (the anonymous local session): it reads and changes nothing. */
  read_only?: boolean;
}

export const DEFAULT_AUDIENCE = 'revcycle-api';
export const DEFAULT_ISSUER = 'revcycle';

/** A token of this server's own: HS256, with exp, aud and iss. */
export function signToken(
  secret: string,
  claims: TokenClaims,
  expiresInSeconds: number,
  opts: { audience?: string; issuer?: string } = {},
): string {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return jwt.sign(payload, secret, {
    algorithm: 'HS256',
    expiresIn: expiresInSeconds,
    audience: opts.audience ?? DEFAULT_AUDIENCE,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
  });
}

/**
 * The token of an Authorization header: "Bearer <token>" or the token alone, on every route (Cube's and /api); ''
 * when absent. Any other form ("Token X", "Basic X", "Bearer X extra") is returned whole, which no verifier accepts.
 */
export function bearerToken(header: string | undefined): string {
  const value = (header ?? '').trim();
  return /^(?:Bearer\s+)?(\S+)$/i.exec(value)?.[1] ?? value;
}

/**
 * Synchronous check of this server's own tokens (signature and exp only),
 * for handlers that have not moved to `Authenticator` yet. Every /api route
 * is first checked by the full verifier (api/index.ts), so this is a second,
 * weaker check, never the only one.
 */
export function verifyToken(secret: string, token: string): TokenClaims & { exp?: number } {
  return jwt.verify(token, secret, { algorithms: ['HS256'] }) as TokenClaims & { exp?: number };
}

export class InvalidToken extends Error {}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface Verified {
  claims: JWTPayload & Record<string, unknown>;
  /** Signed by this server (its claim names are fixed) rather than by the identity provider (names configured). */
  own: boolean;
}

export interface Authenticator {
  /** The verified claims of a token; throws InvalidToken with the reason. */
  verify(token: string): Promise<Verified>;
}

function reason(e: unknown, which: { audience: string; issuer: string }): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return `the token's audience (aud) is not "${which.audience}"`;
    if (e.claim === 'iss') return `the token's issuer (iss) is not "${which.issuer}"`;
    if (e.claim === 'exp') return 'the token has no expiry (exp)';
    return `the token's ${e.claim} claim is invalid (${e.reason})`;
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "the token's algorithm is not allowed";
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the identity provider matches the token';
  return `the token is malformed (${(e as Error).message})`;
}

/** Clock difference allowed between the issuer and this server. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * A token may not live longer than the limit (exp far ahead: a leaked token would work for years) nor claim to be
 * issued in the future (iat ahead: a clock or a forgery). Throws InvalidToken naming which.
 */
function lifetimeProblem(payload: JWTPayload, maxLifetimeSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.exp === 'number' && payload.exp - now > maxLifetimeSeconds + CLOCK_SKEW_SECONDS)
    throw new InvalidToken(`the token lives longer than the ${maxLifetimeSeconds} s allowed (its exp is too far ahead)`);
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > now + CLOCK_SKEW_SECONDS))
    throw new InvalidToken('the token says it was issued in the future (iat)');
}

export function createAuthenticator(secret: string, security: SecurityConfig): Authenticator {
  const key = new TextEncoder().encode(secret);
  const own = { audience: security.audience, issuer: security.issuer };
  const jwks = security.oidc ? createRemoteJWKSet(new URL(security.oidc.jwksUrl)) : undefined;
  return {
    async verify(token) {
      if (!token) throw new InvalidToken('no token (send Authorization: Bearer <token>)');
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw new InvalidToken('the token is not a JWT');
      }
      const oidc = security.oidc;
      const which =
        alg === 'HS256'
          ? own
          : oidc && alg && ASYMMETRIC.includes(alg)
            ? { audience: oidc.audience, issuer: oidc.issuer }
            : undefined;
      if (!which)
        throw new InvalidToken(
          `the token's algorithm "${alg}" is not accepted (HS256${oidc ? ` or the identity provider's ${ASYMMETRIC.join('/')}` : ''})`,
        );
      try {
        const { payload } =
          which === own
            ? await jwtVerify(token, key, { algorithms: ['HS256'], ...own, requiredClaims: ['exp'] })
            : await jwtVerify(token, jwks!, { algorithms: ASYMMETRIC, ...which, requiredClaims: ['exp'] });
        lifetimeProblem(payload, security.limits.maxTokenLifetimeSeconds);
        return { claims: payload as JWTPayload & Record<string, unknown>, own: which === own };
      } catch (e) {
        if (e instanceof InvalidToken) throw e;
        throw new InvalidToken(reason(e, which));
      }
    },
  };
}
