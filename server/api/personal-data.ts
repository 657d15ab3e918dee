/*
 * Who may see personal data (a lead's email, its timeline of touches and
 * stage changes), checked by the journey route after the route rule of
 * server/security/policy.ts (requireRoute 'journey' in api/index.ts) has
 * admitted the role.
 *
 * Allowed: a token whose `role` is `analyst` or `executive`; and, in local
 * dev mode only, a token with neither role nor team (the anonymous session
 * of `npm start` on one machine, whose tokens carry no role yet). Refused:
 * team roles (a `team` claim, `team:<t>`), agencies, any other role, and a
 * role-less token outside local dev. Personal data is served only by routes
 * that call this, never by an aggregate Cube view.
 */
import type { TokenClaims } from '../auth.js';

export const PERSONAL_DATA_ROLES = ['analyst', 'executive'] as const;

export function personalDataRefusal(claims: TokenClaims & { role?: unknown }, localDev: boolean): string | null {
  const role = typeof claims.role === 'string' ? claims.role : undefined;
  if (role !== undefined) {
    return (PERSONAL_DATA_ROLES as readonly string[]).includes(role)
      ? null
      : `the role "${role}" may not see personal data (only ${PERSONAL_DATA_ROLES.join(' or ')})`;
  }
  if (claims.team) return `a team-scoped token (team ${claims.team}) may not see personal data`;
  if (!localDev) return `a token without the role ${PERSONAL_DATA_ROLES.join(' or ')} may not see personal data`;
  return null;
}
